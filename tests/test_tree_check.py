"""`portal check` on orientation trees: each unsound tree is reported at its line, in French."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.content_files import read_content_files

FIXTURES = Path(__file__).parent / "fixtures"
TREE = (FIXTURES / "trees" / "medecin-du-travail.yaml").read_text()
CRPE_LINE = (
    "      - fiche: crpe\n"
    "        raison: Si un risque d'inaptitude est identifié en pré-reprise, apprendre un nouveau poste.\n"
)


@pytest.fixture
def folders(tmp_path):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    return tmp_path


def check(folders: Path, tree: str | None = None, cases: str | None = None):
    if tree is not None:
        (folders / "trees" / "medecin-du-travail.yaml").write_text(tree, encoding="utf-8")
    if cases is not None:
        (folders / "trees" / "medecin-du-travail.cas.yaml").write_text(cases, encoding="utf-8")
    args = ["check", "--contenu", str(folders / "content"), "--arbres", str(folders / "trees")]
    return CliRunner().invoke(main, args)


def test_sound_tree_passes(folders):
    result = check(folders)
    assert result.exit_code == 0, result.output
    assert "1 arbres" in result.output


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(fragment, index + 1)
    return text[:index].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "fragment", "expected"),
    [
        (
            "      autre-poste: arret-autre-poste\n",
            "      autre-poste: arret-autre-post\n",
            "autre-poste: arret-autre-post",
            "la suite « arret-autre-post » n'existe pas — vouliez-vous dire « arret-autre-poste » ?",
        ),
        (
            "      independant: arret-independant\n",
            "      independant: etape\n",
            "independant: etape",
            "cette suite revient à « etape » : le parcours tournerait en rond",
        ),
        (
            "      - fiche: crpe\n",
            "      - fiche: cpre\n",
            "fiche: cpre",
            "la fiche « cpre » n'existe pas — vouliez-vous dire « crpe » ?",
        ),
        (
            "      meme-poste: arret-meme-poste\n",
            "      meme-post: arret-meme-poste\n",
            "meme-post:",
            "« meme-post » n'est pas une réponse de la question « situation » — vouliez-vous dire « meme-poste » ?",
        ),
        (
            "      pendant-arret: statut\n",
            "      pendant-arret: situation\n",
            "  statut:\n    question: statut",
            "cette étape n'est atteinte par aucun parcours",
        ),
        (
            "      reprise: reprise\n    implique",
            "      reprise: statut\n    implique",
            "  statut:\n    question: statut",
            "la question « statut » est déjà posée ou déduite plus haut",
        ),
        (
            "      - bloc: arret-salarie\n      - fiche: essai-encadre\n        raison: Tester le poste",
            "      - bloc: arret-salari\n      - fiche: essai-encadre\n        raison: Tester le poste",
            "bloc: arret-salari\n",
            "le bloc « arret-salari » n'existe pas",
        ),
        (
            "        raison: Avec une RQTH",
            "        bloc: arret-salarie\n        raison: Avec une RQTH",
            "- fiche: cap-emploi",
            "une ligne est soit un bloc, soit une fiche avec sa raison",
        ),
        (
            CRPE_LINE,
            CRPE_LINE + "      - fiche: visite-pre-reprise\n        raison: Encore.\n",
            "    fiches:\n      - bloc: arret-salarie\n      - fiche: essai-encadre\n        raison: Tester un autre",
            "la fiche « visite-pre-reprise » est proposée deux fois",
        ),
        (
            "        quand: maintenant\n        action: Proposer un essai encadré du poste aménagé\n",
            "        quand: maintenant\n",
            "renouvelables une fois.\n        quand: maintenant",
            "une ligne « maintenant » dit l'action à faire",
        ),
        (
            "        raison: Tester un autre poste de l'entreprise pendant l'arrêt.\n",
            "        raison: Tester un autre poste de l'entreprise pendant l'arrêt.\n"
            "        action: Proposer un essai\n",
            "raison: Tester un autre poste de l'entreprise pendant l'arrêt.\n        action",
            "`action` ne sert qu'aux lignes « maintenant »",
        ),
        (
            "      - bloc: arret-salarie\n      - fiche: essai-encadre\n        raison: Tester un autre",
            "      - bloc: arret-salarie\n        quand: selon\n"
            "      - fiche: essai-encadre\n        raison: Tester un autre",
            "- bloc: arret-salarie\n        quand: selon",
            "une ligne `bloc:` n'a ni `quand` ni `action`",
        ),
        (
            "        quand: selon\n",
            "        quand: plus-tard\n",
            "quand: plus-tard",
            "la valeur « plus-tard » n'est pas permise pour « quand » — valeurs permises : maintenant, ensuite, selon",
        ),
        (
            "        action: Organiser la visite de pré-reprise\n",
            "        action: Organiser la visite de pré-reprise" + ", puis" * 20 + "\n",
            "action: Organiser la visite de pré-reprise, puis",
            "« action » fait plus de 100 caractères",
        ),
        (
            "  arret-salarie:\n    fiches:\n",
            "  arret-salarie:\n    a_faire: [Organiser la visite de pré-reprise.]\n    fiches:\n",
            "a_faire:",
            "la clé « a_faire » n'existe pas dans ce format",
        ),
        (
            "  - reponses: {etape: reprise, statut: independant}\n",
            "  - reponses: {etape: pendant-arret, statut: independant}\n",
            "- reponses: {etape: pendant-arret",
            "est déclarée sans objet, mais un parcours y mène",
        ),
    ],
)
def test_each_unsound_tree_is_reported_at_its_line(folders, old, new, fragment, expected):
    assert old in TREE
    tree = TREE.replace(old, new, 1)
    result = check(folders, tree)
    assert result.exit_code == 1, result.output
    # The fragment's first line, or the key just above it, is where the problem is reported.
    line = line_of(tree, fragment)
    reported = [row for row in result.output.splitlines() if expected in row]
    assert reported, result.output
    assert reported[0].startswith(f"trees/medecin-du-travail.yaml:{line}:") or reported[0].startswith(
        f"trees/medecin-du-travail.yaml:{line + 1}:"
    ), reported[0]


def test_a_result_has_at_most_five_lines_to_do_now(folders, monkeypatch):
    assert check(folders).exit_code == 0
    monkeypatch.setattr("portal.trees.MAX_NOW", 2)  # the fixture's arret-meme-poste has three « maintenant » lines
    result = check(folders)
    assert result.exit_code == 1, result.output
    line = line_of(TREE, "  arret-meme-poste:\n    titre:") + 2
    expected = (
        f"trees/medecin-du-travail.yaml:{line}:5: erreur [resultats.arret-meme-poste.fiches] : ce résultat a 3 lignes "
        "« maintenant » (visite-pre-reprise, service-social-assurance-maladie, essai-encadre) : 2 au plus"
    )
    assert expected in result.output, result.output


def test_a_combination_without_result_is_a_warning(folders):
    declared = (
        "sans_objet:\n  - reponses: {etape: reprise, statut: independant}\n"
        "    raison: La visite de reprise concerne les salariés.\n"
    )
    result = check(folders, TREE.replace(declared, "sans_objet: []\n"))
    assert result.exit_code == 0, result.output
    assert (
        "aucun parcours ne mène à un résultat pour Étape : À la reprise × Statut : Travailleur indépendant"
        in result.output
    )


def test_unreached_dispositif_is_a_warning(folders):
    tree = TREE.replace(
        CRPE_LINE,
        "",
    )
    cases = (FIXTURES / "trees" / "medecin-du-travail.cas.yaml").read_text().replace(", crpe]", "]")
    result = check(folders, tree, cases)
    assert result.exit_code == 0, result.output
    assert "trees:1:1: avertissement [crpe] : le dispositif « Convention de rééducation" in result.output


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        (
            "cas:\n  - nom: Reprise\n    reponses: {etape: reprise}\n    doit_proposer: [essai-encadre]\n",
            "le résultat « reprise » ne propose pas « essai-encadre »",
        ),
        (
            "cas:\n  - nom: Reprise\n    reponses: {etape: reprise}\n    ne_doit_pas_proposer: [cap-emploi]\n",
            "le résultat « reprise » propose « cap-emploi »",
        ),
        ("cas:\n  - nom: Arrêt\n    reponses: {etape: pendant-arret}\n", "s'arrête à la question « statut »"),
        (
            "cas:\n  - nom: Faux\n    reponses: {etape: reprise, statut: independant}\n",
            "a des réponses inutilisées (statut = independant : « À la reprise » implique « Salarié »)",
        ),
        (
            "cas:\n  - nom: Reprise\n    reponses: {etape: reprise}\n    resultat: autre\n",
            "mène à « reprise », pas à « autre »",
        ),
    ],
)
def test_failing_cas_types_are_errors(folders, cases, expected):
    result = check(folders, cases=cases)
    assert result.exit_code == 1, result.output
    assert "trees/medecin-du-travail.cas.yaml:" in result.output and expected in result.output


def test_each_etape_needs_a_cas_type(folders):
    result = check(folders, cases="cas:\n  - nom: Reprise\n    reponses: {etape: reprise}\n")
    assert "aucun cas type ne répond « pendant-arret » à la question « etape »" in result.output


def test_cas_types_without_tree_are_an_error(folders):
    (folders / "trees" / "nulle-part.cas.yaml").write_text("cas: []\n")
    result = check(folders)
    assert result.exit_code == 1
    assert "trees/nulle-part.cas.yaml:1:1: erreur : ces cas types ne correspondent à aucun arbre" in result.output


def test_cas_types_are_part_of_the_content_version(folders):
    # The version is named from every byte the loader reads: a changed cas type is a new version, checked again
    # by `portal build` and the preview (a stored version never hides a broken one).
    version = lambda: read_content_files(folders / "content", folders / "trees").version  # noqa: E731
    before = version()
    (folders / "trees" / "medecin-du-travail.cas.yaml").write_text("cas: []\n")
    assert version() != before
