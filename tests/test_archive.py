"""Archived and renamed fiches (issue 19, DESIGN « An archived or renamed fiche id redirects to the current
fiche »): out of search, lists, API and data·inclusion; their old addresses answer 301 to the current fiche."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from tests.apps import FIXTURES, edit

ARCHIVE = """archive:
  le: 2026-12-06
  remplacee_par: crpe
  raison: Aucune source primaire ne confirme que le dispositif existe encore.
"""


@pytest.fixture
def content(tmp_path) -> Path:
    """The fixture content with « Dispositif Zéphyrin », an archived fiche replaced by the CRPE."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    (tmp_path / "content" / "dispositifs" / "zephyrin.yaml").write_text(
        "id: zephyrin\ntitre: Dispositif Zéphyrin\nresume: Un dispositif local de 2018.\n"
        "description: Prise en charge précoce décrite en 2018.\netapes: [sans-arret]\n"
        "sources:\n  - titre: Compte rendu de 2018\n    document: compte rendu\n    vu_le: 2026-11-22\n"
        f"{ARCHIVE}mis_a_jour: 2026-11-22\nstatut: a-verifier\na_verifier: Existence actuelle inconnue.\n",
        encoding="utf-8",
    )
    return tmp_path / "content"


def check(content: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--contenu", str(content), "--arbres", str(content.parent / "trees")])
    return result.exit_code, result.output


def test_an_archived_fiche_needs_no_primary_source_and_its_address_redirects(content, client_on):
    assert check(content)[0] == 0
    client = client_on(content)
    response = client.get("/fiches/zephyrin?lieu=56")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/fiches/crpe?lieu=56")
    api = client.get("/api/fiches/zephyrin")
    assert api.status_code == 301 and api.headers["Location"].endswith("/api/fiches/crpe")


def test_an_archived_fiche_is_out_of_search_lists_api_and_data_inclusion(content, client_on):
    client = client_on(content)
    assert client.get("/api/recherche?q=Zéphyrin").get_json()["total"] == 0
    assert client.get("/api/recherche?q=CRPE").get_json()["total"] > 0  # the same search finds a published fiche
    assert "Zéphyrin" not in client.get("/fiches").text
    assert "zephyrin" not in {f["id"] for f in client.get("/api/fiches").get_json()["fiches"]}
    assert "Zéphyrin" not in client.get("/api/data-inclusion/services").text


def test_a_reference_to_an_archived_fiche_names_the_fiche_to_cite(content):
    edit(content / "dispositifs" / "essai-encadre.yaml", "liees: [crpe]", "liees: [crpe, zephyrin]")
    code, output = check(content)
    assert code == 1
    assert "essai-encadre.yaml" in output
    assert "la fiche « zephyrin » est archivée ou renommée — citez « crpe » à la place" in output


def test_the_replacement_must_be_a_published_fiche(content):
    edit(content / "dispositifs" / "zephyrin.yaml", "remplacee_par: crpe", "remplacee_par: crpee")
    code, output = check(content)
    assert code == 1
    assert "zephyrin.yaml" in output and "la fiche de remplacement « crpee » n'existe pas" in output


def test_restoring_an_archived_fiche_asks_for_a_primary_source(content):
    edit(content / "dispositifs" / "zephyrin.yaml", ARCHIVE, "")
    code, output = check(content)
    assert code == 1
    assert "zephyrin.yaml:6:1: erreur [sources] : la fiche n'a aucune source primaire" in output


def test_a_renamed_fiche_keeps_its_old_address(content, client_on):
    edit(content / "dispositifs" / "crpe.yaml", "sigle: CRPE\n", "sigle: CRPE\nanciens_ids: [contrat-reeducation]\n")
    client = client_on(content)
    response = client.get("/fiches/contrat-reeducation")
    assert response.status_code == 301 and response.headers["Location"].endswith("/fiches/crpe")


def test_an_old_id_cannot_be_a_published_fiche(content):
    edit(content / "dispositifs" / "crpe.yaml", "sigle: CRPE\n", "sigle: CRPE\nanciens_ids: [essai-encadre]\n")
    code, output = check(content)
    assert code == 1 and "« essai-encadre » est déjà une fiche" in output


@pytest.mark.parametrize(
    ("old", "current"), [("cemaphor", "amenagement-poste"), ("equipes-techniques-maintien", "cellule-pdp-spst")]
)
def test_the_retired_local_schemes_of_the_real_content_redirect(real_client, old, current):
    response = real_client.get(f"/fiches/{old}")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/fiches/{current}")
    assert old not in real_client.get("/api/fiches").text
    found = real_client.get("/api/recherche?q=Cémaphor").get_json()
    assert old not in str(found)
