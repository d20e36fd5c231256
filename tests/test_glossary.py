"""The glossary page and its JSON, on the directory fixture's glossary."""

from pathlib import Path

import pytest
from apps import portal_app

ANNUAIRE = Path(__file__).parent / "fixtures" / "annuaire" / "content"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("glossaire")
    (tmp / "trees").mkdir()
    return portal_app(tmp, ANNUAIRE, tmp / "trees").test_client()


def test_every_term_alphabetical_with_letter_anchors(client):
    page = client.get("/glossaire").text
    terms = ["CPAM", "CRP", "IJ", "mi-temps thérapeutique", "PRÉO", "Sameth", "SST"]
    positions = [page.index(f">{term}") for term in terms]
    assert positions == sorted(positions)
    for letter in "CIMPS":
        assert f'href="#lettre-{letter}"' in page and f'id="lettre-{letter}"' in page


def test_a_term_shows_definition_synonyms_old_name_and_fiche(client):
    page = client.get("/glossaire").text
    sameth = page[page.index('id="terme-sameth"') :]
    sameth = sameth[: sameth.index("</dd>")]
    assert "ancien nom" in sameth
    assert "intégré à Cap emploi en 2018" in sameth
    assert "Aussi écrit : SAMETH" in sameth
    assert '<a href="/fiches/cap-emploi">Cap emploi</a>' in sameth
    cpam = page[page.index('id="terme-cpam"') :]
    assert "ancien nom" not in cpam[: cpam.index("</dd>")]


def test_glossary_is_in_the_navigation(client):
    assert 'href="/glossaire"' in client.get("/").text


def test_glossary_api(client):
    body = client.get("/api/glossaire").get_json()
    sameth = next(t for t in body["termes"] if t["terme"] == "Sameth")
    assert sameth["ancien"] is True and sameth["fiche"] == "cap-emploi"
    assert sameth["synonymes"] == ["SAMETH"] and sameth["url"].endswith("/fiches/cap-emploi")
    assert next(t for t in body["termes"] if t["terme"] == "CPAM")["url"] is None
    assert [t["terme"] for t in body["termes"]][:2] == ["CPAM", "CRP"]
