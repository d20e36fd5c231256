"""The editors' guide works as written: its shell blocks run word for word on a copy of the content, and every
`portal …` or `make …` command the guide or the README names exists, with the options it shows."""

import csv
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.config import ROOT

GUIDE = ROOT / "docs" / "guide-editeur.md"
README = ROOT / "README.md"
VENV = Path(sys.executable).parent.parent  # the environment the tests run in: the one `make run` creates

# Commands that start a server and never end: checked (the command and its options exist), not started. Left
# running, it would hold port 5000 of a machine shared by several developers; tests/test_preview.py and the
# browser tests serve the preview on a free port instead.
SERVERS = {"serve"}

# Examples of the guide's placeholders, to check the commands that name them.
PLACEHOLDERS = {
    "NOM": "claire",
    "N": "1",
    "<id>": "medecin-du-travail",
    "<arbre>": "medecin-du-travail",
    "<commande>": "check",
}


def shell_blocks(text: str) -> list[list[str]]:
    """The lines of each ```sh block: what an editor types, one command a line (comments after « # » kept)."""
    blocks = re.findall(r"^( *)```sh\n(.*?)^\1```", text, flags=re.M | re.S)  # also inside a list item
    return [[line.strip() for line in block.splitlines() if line.strip()] for _indent, block in blocks]


def typed_lines() -> list[str]:
    return [line for block in shell_blocks(GUIDE.read_text(encoding="utf-8")) for line in block]


def is_activation(line: str) -> bool:
    return line.startswith((". ", "source "))


def portal_args(line: str) -> list[str]:
    """The arguments after `portal` in a typed line (its comment dropped)."""
    words = shlex.split(line, comments=True)
    assert words and words[0] == "portal", f"commande inattendue dans le guide : {line}"
    return [PLACEHOLDERS.get(word, word) for word in words[1:]]


def assert_portal_command_exists(args: list[str]) -> None:
    """`portal <args> --help` answers only if the command exists and knows each option shown; nothing runs."""
    if _ends_on_an_option_taking_a_value(args):  # `portal build --archive`: else `--help` is the archive built
        args = [*args, "exemple"]
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, f"« portal {' '.join(args)} » n'existe pas ou est mal écrite :\n{result.output}"


def _ends_on_an_option_taking_a_value(args: list[str]) -> bool:
    command = main
    for word in args:
        if isinstance(command, click.Group) and word in command.commands:
            command = command.commands[word]
    option = next((param for param in command.params if args and args[-1] in param.opts), None)
    return isinstance(option, click.Option) and not option.is_flag and not option.count


def write_example_spreadsheets(folder: Path) -> None:
    """The spreadsheets the guide imports are the editor's own: here, the guide's example table, saved under the
    names its commands use (`annuaire-prith.xlsx`, `contacts.csv`)."""
    from openpyxl import Workbook

    example = re.search(r"Exemple \(CSV\) :\n\n```\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    assert example, "le guide a perdu son exemple de tableur de contacts"
    (folder / "contacts.csv").write_text(example.group(1), encoding="utf-8")
    workbook = Workbook()
    for row in csv.reader(io.StringIO(example.group(1)), delimiter=";"):
        workbook.active.append(row)
    workbook.save(folder / "annuaire-prith.xlsx")


@pytest.fixture(scope="module")
def editor_checkout(tmp_path_factory) -> tuple[Path, dict]:
    """A folder laid out like a clone after `make run` (content, trees, .venv), and an environment whose PATH
    does not yet have `portal`: the guide's activation line must bring it. Nothing is written in the checkout."""
    folder = tmp_path_factory.mktemp("depot")
    for name in ("content", "trees", "schemas", "docs"):
        shutil.copytree(ROOT / name, folder / name)
    (folder / ".venv").symlink_to(VENV, target_is_directory=True)
    write_example_spreadsheets(folder)
    path = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if Path(entry) != VENV / "bin"]
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"VIRTUAL_ENV", "PYTHONHOME"}},
        "PATH": os.pathsep.join(path),
        "PORTAL_CONTENT_DIR": str(folder / "content"),
        "PORTAL_TREES_DIR": str(folder / "trees"),
        "PORTAL_VERSIONS_DIR": str(folder / "instance" / "index"),
        "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
        "PORTAL_SECRET_KEY": "guide",
        "LC_ALL": "C.UTF-8",
    }
    return folder, env


def test_the_guide_has_commands_to_run_and_says_how_to_reach_them():
    lines = typed_lines()
    assert lines and is_activation(lines[0]), "le guide doit d'abord dire comment rendre `portal` disponible"
    assert ". .venv/bin/activate" in lines
    assert any(line.startswith("portal check") for line in lines)


FRENCH = re.compile(r"[àâçéèêëîïôûùœ]|\b(le|la|les|des|une?|aucun|rien|fiches?|à)\b", re.I)
ENGLISH = re.compile(r"Traceback|Error:|Usage:|No such|command not found|Warning", re.I)


@pytest.mark.slow  # runs each command in a shell on a copy of the real content
@pytest.mark.parametrize("line", [line for line in typed_lines() if not is_activation(line)])
def test_each_command_of_the_guide_runs_as_typed(editor_checkout, line):
    folder, env = editor_checkout
    args = portal_args(line)
    assert_portal_command_exists(args)
    if args[0] in SERVERS:
        pytest.skip(f"« {line} » démarre un serveur : commande et options vérifiées, serveur non lancé (port 5000)")
    activation = "\n".join(entry for entry in typed_lines() if is_activation(entry))
    result = subprocess.run(
        ["bash", "-c", f"set -e\n{activation}\n{line}"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"« {line} » a échoué ({result.returncode}) :\n{output}"
    assert FRENCH.search(output) and not ENGLISH.search(output), f"« {line} » n'a pas répondu en français :\n{output}"


DOCS = GUIDE.read_text(encoding="utf-8") + "\n" + README.read_text(encoding="utf-8")


def named_commands(text: str, tool: str) -> list[str]:
    """Every `tool …` written in inline code or in a shell block of `text`."""
    inline = re.findall(rf"`({tool} [^`]+)`", text)
    typed = [line for block in shell_blocks(text) for line in block if line.startswith(f"{tool} ")]
    return sorted(set(inline + typed))


@pytest.mark.parametrize("mention", named_commands(DOCS, "portal"))
def test_every_portal_command_named_in_the_docs_exists(mention):
    # `portal revue [--dans N]`: optional parts read without their brackets, placeholders given an example.
    words = shlex.split(mention.replace("[", " ").replace("]", " "), comments=True)[1:]
    assert_portal_command_exists([PLACEHOLDERS.get(word, word) for word in words if word != "…"])


MAKE_TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M))


@pytest.mark.parametrize("mention", named_commands(DOCS, "make"))
def test_every_make_target_named_in_the_docs_exists(mention):
    target = next(word for word in shlex.split(mention, comments=True)[1:] if "=" not in word)
    assert target in MAKE_TARGETS, f"« {mention} » : la cible {target} n'existe pas dans le Makefile"
