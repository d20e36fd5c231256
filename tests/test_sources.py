"""Sources a doctor can trust, doubts at the right place: primary sources (`primaire: true`) and the checker's
warnings, points « à vérifier » shown at their field, and editors' notes kept out of every public page."""

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "un mot de passe assez long"

DOUBT = "la durée maximale n'est confirmée par aucune source officielle"
NOTE = "Page ameli de la CRPE pas encore lue ; chercher le décret sur Légifrance."
CONTACT_NOTE = "Numéro relevé dans une plaquette de 2020, à rappeler."


@pytest.fixture
def content(tmp_path) -> Path:
    """The fixture content, with a point to check and editors' notes on the CRPE and on a local contact."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    crpe = tmp_path / "content" / "dispositifs" / "crpe.yaml"
    crpe.write_text(
        crpe.read_text(encoding="utf-8")
        + "duree: Jusqu'à 18 mois.\n"
        + f"a_verifier_points:\n  - champ: duree\n    texte: {DOUBT}\n"
        + f"note_editeurs: {NOTE}\n",
        encoding="utf-8",
    )
    edit(
        tmp_path / "content",
        "territoires/56.yaml",
        "    note: Coordonnées à confirmer.",
        f"    note_editeurs: {CONTACT_NOTE}",
    )
    return tmp_path / "content"


def edit(content: Path, relative: str, old: str, new: str) -> None:
    path = content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} absent de {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(content: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--contenu", str(content), "--arbres", str(content.parent / "trees")])
    return result.exit_code, result.output


# ------------------------------------------------------------------ primary sources


def test_a_fiche_without_a_primary_source_fails_at_its_sources_line(content):
    official = "https://travail-emploi.gouv.fr./la-convention-de-reeducation-professionnelle-en-entreprise-crpe"
    edit(content, "dispositifs/crpe.yaml", official, "https://www.cabinet-exemple.fr/la-crpe")
    code, output = check(content)
    assert code == 1
    line = next(line for line in output.splitlines() if "crpe.yaml" in line and "[sources]" in line)
    assert line.startswith("content/dispositifs/crpe.yaml:12:1: erreur [sources] : la fiche n'a aucune source primaire")
    assert "le texte sur Légifrance, ou la page de l'organisme" in line
    assert "si aucune n'existe, archivez la fiche" in line
    assert "essai-encadre.yaml:20:1: erreur [sources]" not in output  # its ameli page is primary


def test_a_reproduction_of_the_law_alone_is_not_a_primary_source(content):
    # The fixture's pré-reprise cites R4624-29 reproduced by preventionbtp.fr, declared as one of its own sites.
    edit(content, "dispositifs/visite-pre-reprise.yaml", "sites_propres: [preventionbtp.fr]\n", "")
    code, output = check(content)
    assert code == 1
    assert "visite-pre-reprise.yaml:8:1: erreur [sources] : la fiche n'a aucune source primaire" in output


def test_a_page_of_the_organisations_own_site_is_primary(content):
    edit(content, "dispositifs/crpe.yaml", "https://travail-emploi.gouv.fr./", "https://www.crpe-exemple.fr/")
    assert check(content)[0] == 1
    edit(content, "dispositifs/crpe.yaml", "statut: a-verifier", "sites_propres: [crpe-exemple.fr]\nstatut: a-verifier")
    code, output = check(content)
    assert code == 0, output


def test_an_own_site_is_a_domain_name(content):
    edit(
        content,
        "dispositifs/crpe.yaml",
        "statut: a-verifier",
        "sites_propres: [https://exemple.fr/]\nstatut: a-verifier",
    )
    code, output = check(content)
    assert code == 1
    assert "n'est pas un nom de domaine" in output and "sans « https:// »" in output


def test_a_primary_source_needs_a_web_address(content):
    edit(
        content,
        "dispositifs/visite-pre-reprise.yaml",
        "    document: faits-pdp.md\n    vu_le: 2026-11-22\n",
        "    document: faits-pdp.md\n    vu_le: 2026-11-22\n    primaire: true\n",
    )
    code, output = check(content)
    assert code == 1
    assert (
        "visite-pre-reprise.yaml:9:5: erreur [sources[0]] : une source primaire (`primaire: true`) n'a pas d'`url`"
        in (output)
    )


def test_the_banner_text_of_a_verified_fiche_is_warned_as_never_shown(content):
    edit(content, "dispositifs/essai-encadre.yaml", "statut: verifie", "statut: verifie\na_verifier: le plafond")
    _code, output = check(content)
    assert "essai-encadre.yaml:28:1: avertissement [a_verifier] : `a_verifier` ne s'affiche que sur une fiche" in output
    assert "`a_verifier_points`" in output


# ------------------------------------------------------------------ points to check


def test_a_point_names_a_field_of_the_fiche(content):
    edit(content, "dispositifs/crpe.yaml", "  - champ: duree", "  - champ: durée")
    code, output = check(content)
    assert code == 1
    assert "crpe.yaml:21:5: erreur [a_verifier_points[0].champ] : la valeur « durée » n'est pas permise" in output
    assert "vouliez-vous dire « duree » ?" in output


def test_a_point_on_an_empty_field_is_refused(content):
    edit(content, "dispositifs/crpe.yaml", "  - champ: duree", "  - champ: remuneration")
    code, output = check(content)
    assert code == 1
    assert (
        "crpe.yaml:21:5: erreur [a_verifier_points[0].champ] : le champ « remuneration » est vide dans cette fiche"
        in output
    )


def test_a_point_is_shown_at_its_field_and_a_verified_fiche_has_no_banner(content, tmp_path, client_on):
    edit(
        content,
        "dispositifs/crpe.yaml",
        "statut: a-verifier\na_verifier: La durée de la formation reste à confirmer.\n",
        "statut: verifie\n",
    )
    page = client_on(content).get("/fiches/crpe").text
    duree = re.search(r"<dt>Durée</dt><dd>(.*?)</dd>", page, flags=re.S).group(1)
    assert f'<p class="point-a-verifier">À vérifier : {DOUBT}</p>' in duree.replace("&#39;", "'")
    assert "À vérifier avant d" not in page and 'class="badge badge-ok">vérifiée' in page


def test_a_fiche_whose_core_is_uncertain_keeps_its_banner(content, tmp_path, client_on):
    page = client_on(content).get("/fiches/crpe").text
    assert "<strong>À vérifier avant d'agir.</strong> La durée de la formation reste à confirmer." in page


# ------------------------------------------------------------------ editors' notes


def test_editors_notes_are_on_no_public_page_nor_in_the_api(content, tmp_path, client_on):
    client = client_on(content)
    pages = [
        client.get("/fiches/crpe").text,
        client.get("/api/fiches/crpe").text,
        client.get("/api/fiches").text,
        client.get("/contacts?lieu=56").text,
        client.get("/api/contacts?lieu=56").text,
        client.get("/fiches/cap-emploi?lieu=56").text,
    ]
    for page in pages:
        assert "Page ameli de la CRPE pas encore lue" not in page
        assert "plaquette de 2020" not in page and "note_editeurs" not in page
    assert "Cap emploi du Morbihan" in pages[3]  # the contact itself is still shown


def test_editors_read_the_notes_in_their_review_page(content, tmp_path, monkeypatch, client_on):
    client = client_on(content)
    monkeypatch.setenv("DATABASE_URL", client.application.config["DATABASE_URL"])  # the CLI reads it like a server
    client.application.test_cli_runner().invoke(
        args=["editeur", "ajouter", "claire"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/editeurs/connexion").text).group(1)
    form = {"csrf_token": token, "nom": "claire", "mot_de_passe": PASSWORD, "suivant": "/editeurs/revue"}
    page = client.post("/editeurs/connexion", data=form, follow_redirects=True).text
    notes = page.split('id="t-notes"')[1].replace("&#39;", "'").replace("&quot;", '"')
    assert f"Note des éditeurs : {NOTE}" in notes
    assert f"À vérifier (<code>duree</code>) : {DOUBT}" in notes
    assert "À vérifier avant d'agir :</strong> La durée de la formation reste à confirmer." in notes
    assert f"Note des éditeurs : {CONTACT_NOTE}" in notes and "Cap emploi du Morbihan" in notes


def test_portal_revue_lists_doubts_points_and_notes(content):
    result = CliRunner().invoke(main, ["revue", "--contenu", str(content), "--arbres", str(content.parent / "trees")])
    assert result.exit_code == 0, result.output
    notes = result.output.split("Doutes et notes des éditeurs (")[1].splitlines()
    crpe = notes.index(
        "fiche « Convention de rééducation professionnelle en entreprise » (crpe) — content/dispositifs/crpe.yaml"
    )
    assert notes[crpe + 1 : crpe + 4] == [
        "  à vérifier avant d'agir : La durée de la formation reste à confirmer.",
        f"  à vérifier (duree) : {DOUBT}",
        f"  note des éditeurs : {NOTE}",
    ]
    assert f"  note des éditeurs : {CONTACT_NOTE}" in notes
    assert not any("Essai encadré" in line for line in notes)  # verified, primary source, nothing noted
