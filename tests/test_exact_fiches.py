"""What a doctor reads on the REAL content is exact outside the plain salarié of the régime général (issue 19):
farm workers, agents publics, pensionnés d'invalidité, contracts that end, recourse and what doctors may share."""

import html
import re

import pytest


def text_of(page: str) -> str:
    """The visible text of a page, its spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
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
