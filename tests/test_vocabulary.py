"""content/vocabulaire.yaml: the situations editors write, checked by `portal check` with file, line and French."""

import shutil

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.config import ROOT


@pytest.fixture(scope="module")
def catalog(real_catalog):
    return real_catalog


def test_the_vocabulary_follows_the_facts(catalog):
    """A few lists checked against faits-pdp.md: who the situation is sent to first."""
    situations = {situation.nom: situation for situation in catalog.vocabulaire}
    assert situations["AVC"].fiches[:2] == ["ueros", "comete-france"]  # cérébrolésés; SSR/MPR
    assert {"rqth", "essai-encadre", "crpe"} <= set(situations["Traumatisme crânien"].fiches)
    # the agent public's own circuit first (issue 19), the FIPHFP still there
    assert situations["Fonction publique"].fiches[:2] == ["agent-public-maintien", "service-medecine-prevention"]
    assert "fiphfp" in situations["Fonction publique"].fiches
    # every pension requires the two-thirds reduction, so every pensionné is BOETH: no « sinon RQTH »
    assert situations["Invalidité"].fiches[0] == "pension-invalidite" and "rqth" not in situations["Invalidité"].fiches
    assert "deux tiers" in situations["Invalidité"].note and "BOETH" in situations["Invalidité"].note
    assert situations["Régime agricole"].fiches[0] == "msa"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the real content and trees."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "trees", tmp_path / "trees")
    return tmp_path / "content"


def check(content, vocabulary: str):
    (content / "vocabulaire.yaml").write_text(vocabulary, encoding="utf-8")
    arguments = ["check", "--sans-avertissements", "--contenu", str(content), "--arbres", str(content.parent / "trees")]
    return CliRunner().invoke(main, arguments)


@pytest.mark.parametrize(
    ("vocabulary", "expected"),
    [
        (
            "situations:\n  - nom: AVC\n    fiches: [ueros, comete]\n",
            "content/vocabulaire.yaml:3:21: erreur [situations[0].fiches[1]] : la fiche « comete » n'existe pas"
            " — vouliez-vous dire « comete-france » ?",
        ),
        (
            "situations:\n  - nom: AVC\n    synonymes: [hémiplégie]\n    fiches: [ueros]\n",
            "content/vocabulaire.yaml:3:5: erreur [situations[0].synonymes] : la clé « synonymes » n'existe pas",
        ),
        (
            "situations:\n  - nom: AVC\n    fiches: [ueros]\n  - nom: Cérébrolésion\n    mots: [avc]\n"
            "    fiches: [ueros]\n",
            "content/vocabulaire.yaml:5:12: erreur [situations[1].mots[0]] : « avc » se cherche déjà comme « AVC »,"
            " de la situation « AVC »",
        ),
        (
            "situations:\n  - nom: AVC\n    fiches: [ueros]\n    orientation:\n      - libelle: Arbre\n"
            "        adresse: /orientation/medecin-du-travial?etape=reprise\n",
            "content/vocabulaire.yaml:6:9: erreur [situations[0].orientation[0].adresse] : l'arbre"
            " « medecin-du-travial » n'existe pas — vouliez-vous dire « medecin-du-travail » ?",
        ),
        (
            "situations:\n  - nom: AVC\n    fiches: [ueros]\n    orientation:\n      - libelle: Arbre\n"
            "        adresse: /orientation/medecin-du-travail?etape=en-arret\n",
            "content/vocabulaire.yaml:6:9: erreur [situations[0].orientation[0].adresse] : cette adresse ne mène à"
            " aucune étape de l'arbre — etape = en-arret : « en-arret » n'est plus une réponse",
        ),
    ],
    ids=["fiche inconnue", "clé inconnue", "mot de deux situations", "arbre inconnu", "réponse inconnue"],
)
def test_each_mistake_is_reported_at_its_line_in_french(content, vocabulary, expected):
    result = check(content, vocabulary)
    assert result.exit_code == 1
    assert expected in result.output, result.output


def test_a_repeated_spelling_in_one_situation_is_only_a_warning(content):
    result = check(content, "situations:\n  - nom: Lombalgie\n    mots: [lombalgies]\n    fiches: [rqth]\n")
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["check", "--contenu", str(content), "--arbres", str(content.parent / "trees")])
    assert "avertissement [situations[0].mots[0]] : « lombalgies » se cherche déjà comme « Lombalgie »" in result.output
