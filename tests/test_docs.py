"""The README cannot drift: every setting and every `portal` command is documented there."""

import pytest

from portal.cli import main
from portal.config import README_END, README_START, ROOT, settings_table

README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = ROOT / "docs" / "guide-editeur.md"


def test_the_readme_settings_table_is_the_one_made_from_the_settings():
    written = README.split(README_START, 1)[1].split(README_END, 1)[0]
    assert written == settings_table(), "tableau « Réglages » à refaire : portal reglages --readme"


EDITOR_COMMANDS = ["serve --dev", "revue", "liens", "schema", "retours", "editeur ajouter", "reglages"]


@pytest.mark.parametrize("name", [*EDITOR_COMMANDS, "contacts importer", "contacts exporter"])
def test_editor_commands_are_in_the_readme(name):
    assert f"`portal {name}" in README and name.split()[0] in main.commands


def test_editor_guide_covers_each_task_and_each_warning():
    guide = GUIDE.read_text(encoding="utf-8")
    for section in [
        "Ajouter une fiche",
        "Ajouter un contact",
        "Importer un tableur de contacts",
        "Ajouter une branche",
        "Ajouter une situation au vocabulaire",
        "Vérifier",
        "Prévisualiser",
        "Ce que veut dire chaque avertissement",
        "Sources, doutes et notes des éditeurs",
    ]:
        assert section in guide, section
    for warning in [
        "le résumé fait plus de deux phrases",
        "date de plus de trois ans",
        "n'est proposé par aucun résultat d'arbre",
        "la fiche n'a aucune source primaire",
        "est archivée ou renommée",
        "`a_verifier` ne s'affiche que sur une fiche « a-verifier »",
        "parle du travail des éditeurs : le lecteur ne doit pas le lire",
    ]:
        assert warning in guide, warning


def test_the_readme_says_how_to_change_the_address_and_port_of_make_run():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "PORT ?= 5000" in makefile and "HOST := 127.0.0.1" in makefile
    for variable in ("PORT", "HOST"):
        assert f"`{variable}`" in README and f"make run {variable}=" in README, variable
