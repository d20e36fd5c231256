"""What a doctor reads on the REAL content stays exact outside the plain salarié of the régime général (issue 19):
the errors corrected then do not come back, and a doctor's word finds the fiche that answers it. What the fiches
say is the editors' (sourced, dated, checked by `portal check`), not pinned here sentence by sentence."""

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


# Wordings corrected in issue 19, each false for some workers: none may come back.
CORRECTED = [
    ("pension-invalidite", "sinon RQTH"),  # a pensionné is bénéficiaire de l'obligation d'emploi without a RQTH
    ("temps-partiel-therapeutique", "le médecin du travail rend son avis lors de la visite de reprise"),
    ("essai-encadre", "Être salarié relevant du régime général"),  # salariés agricoles have it too
    ("comete-france", "(SSR/MPR)"),  # SSR is the old name of SMR
    ("inaptitude-reclassement", "le projet de transition professionnelle sans condition d'ancienneté, le conseil"),
]


@pytest.mark.parametrize(("fiche_id", "wrong"), CORRECTED)
def test_a_corrected_error_does_not_come_back(real_client, fiche_id, wrong):
    assert wrong not in fiche(real_client, fiche_id)


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
