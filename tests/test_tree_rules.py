"""The rules of the field are checked by `portal check` at the result that breaks them, in French (they were
tests on the real trees; an editor now sees them at the line to fix)."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.config import ROOT
from portal.models import Ligne
from portal.tree_rules import broken_rules

INDEPENDANT = "  independant-en-poste:\n    fiches:\n"


def line(fiche: str, quand: str, raison: str = "Une raison d'une phrase.") -> str:
    action = "\n        action: Faire la démarche" if quand == "maintenant" else ""
    return f"      - fiche: {fiche}\n        raison: {raison}\n        quand: {quand}{action}\n"


@pytest.fixture
def copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "trees", tmp_path / "trees")
    return tmp_path


def check_with(copy: Path, anchor: str, added: str):
    path = copy / "trees" / "medecin-du-travail.yaml"
    text = path.read_text(encoding="utf-8")
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + added, 1), encoding="utf-8")
    return CliRunner().invoke(main, ["check", "--contenu", str(copy / "content"), "--arbres", str(copy / "trees")])


def test_a_result_that_breaks_a_rule_of_the_field_fails_the_check_at_its_line(copy):
    result = check_with(copy, INDEPENDANT, line("essai-encadre", "ensuite"))
    assert result.exit_code == 1
    errors = [text for text in result.output.splitlines() if ": erreur" in text]
    [error] = [text for text in errors if "réservés aux salariés" in text]  # once, though a bloc is in 3 results
    assert all(text.startswith("trees/medecin-du-travail.yaml:") for text in errors)  # nothing else is blamed
    assert "parcours : etape = sans-arret, statut = independant" in error  # the walk that leads there


def lines(*given: tuple[str, str]) -> list[Ligne]:
    return [Ligne(fiche=fiche, raison="Une raison.", quand=quand) for fiche, quand in given]


@pytest.mark.parametrize(
    ("answers", "given", "said"),
    [
        ({"etape": "pendant-arret", "statut": "independant"}, [("crpe", "selon")], "réservés aux salariés"),
        ({"etape": "sans-arret", "statut": "salarie"}, [("essai-encadre", "ensuite")], "pendant un arrêt"),
        ({"etape": "reprise", "statut": "salarie"}, [("rendez-vous-liaison", "ensuite")], "l'arrêt est fini"),
        ({"etape": "reprise"}, [("formation-pendant-arret", "selon")], "qu'à l'étape « en arrêt »"),
        ({"etape": "pendant-arret"}, [("crpe", "maintenant")], "jamais « maintenant »"),
        ({"etape": "pendant-arret", "rqth": "non"}, [("agefiph", "maintenant")], "agefiph en « maintenant » sans RQTH"),
        ({"etape": "pendant-arret"}, [("arpij", "ensuite")], "arpij ne vaut que dans certaines situations"),
        ({"etape": "reprise"}, [("ueros", "maintenant"), ("moaij", "ensuite")], "ueros, moaij ne valent que"),
    ],
)
def test_each_rule_names_what_is_wrong(answers, given, said):
    [message] = broken_rules(answers, lines(*given))
    assert said in message


@pytest.mark.parametrize(
    ("answers", "given"),
    [
        ({"etape": "pendant-arret", "statut": "salarie"}, [("essai-encadre", "ensuite"), ("crpe", "ensuite")]),
        ({"etape": "pendant-arret", "rqth": "oui"}, [("cap-emploi", "maintenant")]),
        ({"etape": "invalidite", "statut": "salarie"}, [("cap-emploi", "maintenant")]),  # a pensionné is BOETH
        ({"etape": "reprise"}, [("visite-reprise", "maintenant")]),
        ({"etape": "pendant-arret"}, [("moaij", "selon"), ("comete-france", "selon")]),
    ],
)
def test_what_the_field_allows_passes(answers, given):
    assert broken_rules(answers, lines(*given)) == []


def test_the_essai_encadre_at_the_reprise_is_only_during_a_temps_partiel_therapeutique(copy):
    path = copy / "trees" / "medecin-du-travail.yaml"
    text = path.read_text(encoding="utf-8")
    said = "S'il reprend en temps partiel thérapeutique (un arrêt partiel, indemnisé), un essai encadré"
    assert said in text
    path.write_text(text.replace(said, "S'il reprend peu à peu, un essai encadré"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--contenu", str(copy / "content"), "--arbres", str(copy / "trees")])
    assert result.exit_code == 1 and "pendant un temps partiel thérapeutique, et sa raison le dit" in result.output
