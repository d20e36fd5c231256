"""Search in words no fiche holds: the doctors' lexicon (portal/lexique-medecins.yaml) on the real content, the
tuning phrasings of tests/fixtures/requetes-lexique.yaml, and the pages a user sees for them."""

import shutil
from pathlib import Path

import pytest
import yaml
from apps import edit

from portal.catalog import load_catalog
from portal.diagnostics import ContentError
from portal.doctor_words import GENERAL, doctor_lexicon
from portal.search import SearchIndex

FIXTURES = Path(__file__).parent / "fixtures"
QUERIES = yaml.safe_load((FIXTURES / "requetes-lexique.yaml").read_text(encoding="utf-8"))["requetes"]
GENERAL_NAME = doctor_lexicon().generale.nom


@pytest.fixture(scope="module")
def catalog(real_catalog):
    return real_catalog


@pytest.fixture(scope="module")
def search_index(real_search_index):
    return real_search_index


@pytest.mark.parametrize("case", QUERIES, ids=[case["q"] for case in QUERIES])
def test_each_tuning_phrase_shows_its_situation_and_fiches(search_index, case):
    result = search_index.search(case["q"])
    top5 = [hit.fiche.id for hit in result.hits[:5]]
    assert not [f for f in case.get("top5", []) if f not in top5], top5
    names = [situation.nom for situation in result.situations]
    if "situation" in case:
        assert case["situation"] in names
    if case.get("sans_situation"):
        assert names == []


def test_every_family_leads_to_a_situation_of_the_real_vocabulary(catalog):
    names = {situation.nom for situation in catalog.vocabulaire} | {GENERAL}
    lexique = doctor_lexicon()
    assert [f.situation for f in lexique.familles if f.situation not in names] == []
    assert lexique.duree.situation in names
    assert all(fiche in catalog.fiches for fiche in lexique.generale.fiches)
    assert all(terme.fiche in catalog.fiches for terme in lexique.sigles)


def test_the_general_situation_tree_entries_open_a_step(real_client):
    for entree in doctor_lexicon().generale.orientation:
        assert real_client.get(entree.adresse).status_code == 200, entree.adresse


def test_a_trade_no_fiche_names_gets_the_tree_never_nothing(real_client):
    page = real_client.get("/recherche", query_string={"q": "couvreur"}).text
    assert f"{GENERAL_NAME} : voici les fiches utiles" in page
    assert 'href="/orientation/medecin-du-travail?etape=sans-arret&amp;statut=salarie"' in page
    assert "Aucune fiche ne correspond" not in page and "/fiches/amenagement-poste" in page


def test_a_lexicon_word_sharing_a_stem_with_other_words_leaves_their_search_alone(search_index):
    # « formateur » (a trade of the lexicon) and « formation » share the stem « format »: « formation » is not
    # taken for a trade, and its fiche comes first.
    result = search_index.search("formation")
    assert result.situations == [] and result.hits[0].fiche.id == "formation-pendant-arret"


def test_a_duration_is_read_not_searched(real_client):
    body = real_client.get("/api/recherche", query_string={"q": "arrêt depuis 4 mois"}).get_json()
    assert [s["nom"] for s in body["situations"]] == ["Arrêt long"] and body["mots_ignores"] == []
    assert body["resultats"][0]["id"] == "visite-pre-reprise"
    body = real_client.get("/api/recherche", query_string={"q": "arrêt depuis 3 semaines"}).get_json()
    assert body["situations"] == []


# The four fixes of issue 20.


def test_a_query_with_emploi_shows_no_dreets_box(real_client):
    for query in ("emploi", "maintien dans l'emploi", "demandeur d'emploi"):
        body = real_client.get("/api/recherche", query_string={"q": query}).get_json()
        assert "DREETS" not in [t["terme"] for t in body["termes"]], query
    body = real_client.get("/api/recherche", query_string={"q": "DREETS"}).get_json()
    assert [t["terme"] for t in body["termes"]] == ["DREETS"]


def test_portal_check_refuses_a_synonym_cut_at_its_comma(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    glossary = content / "glossaire.yaml"
    text = glossary.read_text(encoding="utf-8")
    cut = "  - terme: DREETS\n    definition: direction régionale\n"
    cut += "    synonymes: [direction régionale de l'économie, de l'emploi]\n"
    glossary.write_text(text.rstrip("\n") + "\n" + cut, encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_catalog(content)
    messages = [problem.message for problem in raised.value.errors]
    assert messages == ["le synonyme « de l'emploi » commence comme la suite d'une expression coupée à sa virgule"]


def test_a_zero_result_page_does_not_also_say_here_are_the_closest(real_client):
    page = real_client.get("/recherche", query_string={"q": "xqzt wqpf"}).text
    assert "Aucune fiche ne correspond" in page
    assert "voici celles qui en contiennent le plus" not in page and "mots ignorés" not in page
    body = real_client.get("/api/recherche", query_string={"q": "xqzt wqpf"}).get_json()
    assert body["total"] == 0 and body["partiel"] is False and body["mots_ignores"] == []


def test_a_facet_narrows_before_the_fallback_to_the_most_words(real_client):
    body = real_client.get("/api/recherche", query_string={"q": "formation salaire", "type": "acteur"}).get_json()
    assert body["total"] > 0 and {r["type"] for r in body["resultats"]} == {"acteur"}
    assert body["partiel"] is True and body["mots_ignores"] == ["salaire"]
    page = real_client.get("/recherche", query_string={"q": "formation salaire", "type": "acteur"}).text
    assert "voici celles qui en contiennent le plus (mots ignorés : salaire)" in page


def test_a_word_written_with_oe_is_highlighted_where_the_fiche_writes_oe_ligature(real_client):
    for query in ("oeuvre", "œuvre"):
        page = real_client.get("/recherche", query_string={"q": query}).text
        assert "<mark>œuvre</mark>" in page, query


@pytest.mark.parametrize(
    "query",
    [
        "arrêt depuis 99999 mois",
        "arrêt depuis 0 jour",
        "arrêt 1 an 2 mois 3 semaines 4 jours",
        "depuis mois arrêt",
        "arrêt" + " 9 ans" * 80,
        "œ" * 300,
        "MTT MTT MTT dos dos",
        "maçon\x00plombier",
        "%00 ' \" <script> arrêt de 6 mois",
    ],
)
def test_malformed_queries_still_give_a_page(real_client, query):
    assert real_client.get("/recherche", query_string={"q": query}).status_code == 200
    assert real_client.get("/api/recherche", query_string={"q": query}).status_code == 200


def test_a_fiche_titled_with_a_word_beats_the_general_way_out(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    # As once the MSA has its own fiche: a fiche whose alias is « MSA ».
    edit(content / "dispositifs" / "crpe.yaml", "alias: [contrat de rééducation professionnelle]", "alias: [MSA]")
    index = SearchIndex.build(tmp_path / "index", load_catalog(content))
    result = index.search("agriculteur MSA")
    assert result.hits[0].fiche.id == "crpe" and [s.nom for s in result.situations] == [GENERAL_NAME]
    assert result.ignored == []  # « agriculteur » was understood: it led to the general situation
    result = index.search("agriculteur")
    assert result.hits[0].fiche.id == "visite-pre-reprise" and [s.nom for s in result.situations] == [GENERAL_NAME]


def test_a_typo_on_a_word_only_the_lexicon_knows_is_corrected_and_said(real_client):
    page = real_client.get("/recherche", query_string={"q": "fibromialgie"}).text
    assert "Vouliez-vous dire" in page and "« fibromyalgie »" in page
    assert "Maladie chronique : voici les fiches utiles" in page
    body = real_client.get("/api/recherche", query_string={"q": "schizofrenie"}).get_json()
    assert body["suggestion"] is None  # two edits away: not guessed
