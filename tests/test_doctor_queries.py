"""Search in the doctor's words, on the real content: the corpus of tests/fixtures/requetes-medecins.yaml, and
what the page says (the situation and its tree entries, ignored words, the no-result ways out)."""

from pathlib import Path

import pytest
import yaml

CORPUS = yaml.safe_load((Path(__file__).parent / "fixtures" / "requetes-medecins.yaml").read_text(encoding="utf-8"))
QUERIES = CORPUS["requetes"]


@pytest.fixture(scope="module")
def search_index(real_search_index):
    return real_search_index


def test_the_corpus_covers_at_least_40_queries_of_every_kind():
    assert len(QUERIES) >= 40
    assert sum(1 for q in QUERIES if q.get("situation")) >= 20
    assert sum(1 for q in QUERIES if q.get("sans_correction")) >= 4


@pytest.mark.parametrize("case", QUERIES, ids=[case["q"] for case in QUERIES])
def test_each_doctor_query_finds_its_fiches_in_the_top_5(search_index, case):
    result = search_index.search(case["q"])
    top5 = [hit.fiche.id for hit in result.hits[:5]]
    missing = [fiche for fiche in case["top5"] if fiche not in top5]
    assert not missing, f"{missing} absentes des 5 premières : {top5}"
    if "situation" in case:
        assert case["situation"] in [situation.nom for situation in result.situations]
    if "ignores" in case:
        assert result.ignored == case["ignores"]
    if case.get("sans_correction"):
        assert result.suggestion is None


@pytest.fixture(scope="module")
def client(real_client):
    return real_client


def test_a_situation_shows_its_name_its_note_and_working_tree_entries(client):
    page = client.get("/recherche?q=AVC").text
    assert "AVC : voici les fiches utiles" in page and "UEROS s&#39;adressent aux personnes cérébrolésées" in page
    entry = "/orientation/medecin-du-travail?etape=pendant-arret&amp;statut=salarie"
    assert f'href="{entry}"' in page and 'href="/contacts"' in page
    step = client.get(entry.replace("&amp;", "&"))
    assert step.status_code == 200 and "Quel est son contrat de travail ?" in step.text
    assert page.index("/fiches/ueros") < page.index("/fiches/comete-france") < page.index("/fiches/rqth")


def test_the_api_names_the_situation_and_the_ignored_words(client):
    body = client.get("/api/recherche?q=AVC").get_json()
    (situation,) = body["situations"]
    assert situation["nom"] == "AVC" and situation["fiches"][:2] == ["ueros", "comete-france"]
    assert situation["orientation"][0]["url"].endswith(
        "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie"
    )
    assert [r["id"] for r in body["resultats"][:2]] == ["ueros", "comete-france"]
    body = client.get("/api/recherche", query_string={"q": "visite de reprise 45 jours maladie"}).get_json()
    assert body["resultats"][0]["id"] == "visite-reprise" and body["mots_ignores"] == ["45"]


def test_the_page_says_which_words_were_ignored(client):
    page = client.get("/recherche", query_string={"q": "cancer du sein reprise du travail"}).text
    assert (
        "Aucune fiche ne contient tous ces mots : voici celles qui en contiennent le plus (mots ignorés : sein)."
        in page
    )
    page = client.get("/recherche", query_string={"q": "visite de reprise 45 jours maladie"}).text
    assert "mots ignorés : 45" in page


def test_a_phone_number_finds_who_answers_it(client):
    for typed in ("3646", "36 46", "36.46"):
        ids = [r["id"] for r in client.get("/api/recherche", query_string={"q": typed}).get_json()["resultats"]]
        assert ids[:2] == ["service-social-assurance-maladie", "cpam"], typed


def test_no_result_offers_the_tree_the_contacts_and_the_glossary_with_working_links(client):
    page = client.get("/recherche", query_string={"q": "xyzzyq"}).text
    assert "Aucune fiche ne correspond" in page
    for link in ("/orientation", "/contacts", "/glossaire"):
        assert f'href="{link}"' in page, link
        assert client.get(link).status_code == 200, link
