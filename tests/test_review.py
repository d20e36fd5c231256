"""Review dates: `portal revue` lists what is due, oldest first, with its owner; overdue fiches say so."""

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from apps import portal_app
from click.testing import CliRunner

from portal.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content(tmp_path):
    """The fixture content with dates set relative to today, so that the test means the same next year."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    (tmp_path / "trees").mkdir()
    today = date.today()
    for path in (tmp_path / "content").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("mis_a_jour: 2026-11-22", f"mis_a_jour: {today.isoformat()}")
        text = text.replace("vu_le: 2026-11-22", f"vu_le: {today.isoformat()}")
        path.write_text(text, encoding="utf-8")
    crpe = tmp_path / "content" / "dispositifs" / "crpe.yaml"
    crpe.write_text(
        crpe.read_text(encoding="utf-8").replace(
            f"mis_a_jour: {today.isoformat()}",
            f"mis_a_jour: {(today - timedelta(days=500)).isoformat()}\nresponsable: PRITH Bretagne",
        ),
        encoding="utf-8",
    )
    pre_reprise = tmp_path / "content" / "dispositifs" / "visite-pre-reprise.yaml"
    pre_reprise.write_text(
        pre_reprise.read_text(encoding="utf-8").replace(
            "mis_a_jour: 2026-01-10", f"mis_a_jour: {(today - timedelta(days=200)).isoformat()}"
        ),
        encoding="utf-8",
    )
    return tmp_path / "content"


def revue(content: Path, *extra: str):
    return CliRunner().invoke(
        main, ["revue", "--contenu", str(content), "--arbres", str(content.parent / "trees"), *extra]
    )


def test_revue_lists_due_fiches_oldest_first_with_their_owner(content):
    result = revue(content)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "fiche « Convention de rééducation professionnelle en entreprise » (crpe)" in lines[0]
    assert "responsable : PRITH Bretagne" in lines[0] and "dispositifs/crpe.yaml" in lines[0]
    assert lines[0].endswith("— à vérifier : La durée de la formation reste à confirmer.")
    assert "(visite-pre-reprise)" in lines[1] and "sans responsable" in lines[1]
    assert lines[2] == "2 élément(s) à relire."
    assert "essai-encadre" not in result.output.split("Doutes et notes des éditeurs")[0]


def test_revue_dans_includes_contacts_coming_due(content):
    territoire = content / "territoires" / "56.yaml"
    text = territoire.read_text(encoding="utf-8")
    territoire.write_text(text.replace("    note: Coordonnées à confirmer.", "    a_verifier: le gestionnaire"))
    result = revue(content, "--dans", "200")
    assert "contact « Cap emploi du Morbihan » (cap-emploi)" in result.output
    assert "territoires/56.yaml — à vérifier : le gestionnaire" in result.output


def test_revue_says_when_nothing_is_due(tmp_path, content):
    for path in content.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for days in (500, 200):
            text = text.replace((date.today() - timedelta(days=days)).isoformat(), date.today().isoformat())
        path.write_text(text, encoding="utf-8")
    assert "Rien à relire" in revue(content).output


def test_overdue_fiche_shows_a_visible_a_verifier_notice(content, tmp_path):
    app = portal_app(tmp_path, content)
    client = app.test_client()
    overdue = client.get("/fiches/crpe").text
    assert "<strong>À vérifier :</strong> cette fiche devait être relue le" in overdue
    assert "Mis à jour le" in overdue and "(il y a 1 an)" in overdue
    current = client.get("/fiches/essai-encadre").text
    assert "cette fiche devait être relue" not in current and "(aujourd&#39;hui)" in current


def test_a_fiche_read_again_another_day_shows_that_days_notice(content, tmp_path, monkeypatch):
    # The fiche's header is rendered once per version and day: the next days it says how old the fiche is then,
    # and once its review date has passed, the notice appears without a new version.
    import datetime

    import portal.review
    import portal.web.caching
    import portal.web.filters
    import portal.web.fragments

    client = portal_app(tmp_path, content).test_client()
    assert "cette fiche devait être relue" not in client.get("/fiches/essai-encadre").text

    class Later(datetime.date):
        @classmethod
        def today(cls):
            return datetime.date.today() + datetime.timedelta(days=800)

    for module in (portal.review, portal.web.caching, portal.web.filters, portal.web.fragments):
        monkeypatch.setattr(module, "date", Later)
    later = client.get("/fiches/essai-encadre").text
    assert "cette fiche devait être relue" in later and "(il y a 2 ans)" in later
