"""Each content problem an editor can make: file:line:column, key path, a French sentence and a useful hint."""

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.catalog import load_catalog
from portal.cli import main
from portal.diagnostics import ContentError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content(tmp_path):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    (tmp_path / "trees").mkdir()
    return tmp_path / "content"


def edit(content: Path, relative: str, old: str, new: str) -> None:
    path = content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(content: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--contenu", str(content), "--arbres", str(content.parent / "trees")])
    return result.exit_code, result.output.splitlines()


CRPE = "dispositifs/crpe.yaml"


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        (
            CRPE,
            "liees: [essai-encadre]",
            "liees: [essai-encadr]",
            "crpe.yaml:10:9: erreur [liees[0]] : la fiche « essai-encadr » n'existe pas — "
            "vouliez-vous dire « essai-encadre » ?",
        ),
        (
            "glossaire.yaml",
            "fiche: crpe",
            "fiche: crpee",
            "glossaire.yaml:4:5: erreur [termes[0].fiche] : la fiche « crpee » n'existe pas — "
            "vouliez-vous dire « crpe » ?",
        ),
        (
            CRPE,
            "rqth: non-requise",
            "rqth: non requise",
            "crpe.yaml:9:1: erreur [rqth] : la valeur « non requise » n'est pas permise pour « rqth » — "
            "vouliez-vous dire « non-requise » ? (valeurs permises : requise, non-requise, facilite)",
        ),
        (
            CRPE,
            "etapes: [reprise, apres-inaptitude]",
            "etapes: [reprise, zzz]",
            "crpe.yaml:8:19: erreur [etapes[1]] : la valeur « zzz » n'est pas permise pour « etapes » — "
            "valeurs permises : sans-arret, pendant-arret, reprise, apres-inaptitude",
        ),
        (
            CRPE,
            "mis_a_jour: 2026-11-22",
            'mis_a_jour: "22/11/2026"',
            "crpe.yaml:16:1: erreur [mis_a_jour] : « mis_a_jour » doit être une date — "
            "écrivez-la AAAA-MM-JJ, sans guillemets (ex. 2024-07-05)",
        ),
        (
            CRPE,
            "resume: Se réentraîner",
            "résumé: Se réentraîner",
            "crpe.yaml:5:1: erreur [résumé] : la clé « résumé » n'existe pas dans ce format — "
            "vouliez-vous dire « resume » ?",
        ),
        (
            CRPE,
            "resume: Se réentraîner à son poste ou apprendre un nouveau métier, jusqu'à 18 mois, après l'arrêt.\n",
            "",
            "crpe.yaml:1:1: erreur [resume] : la clé obligatoire « resume » manque — ajoutez une ligne `resume: …` "
            "(une phrase qu'un médecin lit en cinq secondes)",
        ),
        (
            CRPE,
            "mis_a_jour: 2026-11-22",
            "mis_a_jour: 2026-11-22\nrevision_mois: 48",
            "crpe.yaml:17:1: erreur [revision_mois] : « revision_mois » vaut 48, hors des limites permises — "
            "la valeur doit être au plus 36",
        ),
        (
            CRPE,
            "mis_a_jour: 2026-11-22",
            "mis_a_jour: 2026-11-22\nrevision_mois: six",
            "crpe.yaml:17:1: erreur [revision_mois] : « revision_mois » doit être un nombre entier — "
            "écrivez le nombre seul, sans guillemets (ex. 6)",
        ),
        (
            CRPE,
            "rqth: non-requise",
            "rqth: non-requise\nmobiliser: par la CPAM",
            "crpe.yaml:10:1: erreur [mobiliser] : « mobiliser » doit contenir des clés (une par ligne, indentées) — "
            "écrivez `clé: valeur` sur les lignes suivantes, décalées de deux espaces",
        ),
        (
            "territoires/56.yaml",
            'departement: "56"',
            'departement: "5C"',
            "56.yaml:1:1: erreur [departement] : « 5C » n'est pas un code de département — "
            'deux chiffres entre guillemets (ex. "56"), "2A", "2B" ou 971 à 976',
        ),
        (
            "territoires/56.yaml",
            "  - acteur: cap-emploi",
            "  - acteur: cap-emploie",
            "56.yaml:4:5: erreur [contacts[0].acteur] : la fiche acteur « cap-emploie » n'existe pas — "
            "vouliez-vous dire « cap-emploi » ?",
        ),
    ],
)
def test_each_problem_says_where_what_and_how(content, relative, old, new, expected):
    edit(content, relative, old, new)
    code, lines = check(content)
    assert code == 1
    assert any(line.endswith(expected) for line in lines), "\n".join(lines)


def test_a_broken_fiche_is_reported_once_not_echoed_by_every_reference(content):
    edit(content, CRPE, "statut: a-verifier", "statut: a-verfier")
    code, lines = check(content)
    assert code == 1
    errors = [line for line in lines if ": erreur " in line]
    assert len(errors) == 1 and "crpe.yaml:17:1: erreur [statut]" in errors[0]
    assert "vouliez-vous dire « a-verifier » ?" in errors[0]


def test_errors_block_and_warnings_inform(content):
    old_source = (date.today() - timedelta(days=4 * 365)).isoformat()
    edit(content, "dispositifs/visite-pre-reprise.yaml", "vu_le: 2026-11-22", f"vu_le: {old_source}")
    edit(
        content,
        CRPE,
        "resume: Se réentraîner à son poste ou apprendre un nouveau métier, jusqu'à 18 mois, après l'arrêt.",
        "resume: Se réentraîner. Apprendre un métier. Jusqu'à 18 mois.",
    )
    code, lines = check(content)
    assert code == 0  # warnings do not block
    assert any(
        "visite-pre-reprise.yaml:9:5: avertissement [sources[0]] : la source « Faits PDP, adp.com (juillet 2022) » "
        "date de plus de trois ans"
        in line
        and "mettez à jour `vu_le`" in line
        for line in lines
    ), lines
    assert any(
        "crpe.yaml:5:1: avertissement [resume] : le résumé fait plus de deux phrases" in line for line in lines
    ), lines
    # the fixture's old ameli page is primary and read again: not stale
    assert lines[-1].endswith("aucun problème, 2 avertissement(s)")


def test_content_error_carries_every_problem_with_key_and_hint(content):
    edit(content, CRPE, "rqth: non-requise", "rqth: oui")
    edit(content, "territoires/56.yaml", "  - acteur: cap-emploi", "  - acteur: cap-emplois")
    with pytest.raises(ContentError) as raised:
        load_catalog(content, content.parent / "trees")
    problems = [p for p in raised.value.problems if p.severity == "erreur"]
    assert [(p.file.split("/")[-1], p.line, p.key) for p in problems] == [
        ("crpe.yaml", 9, "rqth"),
        ("56.yaml", 4, "contacts[0].acteur"),
    ]
    assert all(p.message and p.hint and p.column >= 1 for p in problems)


TREE = """titre: Essai
pour: médecin du travail
introduction: Une question.
debut: etape
questions:
  etape:
    texte: Où en est la personne ?
    titre_court: Étape
    reponses:
      pendant-arret: {libelle: En arrêt}
      arret-long: {libelle: En arrêt depuis plus de trois mois}
noeuds:
  etape:
    question: etape
    suites: {pendant-arret: arret, arret-long: arret}
resultats:
  arret:
    titre: Préparer le retour
    fiches:
      - {fiche: visite-pre-reprise, raison: Elle prépare le retour.}
"""


def test_a_dispositif_reached_by_no_tree_is_a_warning(content):
    (content.parent / "trees" / "essai.yaml").write_text(TREE, encoding="utf-8")
    code, lines = check(content)
    assert code == 0
    unreached = [line for line in lines if "n'est proposé par aucun résultat d'arbre" in line]
    assert len(unreached) == 2 and all(": avertissement [" in line for line in unreached)
    assert any(
        "[crpe]" in line and "« Convention de rééducation professionnelle en entreprise »" in line for line in unreached
    )
    assert not any("visite-pre-reprise" in line for line in unreached)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("alias: [contrat de rééducation professionnelle]", "alias: [contrat", "4:8: erreur : une liste"),
        ("titre: Convention", "titre: {Convention", "2:8: erreur : un dictionnaire entre accolades n'est pas fermé"),
        ("titre: Convention", 'titre: "Convention" de', "2:21: erreur : l'indentation ne correspond pas"),
        ("titre: Convention", "titre: @Convention", "2:8: erreur : une valeur commence par un caractère réservé"),
        ("titre: Convention", "titre: *Convention", "2:8: erreur : un alias YAML (*nom) n'est défini nulle part"),
        ("titre: Convention", "---\ntitre: Convention", "erreur : le fichier contient plusieurs documents"),
    ],
)
def test_yaml_syntax_errors_are_explained_in_french(content, old, new, expected):
    """Each usual YAML slip gets a French sentence at its line, with no English parser message."""
    edit(content, CRPE, old, new)
    code, lines = check(content)
    reported = [line for line in lines if "crpe.yaml:" in line]
    assert code == 1
    assert len(reported) == 1 and expected in reported[0], "\n".join(lines)
    assert "while " not in reported[0] and "expected" not in reported[0]


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        (
            "territoires/56.yaml",
            "    note: Coordonnées à confirmer.",
            "    remarque: Coordonnées à confirmer.",
            "56.yaml:6:5: erreur [contacts[0].remarque] : la clé « remarque » n'existe pas dans ce format — "
            "utilisez `note:` à la place (une précision utile au lecteur)",
        ),
        (
            CRPE,
            "rqth: non-requise",
            "rqth: non-requise\nremarque: Voir aussi l'essai encadré.",
            "crpe.yaml:10:1: erreur [remarque] : la clé « remarque » n'existe pas dans ce format — "
            "utilisez `description:` à la place (le texte de la fiche ; une ligne vide sépare les paragraphes)",
        ),
        (
            "territoires/56.yaml",
            "    note: Coordonnées à confirmer.",
            "    à vérifier: le numéro",
            "[contacts[0].à vérifier] : la clé « à vérifier » n'existe pas dans ce format — "
            "utilisez `a_verifier:` à la place (ce qui reste à vérifier pour ce contact",
        ),
        (
            "territoires/56.yaml",
            "    note: Coordonnées à confirmer.",
            "    mis_a_jour: 2026-11-22",
            "[contacts[0].mis_a_jour] : la clé « mis_a_jour » n'existe pas dans ce format — "
            "un contact est daté par `vu_le:` de sa `source:`",
        ),
        (
            "territoires/56.yaml",
            "    nom: Cap emploi du Morbihan",
            "    nom: Cap emploi du Morbihan\n    tel: 02 97 00 00 00",
            "[contacts[0].tel] : la clé « tel » n'existe pas dans ce format — utilisez `telephone:` à la place",
        ),
    ],
)
def test_a_refused_key_says_what_to_write_instead(content, relative, old, new, expected):
    edit(content, relative, old, new)
    code, lines = check(content)
    assert code == 1
    assert any(expected in line for line in lines), "\n".join(lines)


def syntax_lines(content: Path, name: str) -> list[str]:
    code, lines = check(content)
    assert code == 1
    return [line for line in lines if f"{name}:" in line]


def test_every_independent_syntax_problem_of_a_file_is_reported_at_once(content):
    edit(content, CRPE, "titre: Convention", "titre: {Convention")
    edit(content, CRPE, "etapes: [reprise, apres-inaptitude]", "etapes: [reprise, apres-inaptitude")
    edit(content, CRPE, "statut: a-verifier", "statut: @a-verifier")
    reported = syntax_lines(content, "crpe.yaml")
    assert [line.split(": erreur")[0].split("crpe.yaml:")[1] for line in reported] == ["2:8", "8:9", "17:9"]
    assert "un dictionnaire entre accolades n'est pas fermé" in reported[0]
    assert "une liste entre crochets n'est pas fermée" in reported[1]
    assert "une valeur commence par un caractère réservé" in reported[2]
    assert not any("expected" in line or "while " in line for line in reported)


TERRITOIRE = """departement: "56"
mis_a_jour: 2026-11-22
description: >-
  Un texte: avec deux points
  - et un tiret, qui n'est pas une liste
contacts:
  - acteur: cap-emploi
    nom: Cap emploi: Morbihan
    telephone: 02 97 00 00 00
  - acteur: service-social-assurance-maladie
    nom: Service social
\ttelephone: "36 46"
  - acteur: cap-emploi
    nom: "Cap emploi, antenne de Lorient
    email: lorient@example.fr
"""


def test_each_broken_contact_of_a_territory_is_reported(content):
    (content / "territoires" / "56.yaml").write_text(TERRITOIRE, encoding="utf-8")
    reported = syntax_lines(content, "56.yaml")
    assert len(reported) == 3, reported  # the text block with « : » and « - » is text, not a problem
    assert "56.yaml:8:" in reported[0] and "un « : » est mal placé" in reported[0]
    assert "56.yaml:12:1:" in reported[1] and "une tabulation est utilisée pour indenter" in reported[1]
    assert "56.yaml:14:10:" in reported[2] and "fermez les guillemets" in reported[2]


def test_duplicate_keys_and_impossible_dates_are_all_reported(content):
    edit(content, CRPE, "mis_a_jour: 2026-11-22", "mis_a_jour: 2026-02-30\nstatut: verifie")
    edit(content, CRPE, "vu_le: 2026-11-22", "vu_le: 2026-04-31")
    reported = syntax_lines(content, "crpe.yaml")
    assert len(reported) == 3, reported
    assert "n'est pas une date possible" in reported[0] and "« 2026-04-31 »" in reported[0]
    assert "« 2026-02-30 »" in reported[1]
    assert "la clé « statut » apparaît deux fois" in reported[2]


def test_a_primary_text_read_again_is_not_stale_but_an_old_document_is(content):
    old = (date.today() - timedelta(days=5 * 365)).isoformat()
    recent = date.today().isoformat()
    fiche = "dispositifs/visite-pre-reprise.yaml"
    edit(content, fiche, "    vu_le: 2026-12-02\n    primaire: true", f"    publie_le: {old}\n    vu_le: {recent}")
    code, lines = check(content)  # the article as an ordinary document: its old date shows
    assert code == 0 and any(fiche in line and "date de plus de trois ans" in line for line in lines), lines
    edit(content, fiche, f"    publie_le: {old}", f"    primaire: true\n    publie_le: {old}")
    code, lines = check(content)
    assert code == 0 and not any(fiche in line and "date de plus de trois ans" in line for line in lines), lines


def test_reading_a_file_again_and_again_keeps_nothing_of_it():
    # PyYAML's constructor remembers every node it built: one shared by all reads kept each reload's nodes alive.
    import gc

    import yaml

    from portal.yamlsource import load_yaml

    fiche = Path(__file__).parent / "fixtures" / "content" / "dispositifs" / "crpe.yaml"

    def live_nodes() -> int:
        gc.collect()
        return sum(1 for item in gc.get_objects() if isinstance(item, yaml.Node))

    load_yaml(fiche)
    before = live_nodes()
    for _ in range(20):
        assert load_yaml(fiche).data["id"] == "crpe"
    assert live_nodes() == before
