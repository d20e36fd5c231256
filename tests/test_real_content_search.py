"""The search families and « qui contacter » on the REAL content (content/, trees/): what editors publish."""

import json

import pytest

from portal.config import ROOT


@pytest.fixture(scope="module")
def catalog(real_catalog):
    return real_catalog


@pytest.fixture(scope="module")
def search_index(real_search_index):
    return real_search_index


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
