"""Search as a médecin uses it: old names, acronyms, no accents, typos; the page, the API, any query string."""

import re
from pathlib import Path

import pytest
from apps import portal_app

from portal.catalog import load_catalog
from portal.search import SearchIndex

ANNUAIRE = Path(__file__).parent / "fixtures" / "annuaire" / "content"


@pytest.fixture(scope="module")
def annuaire_app(tmp_path_factory):
    """An app on the directory fixture (fiches shaped like the real ones, a glossary, two territories)."""
    tmp = tmp_path_factory.mktemp("annuaire")
    (tmp / "trees").mkdir()
    return portal_app(tmp, ANNUAIRE, tmp / "trees")


@pytest.fixture
def client(annuaire_app):
    return annuaire_app.test_client()


def top_ids(client, query: str, **params) -> list[str]:
    response = client.get("/api/recherche", query_string={"q": query, **params})
    assert response.status_code == 200
    return [r["id"] for r in response.get_json()["resultats"]]


# Each family: what is typed -> the fiche that must be in the top 3.
FAMILIES = {
    "ancien nom": [
        ("Sameth", "cap-emploi"),
        ("CRP", "esrp"),
        ("PREO", "espo"),
        ("centre de rééducation professionnelle", "esrp"),
        ("mi temps therapeutique", "temps-partiel-therapeutique"),
        ("mi-temps thérapeutique", "temps-partiel-therapeutique"),
        ("SST", "spst"),
    ],
    "sigle": [
        ("CRPE", "crpe"),
        ("TPT", "temps-partiel-therapeutique"),
        ("RQTH", "rqth"),
        ("ESPO", "espo"),
        ("PRÉO", "espo"),
    ],
    "sans accents": [
        ("pre reprise", "visite-pre-reprise"),
        ("preorientation", "espo"),
        ("readaptation professionnelle", "esrp"),
        ("contrat de reeducation", "crpe"),
        ("TEMPS PARTIEL THERAPEUTIQUE", "temps-partiel-therapeutique"),
    ],
    "une faute de frappe": [
        ("esai encadré", "essai-encadre"),
        ("essai encadrr", "essai-encadre"),
        ("rssai encadré", "essai-encadre"),
        ("Samet", "cap-emploi"),
        ("temps partiel therapeutiqe", "temps-partiel-therapeutique"),
        ("visite de prereprise", "visite-pre-reprise"),
    ],
}
CASES = [(family, query, expected) for family, pairs in FAMILIES.items() for query, expected in pairs]


@pytest.mark.parametrize(("family", "query", "expected"), CASES, ids=[f"{f}: {q}" for f, q, _ in CASES])
def test_each_family_finds_the_right_fiche_in_the_top_3(client, family, query, expected):
    assert expected in top_ids(client, query)[:3]


def test_typo_offers_a_correction(client):
    body = client.get("/api/recherche?q=esai+encadré").get_json()
    assert body["suggestion"] == "essai encadré"
    page = client.get("/recherche?q=esai+encadré").text
    assert "Vouliez-vous dire" in page and 'href="/recherche?q=essai+encadr%C3%A9"' in page


def test_old_name_shows_its_glossary_entry_and_current_fiche(client):
    page = client.get("/recherche?q=Sameth").text
    assert "ancien nom" in page
    assert "intégré à Cap emploi en 2018" in page
    assert 'href="/fiches/cap-emploi"' in page


def test_api_lists_results_best_first_with_id_title_and_kind(client):
    body = client.get("/api/recherche?q=Sameth").get_json()
    first = body["resultats"][0]
    assert (first["id"], first["titre"], first["type"]) == ("cap-emploi", "Cap emploi", "acteur")
    assert first["url"].endswith("/fiches/cap-emploi")
    assert body["total"] == len(body["resultats"]) >= 1


def test_page_shows_highlighted_extracts_and_kind_badges(client):
    page = client.get("/recherche?q=indemnités journalières").text
    assert "<mark>indemnités</mark> <mark>journalières</mark>" in page
    assert 'class="badge badge-dispositif">Dispositif' in page
    assert "fiches pour « indemnités journalières »" in page


def test_facets_narrow_the_results_in_the_query_string(client):
    page = client.get("/recherche?q=travailleurs").text
    assert re.search(r'href="/recherche\?q=travailleurs&amp;type=acteur">Acteur</a> <span class="count">\(\d+\)', page)
    narrowed = client.get("/api/recherche?q=travailleurs&type=acteur").get_json()
    assert narrowed["resultats"] and {r["type"] for r in narrowed["resultats"]} == {"acteur"}
    assert narrowed["filtres"] == {"type": "acteur"}
    page = client.get("/recherche?q=travailleurs&type=acteur").text
    assert "retirer ce filtre" in page and 'href="/recherche?q=travailleurs"' in page


def test_etape_and_public_facets(client):
    ids = top_ids(client, "thérapeutique", etape="reprise", public="independant")
    assert ids == ["temps-partiel-therapeutique"]


def test_results_update_as_one_types_with_htmx(client):
    page = client.get("/recherche?q=essai").text
    assert 'hx-get="/recherche"' in page and 'hx-push-url="true"' in page and "delay:300ms" in page
    fragment = client.get("/recherche?q=essai", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and 'href="/fiches/essai-encadre"' in fragment
    assert 'id="compte-resultats" hx-swap-oob="innerHTML"' in fragment  # the count is announced


def test_search_page_works_without_javascript(client):
    page = client.get("/recherche?q=essai").text
    assert '<form class="search-box" role="search" action="/recherche" method="get"' in page
    assert 'href="/fiches/essai-encadre"' in page


def test_home_search_box_and_navigation_lead_to_the_search_page(client):
    home = client.get("/").text
    assert 'action="/recherche"' in home and 'href="/recherche"' in home


def test_pages_of_results(client):
    first = client.get("/api/recherche?q=le+salarié").get_json()
    assert first["pages"] >= 1
    page = client.get("/recherche?q=salarié&page=abc").text
    assert "Le numéro de page demandé n&#39;existe pas" in page


HOSTILE = [
    "",
    "   ",
    "x" * 5000,
    "essai " * 1000,
    "\x00\x01\x1b[31messai\x7f",
    '"essai encadré',
    "'; DROP TABLE fiche; --",
    "AND OR NOT ( ) [ ] { } * ? ~ ^ : \\ /",
    "titre:(",
    "titre:(essai",
    "<script>alert('x')</script>",
    "e\u0301ssai",  # decomposed accent
    "\u202eessai\u202c",  # right-to-left override
    "💼 essai 🩺",
    "les de la",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_any_query_gets_a_french_page_never_an_error(client, query):
    response = client.get("/recherche", query_string={"q": query})
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "<script>alert" not in response.text
    api = client.get("/api/recherche", query_string={"q": query})
    assert api.status_code == 200 and isinstance(api.get_json()["resultats"], list)


def test_long_query_is_cut_with_a_french_notice(client):
    page = client.get("/recherche", query_string={"q": "essai " * 1000}).text
    assert "La recherche est limitée à 200 caractères" in page


def test_empty_query_explains_what_to_type(client):
    page = client.get("/recherche").text
    assert "Tapez un mot" in page
    assert client.get("/api/recherche").get_json()["message"].startswith("Indiquez un mot")


def test_stop_words_only_gets_a_french_notice(client):
    assert "trop courants" in client.get("/recherche?q=les+de+la").text


def test_typed_text_is_escaped(client):
    page = client.get("/recherche", query_string={"q": '<img src=x onerror=alert(1)> "essai'}).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_bad_filter_values_are_ignored_with_a_notice(client):
    page = client.get("/recherche?q=essai&type=<b>x</b>&etape=zzz").text
    assert "ne connaît pas la valeur demandée" in page and "<b>x</b>" not in page


# ---------------------------------------------------------------- the index


def test_search_outlives_its_index_folder(tmp_path):
    """A worker that still serves an older content version keeps answering, typos included, after a later
    `portal build` has removed that version's folder."""
    import shutil

    catalog = load_catalog(ANNUAIRE)
    search = SearchIndex.build(tmp_path / "search", catalog)
    shutil.rmtree(search.path)
    result = search.search("esai encadre")
    assert result.suggestion == "essai encadre"
    assert [hit.fiche.id for hit in result.hits][:1] == ["essai-encadre"]


@pytest.mark.parametrize("word", ["paie", "appeler", "lombalgie", "artisane"])
def test_a_real_french_word_is_never_corrected_into_another(client, word):
    """« paie » is not « paye » (which matched « Pays de la Loire »), nor « appeler » « appeles »."""
    body = client.get("/api/recherche", query_string={"q": word}).get_json()
    assert body["suggestion"] is None
