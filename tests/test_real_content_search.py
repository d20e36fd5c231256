"""The search families and « qui contacter » on the REAL content (content/, trees/): what editors publish."""

import json

import pytest

from portal.catalog import load_catalog
from portal.config import ROOT
from portal.contacts import contacts_for
from portal.search import SearchIndex


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT / "content", ROOT / "trees")


@pytest.fixture(scope="module")
def search_index(catalog, tmp_path_factory):
    return SearchIndex.build(tmp_path_factory.mktemp("index"), catalog)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # old names
        ("Sameth", "cap-emploi"),
        ("CRP", "esrp"),
        ("PREO", "espo"),
        ("CPO", "espo"),
        ("Pôle emploi", "france-travail"),
        ("contrat de rééducation", "crpe"),
        ("mi temps therapeutique", "temps-partiel-therapeutique"),
        # acronyms
        ("TPT", "temps-partiel-therapeutique"),
        ("RQTH", "rqth"),
        ("CRPE", "crpe"),
        ("SST", "spst"),
        ("PMSMP", "pmsmp"),
        # no accents
        ("pre reprise", "visite-pre-reprise"),
        ("preorientation", "espo"),
        ("readaptation professionnelle", "esrp"),
        ("amenagement de poste", "amenagement-poste"),
        # one-letter typos
        ("esai encadré", "essai-encadre"),
        ("rssai encadre", "essai-encadre"),
        ("Samet", "cap-emploi"),
        ("temps partiel therapeutiqe", "temps-partiel-therapeutique"),
        ("inaptitde", "inaptitude-reclassement"),
    ],
)
def test_real_content_finds_the_right_fiche_in_the_top_3(search_index, query, expected):
    assert expected in [hit.fiche.id for hit in search_index.search(query).hits[:3]]


DEPARTEMENTS = json.loads(
    (ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data" / "departements.json").read_text("utf-8")
)
FRANCE = [d for d in DEPARTEMENTS if d["zone"] in ("metro", "drom")]


def test_every_departement_gets_an_answer(catalog):
    """Every acteur of every département comes with a way to reach it, or with what to do instead."""
    for departement in FRANCE:
        groups = contacts_for(catalog, departement["code"], departement["region"])
        assert groups, departement["nom"]
        for group in groups:
            assert group.means or group.instead, (departement["nom"], group.acteur.id)
            assert all(means.contact.reachable for means in group.means), (departement["nom"], group.acteur.id)


@pytest.fixture(scope="module")
def client(real_client):
    return real_client


@pytest.mark.parametrize("departement", FRANCE, ids=[d["code"] for d in FRANCE])
def test_every_departement_answers_by_code_in_the_api(client, departement):
    body = client.get(f"/api/contacts?lieu={departement['code']}").get_json()
    assert body["departement"] == {"code": departement["code"], "nom": departement["nom"]}
    assert body["contacts"]


def test_real_search_and_contacts_pages(client):
    assert "Cap emploi" in client.get("/recherche?q=Sameth").text
    page = client.get("/contacts?lieu=56000&pour=essai-encadre").text
    assert "Morbihan (56)" in page and "Essai encadré" in page


def test_change_notes_say_their_date_once(client):
    """« Ce qui a changé » on a real fiche: a note that starts with its own date is not prefixed by it again."""
    page = client.get("/fiches/essai-encadre").text
    assert "<li>Depuis le 31 mars 2022, l&#39;essai encadré" in page
    assert "Depuis le 31 mars 2022</strong> : Depuis" not in page


def test_national_entry_points_where_no_local_contact_is_known(client):
    """Where no local contact of an acteur is known, « qui contacter » gives its sourced national entry points."""
    body = client.get("/api/contacts?lieu=75015").get_json()
    national = {c["acteur"]: c for c in body["contacts"] if c["national"]}
    assert national["cpam"]["telephone"] == "36 46" and national["cpam"]["statut"] == "verifie"
    assert national["france-travail"]["telephone"] == "39 49" and national["france-travail"]["statut"] == "a-verifier"
    assert {"comete-france", "service-social-assurance-maladie"} <= set(national)
    mdph = next(c for c in body["contacts"] if c["acteur"] == "mdph")  # Paris has its own, from the 2019 extract
    assert mdph["portee"] == "local" and mdph["telephone"] and mdph["statut"] == "a-verifier"
    assert "cap-emploi" in {a["acteur"] for a in body["sans_contact"]}


@pytest.mark.parametrize("departement", FRANCE, ids=[d["code"] for d in FRANCE])
def test_every_departement_gives_three_numbers_and_no_entry_without_a_way_to_reach_it(client, departement):
    body = client.get(f"/api/contacts?lieu={departement['code']}").get_json()
    for contact in body["contacts"]:
        assert (
            contact.get("telephone") or contact.get("email") or contact.get("formulaire") or contact.get("annuaire")
        ), contact["nom"]
    phones = {contact["telephone"].replace(" ", "") for contact in body["contacts"] if contact.get("telephone")}
    assert len(phones) >= 3, phones


def test_vannes_gets_three_numbers_and_mdph_phones_cover_85_departements(client):
    body = client.get("/api/contacts?lieu=Vannes").get_json()
    assert len({c["telephone"] for c in body["contacts"] if c.get("telephone")}) >= 3
    with_local_mdph = 0
    for departement in FRANCE:
        body = client.get(f"/api/contacts?lieu={departement['code']}&pour=mdph").get_json()
        local = [c for c in body["contacts"] if c["portee"] == "local" and c.get("telephone")]
        assert all(c["statut"] == "a-verifier" and c["source"]["publie_le"] == "2019-07-23" for c in local)
        with_local_mdph += bool(local)
    assert with_local_mdph >= 85
