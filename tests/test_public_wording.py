"""What readers see speaks to them, not to editors: `portal check` refuses the editors' process words (what was
consulted, where a fact came from, « supposée », « § » of the research note) in any public text, at its line;
sources and the editors' notes may name them. (These were tests rendering every page of the real content.)"""

import shutil
from pathlib import Path

import pytest
from apps import edit
from click.testing import CliRunner

from portal.cli import main
from portal.public_wording import editors_phrases

FIXTURES = Path(__file__).parent / "fixtures"
FICHE = Path("dispositifs") / "essai-encadre.yaml"


@pytest.fixture
def content(tmp_path) -> Path:
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    return tmp_path / "content"


def check(content: Path):
    return CliRunner().invoke(main, ["check", "--contenu", str(content), "--arbres", str(content.parent / "trees")])


def test_an_editors_word_in_a_fiche_is_refused_at_its_line(content):
    edit(content / FICHE, "  Les indemnités journalières", "  Implantation supposée. Les indemnités journalières")
    result = check(content)
    assert result.exit_code == 1
    [error] = [line for line in result.output.splitlines() if "travail des éditeurs" in line]
    assert error.startswith("content/dispositifs/essai-encadre.yaml:5:") and "[description]" in error
    assert "« supposée » parle du travail des éditeurs : le lecteur ne doit pas le lire" in error
    assert "`note_editeurs`" in error


def test_a_contact_note_is_public_too(content):
    edit(content / "territoires" / "56.yaml", "note: Coordonnées à confirmer.", "note: Vu sur un site tiers.")
    result = check(content)
    assert result.exit_code == 1
    said = "content/territoires/56.yaml:6:5: erreur [contacts[0].note] : « site tiers » parle du travail"
    assert said in result.output


def test_sources_and_editors_notes_may_name_them(content):
    edit(
        content / FICHE,
        "  - titre: ameli.fr, Essai encadré (employeur)",
        "  - titre: ameli.fr, Essai encadré (employeur), vu avec la note de recherche, § 2.9",
    )
    edit(content / FICHE, "liees: [crpe]", "liees: [crpe]\nnote_editeurs: La page du ministère n'a pas été consultée.")
    result = check(content)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Implantation SUPPOSEE", ["supposée"]),  # accents and case aside
        ("Ce point n'a  pas été\nconsulté.", ["n'a pas été consulté"]),  # spacing aside
        ("D'après les faits PDP, § 3.8", ["faits PDP", "§"]),
        ("Demandez à la CPAM avant d'agir.", []),
    ],
)
def test_the_phrases_are_found_however_written(text, found):
    assert editors_phrases(text) == found
