"""Content the loader cannot take (too deep, aliases, too large) is refused in French at its line, never with a
traceback, and a running or starting portal keeps serving the last good version."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from apps import edit, portal_app
from click.testing import CliRunner

from portal.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
FICHE = "dispositifs/essai-encadre.yaml"

# A few lines whose aliases expand into 9^9 values: a loader that expands them never ends.
ALIAS_BOMB = "".join(
    [
        'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n',
        *(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


@pytest.fixture
def content(tmp_path):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    return tmp_path / "content"


def check(content: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--contenu", str(content), "--arbres", str(content.parent / "trees")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: essai-encadre\nresume: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "2:48: erreur : les valeurs s'imbriquent",
        ),
        (ALIAS_BOMB, "2:8: erreur : un alias YAML (*a) reprend une autre valeur"),
        ("id: essai-encadre\n" + "# commentaire\n" * 80_000, "1:1: erreur : le fichier fait plus de 1000 ko"),
    ],
    ids=["trop-profond", "bombe-d-alias", "trop-gros"],
)
def test_content_the_loader_cannot_take_is_refused_in_french_at_its_line(content, text, expected):
    (content / FICHE).write_text(text, encoding="utf-8")
    code, output = check(content)
    assert code == 1
    assert f"dispositifs/essai-encadre.yaml:{expected}" in output, output
    assert "Traceback" not in output


def test_a_start_on_a_file_too_deep_serves_the_last_good_version(content, tmp_path, capsys):
    portal_app(tmp_path, content)  # builds and stores the good version
    edit(content / FICHE, "titre: Essai encadré", "titre: Essai encadré (nouveau)")
    (content / "dispositifs" / "crpe.yaml").write_text("id: crpe\nresume: " + "[" * 50_000 + "]" * 50_000 + "\n")
    client = portal_app(tmp_path, content).test_client()  # a worker starting on the broken files
    assert "<h1>Essai encadré</h1>" in client.get("/fiches/essai-encadre").text
    assert "La dernière version valide" in capsys.readouterr().err


def test_aliases_are_refused_even_when_harmless(content):
    edit(content / FICHE, "titre: Essai encadré", "titre: &t Essai encadré\nresume_court: *t")
    code, output = check(content)
    assert code == 1 and "un alias YAML (*t)" in output


def test_the_territory_editor_and_the_import_read_a_file_within_the_same_limits():
    from portal.place_files import PlaceFileError, place_contacts, upsert_contacts

    bomb = "departement: '56'\ncontacts:\n" + "".join(f"  - {line}" for line in ALIAS_BOMB.splitlines(keepends=True))
    with pytest.raises(PlaceFileError, match="ligne 4 : un alias YAML \\(\\*a\\) reprend une autre valeur"):
        place_contacts(bomb)
    deep = "departement: '56'\ncontacts: " + "[" * 50_000 + "]" * 50_000 + "\n"
    with pytest.raises(PlaceFileError, match="ligne 2 : les valeurs s'imbriquent sur plus de 40 niveaux"):
        upsert_contacts("territoires", "56", deep, [], date(2026, 12, 6))
