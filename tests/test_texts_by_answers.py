"""A fiche's text to the salarié chosen by the walk's answers (`mobiliser.salarie_selon`): the handout never states
what the answers rule out; `portal check` refuses a condition on a question or an answer no tree has; a cas type
checks the words of the handout."""

import shutil
from pathlib import Path

import pytest
from apps import FIXTURES, edit, portal_app
from click.testing import CliRunner
from test_handout import sheet

from portal.cli import main

HANDOUT = "/orientation/medecin-du-travail/pour-le-salarie"
PRE_REPRISE = "content/dispositifs/visite-pre-reprise.yaml"
DEFAULT = "Vous pouvez la demander vous-même au service de santé au travail de votre entreprise."
CHOSEN = "Parlez-en d'abord au médecin du travail, qui connaît déjà le poste à tester."


@pytest.fixture
def folders(tmp_path):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    return tmp_path


def choose_by(folders: Path, condition: str) -> None:
    edit(
        folders / PRE_REPRISE,
        f"  salarie: {DEFAULT}\n",
        f"  salarie: {DEFAULT}\n  salarie_selon:\n    - si: {condition}\n      texte: {CHOSEN}\n",
    )


def check(folders: Path):
    args = ["check", "--contenu", str(folders / "content"), "--arbres", str(folders / "trees")]
    return CliRunner().invoke(main, args)


def test_the_handout_writes_the_text_the_answers_choose(folders):
    choose_by(folders, "{situation: autre-poste}")
    assert check(folders).exit_code == 0
    client = portal_app(folders / "instance", folders / "content", folders / "trees").test_client()
    chosen = sheet(client.get(f"{HANDOUT}?etape=pendant-arret&statut=salarie&situation=autre-poste").text)
    assert CHOSEN in chosen and DEFAULT not in chosen
    other = sheet(client.get(f"{HANDOUT}?etape=pendant-arret&statut=salarie&situation=meme-poste").text)
    assert DEFAULT in other and CHOSEN not in other


def test_an_implied_answer_chooses_too(folders):
    # « reprise » implies « salarié » in the fixture tree: a condition on the implied answer holds.
    choose_by(folders, "{statut: salarie, situation: autre-poste}")
    client = portal_app(folders / "instance", folders / "content", folders / "trees").test_client()
    chosen = sheet(client.get(f"{HANDOUT}?etape=pendant-arret&statut=salarie&situation=autre-poste").text)
    assert CHOSEN in chosen


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (
            "{situaton: autre-poste}",
            "« situaton » n'est une question d'aucun arbre — vouliez-vous dire « situation » ?",
        ),
        (
            "{situation: autre-post}",
            "« autre-post » n'est pas une réponse de la question « situation » — vouliez-vous dire « autre-poste » ?",
        ),
    ],
)
def test_check_refuses_a_condition_no_tree_asks(folders, condition, expected):
    choose_by(folders, condition)
    result = check(folders)
    assert result.exit_code == 1
    line = (folders / PRE_REPRISE).read_text().splitlines().index(f"    - si: {condition}") + 1
    assert f"{PRE_REPRISE}:{line}:" in result.output
    assert expected in result.output


CASE = """cas:
  - nom: Salarié en arrêt, autre poste
    reponses: {etape: pendant-arret, statut: salarie, situation: autre-poste}
    feuille_doit_dire: [%s]
    feuille_ne_doit_pas_dire: [%s]
  - nom: Indépendant en arrêt
    reponses: {etape: pendant-arret, statut: independant}
  - nom: Reprise
    reponses: {etape: reprise}
"""


def test_a_cas_type_checks_the_words_of_the_handout(folders):
    cases = folders / "trees" / "medecin-du-travail.cas.yaml"
    cases.write_text(CASE % ("demander vous-même", "le poste à tester"), encoding="utf-8")
    assert check(folders).exit_code == 0, check(folders).output
    choose_by(folders, "{situation: autre-poste}")
    result = check(folders)
    assert result.exit_code == 1
    assert "les démarches de la feuille au salarié ne disent pas « demander vous-même »" in result.output
    assert "les démarches de la feuille au salarié disent « le poste à tester »" in result.output
