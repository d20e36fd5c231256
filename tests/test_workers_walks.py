"""Workers outside the plain salarié of the régime général (issue 19): an agent public, a salarié agricole, an
apprenti declared inapte, a worker whose CDD ended during the arrêt, a pensionné who works. Each walk ends on
their own acteurs, and the handout the médecin prints says nothing false for them; every cas type's words about
the handout hold on the handout really served."""

import re

import pytest
from test_handout import sheet

from portal.config import ROOT
from portal.models import CasTypes
from portal.yamlsource import load_yaml

TREE = "/orientation/medecin-du-travail"
REGIME_GENERAL = ("/fiches/cpam", "/fiches/carsat-prevention", "/fiches/service-social-assurance-maladie", "36 46")


@pytest.fixture(scope="module")
def client(real_client):
    return real_client


def result(client, query: str) -> str:
    response = client.get(f"{TREE}?{query}")
    assert response.status_code == 200
    assert "walk-result" in response.text, query  # a result, not a question
    return response.text


def handout(client, query: str) -> str:
    response = client.get(f"{TREE}/pour-le-salarie?{query}")
    assert response.status_code == 200
    return sheet(response.text)


def fiches_of(page: str) -> set[str]:
    return set(re.findall(r'href="/fiches/([a-z0-9-]+)"', page))


def test_an_agent_public_ends_on_the_public_service_and_not_on_the_cpam_rules(client):
    query = "etape=reprise&statut=agent-public"
    page = result(client, query)
    assert {"agent-public-maintien", "service-medecine-prevention", "conseil-medical", "fiphfp"} <= fiches_of(page)
    assert not fiches_of(page) & {"temps-partiel-therapeutique", "visite-reprise", "essai-encadre", "agefiph", "cpam"}
    assert "À la reprise : agent public</h2>" in page
    sheet_text = handout(client, query)
    assert "médecin du travail de votre administration" in sheet_text
    for false in ("CPAM", "Agefiph", "Assurance Maladie", "mi-temps thérapeutique", "36 46"):
        assert false not in sheet_text, false


def test_a_salarie_agricole_ends_on_the_msa_never_on_the_cpam_the_carsat_or_the_36_46(client):
    for etape in ("sans-arret", "pendant-arret", "reprise", "apres-inaptitude", "invalidite"):
        query = f"etape={etape}&statut=salarie-agricole"
        page = result(client, query)
        assert "msa" in fiches_of(page), etape
        assert not any(marker in page for marker in REGIME_GENERAL), etape
        assert not fiches_of(page) & {"spst", "cellule-pdp-spst", "service-medical-assurance-maladie"}, etape
        sheet_text = handout(client, query)
        assert "MSA" in sheet_text, etape
        for false in ("CPAM", "36 46", "Carsat", "Assurance Maladie"):
            assert false not in sheet_text, (etape, false)


def test_an_apprenti_declared_inapte_is_not_promised_a_reclassement_nor_his_pay(client):
    for origine in ("maladie", "at-mp"):
        query = f"etape=apres-inaptitude&statut=salarie&origine={origine}&contrat=apprentissage"
        page = result(client, query)
        assert {"inaptitude-reclassement", "contestation-avis-medecin-travail", "cep"} <= fiches_of(page)
        assert "crpe" not in fiches_of(page)
        assert "L6222-18" in page  # the médecin reads why
        sheet_text = handout(client, query)
        assert "sans avoir à vous proposer un autre poste" in sheet_text
        assert "chercher à vous reclasser" not in sheet_text
        assert "paiement de votre salaire" not in sheet_text


def test_a_dispense_de_reclassement_changes_the_handout_but_not_the_pay(client):
    query = "etape=apres-inaptitude&statut=salarie&origine=maladie&contrat=en-cours&dispense=oui"
    sheet_text = handout(client, query)
    assert "L'avis dispense votre employeur de rechercher un autre poste" in sheet_text
    assert "reprendre le paiement de votre salaire" in sheet_text  # L1226-4 still applies
    assert "Votre employeur doit chercher à vous reclasser" not in sheet_text
    # Without the mention, the general text: the employer must look for a reclassement.
    usual = handout(client, query.replace("dispense=oui", "dispense=non") + "&situation=autre-poste&rqth=non")
    assert "Votre employeur doit chercher à vous reclasser" in usual


def test_a_worker_whose_cdd_ended_during_the_arret_has_no_employer_to_return_to(client):
    query = "etape=pendant-arret&statut=salarie&contrat=termine"
    page = result(client, query)
    assert {"fin-contrat-pendant-arret", "service-social-assurance-maladie", "france-travail"} <= fiches_of(page)
    assert not fiches_of(page) & {
        "essai-encadre",
        "crpe",
        "visite-reprise",
        "visite-pre-reprise",
        "rendez-vous-liaison",
    }
    sheet_text = handout(client, query)
    assert "Votre contrat a pris fin pendant votre arrêt" in sheet_text
    assert "France Travail" in sheet_text
    for false in ("reprendre votre emploi", "visite de reprise", "essai encadré"):
        assert false not in sheet_text, false


def test_a_pensionne_who_works_is_not_told_he_is_in_arret(client):
    query = "etape=invalidite&statut=salarie&activite=travaille"
    page = result(client, query)
    assert {"pension-invalidite", "cellule-pdp-spst", "cap-emploi"} <= fiches_of(page)
    assert "rqth" not in fiches_of(page)  # every pensionné is already bénéficiaire de l'obligation d'emploi
    assert "Salarié titulaire" not in page
    sheet_text = handout(client, query)
    first_step = sheet_text.split("Ce que vous pouvez faire dès maintenant", 1)[1][:200]
    assert "ne vous interdit pas de travailler" in first_step
    assert "si vous êtes en arrêt" not in sheet_text.casefold()
    assert "Si vous avez une RQTH" not in sheet_text


def _handout_cases():
    found = []
    for path in sorted((ROOT / "trees").glob("*.cas.yaml")):
        tree_id = path.name.removesuffix(".cas.yaml")
        for case in CasTypes.model_validate(load_yaml(path).data).cas:
            if case.feuille_doit_dire or case.feuille_ne_doit_pas_dire:
                found.append((tree_id, case))
    return found


@pytest.mark.parametrize(("tree_id", "case"), _handout_cases(), ids=lambda v: v if isinstance(v, str) else v.nom)
def test_every_cas_type_holds_on_the_handout_served(client, tree_id, case):
    query = "&".join(f"{question}={code}" for question, code in case.reponses.items())
    response = client.get(f"/orientation/{tree_id}/pour-le-salarie?{query}")
    assert response.status_code == 200, case.nom
    text = sheet(response.text).casefold()
    assert [words for words in case.feuille_doit_dire if words.casefold() not in text] == [], case.nom
    assert [words for words in case.feuille_ne_doit_pas_dire if words.casefold() in text] == [], case.nom


def test_an_old_link_keeps_its_answers_and_asks_only_the_new_question(client):
    """Links last: a link made before the statut was asked at the reprise keeps its answers."""
    page = client.get(f"{TREE}?etape=reprise&situation=meme-poste&rqth=non").text
    assert "Quel est son statut ?" in page
    assert '<input type="hidden" name="situation" value="meme-poste">' in page
    assert 'name="statut" value="agent-public"' in page and 'name="statut" value="independant"' not in page
    page = client.get(f"{TREE}?etape=reprise&situation=meme-poste&rqth=non&statut=salarie").text
    assert "À la reprise : le même poste, aménagé (sans RQTH)</h2>" in page
