"""`portal check`: every content problem reported with file, line and a French sentence; exit codes."""

import shutil
from pathlib import Path

import pytest

from portal.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture content."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    (tmp_path / "trees").mkdir()
    return tmp_path / "content"


def run_check(content: Path):
    from click.testing import CliRunner

    return CliRunner().invoke(main, ["check", "--contenu", str(content), "--arbres", str(content.parent / "trees")])


def test_good_content_passes_with_a_summary(content):
    result = run_check(content)
    assert result.exit_code == 0, result.output
    assert "5 fiches (1 à vérifier), 2 contacts, 0 arbres : aucun problème" in result.output


def write(content: Path, relative: str, text: str) -> None:
    (content / relative).write_text(text, encoding="utf-8")


GOOD = (FIXTURES / "content" / "dispositifs" / "visite-pre-reprise.yaml").read_text()


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (
            GOOD.replace("titre: Visite de pré-reprise", "titre: Visite de pré-reprise\n  sigle: VPR"),
            3,
            "un « : » est mal placé",
        ),
        (
            GOOD.replace("publics: [salarie]", "publics: [salarie]\nduree_max: 3 mois"),
            6,
            "la clé « duree_max » n'existe pas",
        ),
        (GOOD.replace("resume: Un examen", "résumé: Un examen"), 3, "vouliez-vous dire « resume » ?"),
        (GOOD.replace("titre: Visite de pré-reprise\n", ""), 1, "la clé obligatoire « titre » manque"),
        (
            GOOD.replace("mis_a_jour: 2026-01-10", "mis_a_jour: janvier 2026"),
            16,
            "« mis_a_jour » doit être une date",
        ),
        (
            GOOD.replace("etapes: [pendant-arret]", "etapes: pendant-arret"),
            6,
            "« etapes » doit être une liste",
        ),
        (
            GOOD.replace("etapes: [pendant-arret]", "etapes: [pre-reprise]"),
            6,
            "la valeur « pre-reprise » n'est pas permise",
        ),
        (
            GOOD.replace("acteurs: [service-social-assurance-maladie]", "acteurs: [service-social-assurance-maladi]"),
            7,
            "« service-social-assurance-maladi » n'existe pas — vouliez-vous dire « service-social-assurance-maladie »",
        ),
        (GOOD.replace("vu_le: 2026-11-22", "vu_le: 2026-02-30"), 11, "n'est pas une date possible"),
        (GOOD.replace("    document: faits-pdp.md\n", ""), 9, "la source n'a ni `url` ni `document`"),
        (GOOD.replace("statut: verifie", "statut: a-verifier"), 1, "ne dit pas quoi vérifier"),
    ],
)
def test_each_broken_file_is_reported_at_its_line_in_french(content, text, line, expected):
    write(content, "dispositifs/visite-pre-reprise.yaml", text)
    result = run_check(content)
    assert result.exit_code == 1
    lines = [entry for entry in result.output.splitlines() if "visite-pre-reprise.yaml" in entry]
    assert any(f"visite-pre-reprise.yaml:{line}:" in entry and expected in entry for entry in lines), result.output
    assert "le contenu ne peut pas être publié" in result.output


def test_duplicate_id_names_both_files(content):
    write(content, "dispositifs/copie.yaml", GOOD.replace("id: visite-pre-reprise", "id: crpe"))
    result = run_check(content)
    assert result.exit_code == 1
    assert "copie.yaml:1:" in result.output
    assert "l'id « crpe » ne correspond pas au nom du fichier « copie.yaml »" in result.output
    assert (
        "crpe.yaml:1:1: erreur [id] : l'id « crpe » est déjà utilisé par content/dispositifs/copie.yaml"
        in result.output
    )


def test_every_problem_is_reported_at_once(content):
    write(content, "dispositifs/visite-pre-reprise.yaml", GOOD.replace("titre: Visite de pré-reprise\n", ""))
    write(content, "acteurs/cap-emploi.yaml", "id: cap-emploi\n\ttitre: Cap emploi\n")
    write(
        content,
        "territoires/56.yaml",
        'departement: "56"\nmis_a_jour: 2026-11-22\ncontacts:\n'
        "  - acteur: cap-emplois\n    nom: Cap emploi\n    source: {titre: x, document: y, vu_le: 2026-11-22}\n",
    )
    result = run_check(content)
    assert result.exit_code == 1
    assert "visite-pre-reprise.yaml:1:" in result.output
    assert "acteurs/cap-emploi.yaml:2:" in result.output and "tabulation" in result.output
    assert "territoires/56.yaml:4:" in result.output and "« cap-emplois » n'existe pas" in result.output


def test_reference_to_a_dispositif_where_an_acteur_is_needed(content):
    write(
        content,
        "dispositifs/visite-pre-reprise.yaml",
        GOOD.replace("acteurs: [service-social-assurance-maladie]", "acteurs: [crpe]"),
    )
    result = run_check(content)
    assert result.exit_code == 1
    assert "la fiche acteur « crpe » n'existe pas" in result.output


def test_type_key_is_refused_with_an_explanation(content):
    write(content, "dispositifs/visite-pre-reprise.yaml", "type: dispositif\n" + GOOD)
    result = run_check(content)
    assert result.exit_code == 1
    assert "visite-pre-reprise.yaml:1:" in result.output and "la clé « type » ne s'écrit pas" in result.output


def test_missing_content_folder_is_explained(tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["check", "--contenu", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "le dossier de contenu n'existe pas" in result.output


def test_check_is_also_a_flask_command(runner):
    result = runner.invoke(args=["check", "--contenu", str(FIXTURES / "content"), "--arbres", str(FIXTURES / "trees")])
    assert result.exit_code == 0
    assert "aucun problème" in result.output


def test_check_reads_the_folders_the_portal_serves(content, monkeypatch):
    """PORTAL_CONTENT_DIR and PORTAL_TREES_DIR choose what `portal check` checks, as they choose what is served."""
    from click.testing import CliRunner

    (content / "dispositifs" / "crpe.yaml").write_text("id: crpe\n")
    monkeypatch.setenv("PORTAL_CONTENT_DIR", str(content))
    monkeypatch.setenv("PORTAL_TREES_DIR", str(content.parent / "trees"))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "dispositifs/crpe.yaml:1:1: erreur [titre]" in result.output


def test_a_contact_says_what_remains_to_check_like_a_fiche(content, client_on):
    from flask import render_template

    write(
        content,
        "territoires/56.yaml",
        (content / "territoires" / "56.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "    note: Coordonnées à confirmer.\n",
            "    telephone: 02 97 00 00 56\n    a_verifier: le numéro du standard, qui change en 2027\n",
        ),
    )
    result = run_check(content)
    assert result.exit_code == 0, result.output
    client = client_on(content)
    app = client.application
    contacts = client.get("/api/contacts?lieu=56").get_json()["contacts"]
    assert [c["a_verifier"] for c in contacts if "a_verifier" in c] == ["le numéro du standard, qui change en 2027"]
    contact = app.extensions["portal_version"].catalog.territoires["56"].contacts[0]
    with app.test_request_context("/contacts?lieu=56"):
        shown = render_template("partials/contact.html", contact=contact, portee="local")
    assert '<p class="contact-note">À vérifier : le numéro du standard, qui change en 2027</p>' in shown


@pytest.fixture
def real_copy(tmp_path):
    """A writable copy of the real content and trees: what depends on a broken file is all there."""
    root = Path(__file__).parent.parent
    shutil.copytree(root / "content", tmp_path / "content")
    shutil.copytree(root / "trees", tmp_path / "trees")
    return tmp_path / "content"


def errors_of(result) -> list[str]:
    return [line for line in result.output.splitlines() if ": erreur" in line]


def test_a_typo_in_one_fiche_reports_that_fiche_only(real_copy):
    path = real_copy / "dispositifs" / "essai-encadre.yaml"  # named by both trees and the vocabulary
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitre: ", "\n  titre: ", 1), encoding="utf-8")
    result = run_check(real_copy)
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in errors_of(result)] == ["content/dispositifs/essai-encadre.yaml"]


def test_a_broken_tree_reports_its_own_file_only(real_copy):
    path = real_copy.parent / "trees" / "medecin-traitant.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nquestions: [\n", encoding="utf-8")
    result = run_check(real_copy)
    assert result.exit_code == 1
    assert {line.split(":")[0] for line in errors_of(result)} == {"trees/medecin-traitant.yaml"}
