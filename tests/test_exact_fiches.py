"""What a doctor reads on the REAL content is exact outside the plain salarié of the régime général (issue 19):
farm workers, agents publics, pensionnés d'invalidité, contracts that end, recourse and what doctors may share."""

import html
import re

import pytest


def text_of(page: str) -> str:
    """The visible text of a page, its spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"</?(abbr|a|strong|em|code)\b[^>]*>", "", page)  # inline tags: no space added
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def fiche(client, fiche_id: str) -> str:
    response = client.get(f"/fiches/{fiche_id}")
    assert response.status_code == 200, fiche_id
    return text_of(response.text)


@pytest.mark.parametrize(
    ("fiche_id", "said"),
    [
        ("msa", "cellule pluridisciplinaire de maintien en emploi"),
        ("msa", "décret n° 2023-139"),
        ("msa", "L752-5-2 du Code rural"),
        ("service-medecine-prevention", "« médecin du travail »"),
        ("service-medecine-prevention", "décret n° 2020-647 du 27 mai 2020"),
        ("conseil-medical", "remplacés, dans les trois versants de la fonction publique, par une instance unique"),
        ("conseil-medical", "n° 2022-353"),
        ("commission-medicale-recours-amiable", "deux mois"),
        ("pension-invalidite", "Cette réduction est la condition de toute pension"),
        ("pension-invalidite", "art. L5212-13, 3°, du Code du travail"),
        ("pension-invalidite", "il n'interdit pas de travailler"),
        ("pension-invalidite", "passe, à la fin de l'arrêt, la visite de reprise"),
        ("secret-medical-partage", "consentement préalable"),
        ("secret-medical-partage", "art. L4624-8 du Code du travail"),
        ("periode-preparation-reclassement", "durée maximale d'un an"),
        ("fin-contrat-pendant-arret", "l'employeur est l'entreprise de travail temporaire"),
        ("fin-indemnites-journalieres", "plus de quatre mois après le dépôt de la demande vaut décision de rejet"),
        ("contestation-avis-medecin-travail", "avis d'aptitude assorti de restrictions"),
        ("agent-public-maintien", "art. L822-30 du CGFP"),
        ("agent-public-maintien", "il relève du CGFP (art. L823-1 et suivants), pas des règles de la CPAM"),
    ],
)
def test_the_new_fiche_says_the_rule(real_client, fiche_id, said):
    assert said in fiche(real_client, fiche_id)


def test_a_pensionne_is_never_sent_to_the_rqth_as_a_fallback(real_client):
    page = fiche(real_client, "pension-invalidite")
    assert "sinon RQTH" not in page
    assert "une RQTH n'est pas nécessaire pour Cap emploi" in page


def test_what_stays_to_check_is_shown_at_its_field(real_client):
    page = fiche(real_client, "fin-contrat-pendant-arret")
    assert "À vérifier" in page
    assert "demandez à la CPAM (36 46) et à l'agence d'intérim avant d'agir" in page


def ranked(client, query: str) -> list[str]:
    return [hit["id"] for hit in client.get("/api/recherche", query_string={"q": query}).get_json()["resultats"]]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("fonction publique", "agent-public-maintien"),
        ("fonctionnaire", "agent-public-maintien"),
        ("comité médical", "conseil-medical"),
        ("médecin de prévention", "service-medecine-prevention"),
        ("secret", "secret-medical-partage"),
        ("DMST", "secret-medical-partage"),
        ("salarié agricole", "msa"),
        ("CPME", "msa"),
        ("invalidité", "pension-invalidite"),
        ("CDD", "fin-contrat-pendant-arret"),
        ("CMRA", "commission-medicale-recours-amiable"),
        ("PPR", "periode-preparation-reclassement"),
        ("fin des IJ", "fin-indemnites-journalieres"),
        ("AMA", "pdp-travailleurs-independants"),
        ("SMR", "comete-france"),
    ],
)
def test_a_doctor_s_word_finds_the_fiche_that_answers_it(real_client, query, first):
    assert ranked(real_client, query)[0] == first


def test_fonction_publique_no_longer_opens_on_the_cpam_s_therapeutic_part_time(real_client):
    assert "temps-partiel-therapeutique" not in ranked(real_client, "fonction publique")[:3]


def test_therapeutic_part_time_without_arret_orders_no_reprise_visit(real_client):
    page = fiche(real_client, "temps-partiel-therapeutique")
    assert "Sans arrêt préalable, aucune visite de reprise n'est due" in page
    assert "le médecin du travail rend son avis lors de la visite de reprise" not in page
    assert "doit suivre un arrêt de travail à temps complet indemnisé" in page  # the travailleur indépendant
    assert "il se demande à l'administration, pas à la CPAM" in page  # the agent public


def test_the_essai_encadre_is_not_said_reserved_to_the_regime_general(real_client):
    page = fiche(real_client, "essai-encadre")
    assert "Il n'est pas réservé au régime général : les salariés agricoles" in page
    assert "Il suppose un contrat en cours" in page
    assert "Être salarié relevant du régime général" not in page


def test_ssr_is_shown_as_the_old_name_of_smr(real_client):
    page = fiche(real_client, "comete-france")
    assert "soins médicaux et de réadaptation (SMR, anciennement SSR)" in page
    assert "(SSR/MPR)" not in page
    glossary = real_client.get("/api/glossaire").get_json()
    ssr = next(t for t in glossary["termes"] if t["terme"] == "SSR")
    assert ssr["ancien"] is True and "SMR" in ssr["definition"]


def test_the_ptp_after_an_inaptitude_dismissal_needs_a_new_job(real_client):
    page = fiche(real_client, "inaptitude-reclassement")
    assert "une fois un nouvel emploi salarié trouvé, le projet de transition professionnelle" in page
    assert "le projet de transition professionnelle sans condition d'ancienneté, le conseil" not in page
    ptp = fiche(real_client, "projet-transition-professionnelle")
    assert "ni pour un BOETH. Après un licenciement pour inaptitude, le PTP suppose un nouvel emploi salarié" in ptp


def test_the_inaptitude_fiche_names_the_dispense_and_the_apprenti(real_client):
    page = fiche(real_client, "inaptitude-reclassement")
    assert "art. L6222-18 du Code du travail" in page
    assert "sauf si l'avis dit que tout maintien dans un emploi serait gravement préjudiciable" in page


def test_an_at_mp_with_ten_percent_permanent_incapacity_opens_a_cpf_top_up(real_client):
    assert "de 7 500 € par accident ou maladie" in fiche(real_client, "projet-transition-professionnelle")


def test_the_independant_s_ama_is_described(real_client):
    page = fiche(real_client, "pdp-travailleurs-independants")
    assert "l'aide pour un accompagnement au maintien dans l'activité (AMA)" in page
    assert "il n'est pas nécessaire d'être en arrêt de travail" in page
