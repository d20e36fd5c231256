"""Live preview (`portal serve --dev`): content reloads on change; broken content gives a French problems page."""

import os
import re
import shutil
from pathlib import Path

import pytest
from apps import edit, portal_app
from click.testing import CliRunner

from portal.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content(tmp_path):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    (tmp_path / "trees").mkdir()
    return tmp_path / "content"


def test_dev_mode_shows_problems_then_comes_back_by_itself(content, tmp_path):
    fiche = content / "dispositifs" / "crpe.yaml"
    edit(fiche, "statut: a-verifier", "statut: a-verfier")
    client = portal_app(tmp_path, content, DEV=True).test_client()  # broken at start: no exit, a page
    page = client.get("/fiches/essai-encadre")
    assert page.status_code == 503
    assert '<html lang="fr"' in page.text and "Le contenu a 1 erreur" in page.text
    assert "dispositifs/crpe.yaml:" in page.text and "la valeur « a-verfier » n&#39;est pas permise" in page.text
    assert "Conseil : vouliez-vous dire « a-verifier » ?" in page.text
    with client.get("/static/css/portal.css") as stylesheet:
        assert stylesheet.status_code == 200  # the page keeps its style

    edit(fiche, "statut: a-verfier", "statut: a-verifier")
    assert client.get("/fiches/essai-encadre").status_code == 200

    edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (relu)")
    assert "<h1>Essai encadré (relu)" in client.get("/fiches/essai-encadre").text  # the change is shown at once

    edit(fiche, "id: crpe", "id: crpe\n  bad: indent")
    broken = client.get("/")
    assert broken.status_code == 503 and "dispositifs/crpe.yaml:2:" in broken.text


def test_dev_state_changes_when_a_file_is_saved(content, tmp_path):
    client = portal_app(tmp_path, content, DEV=True).test_client()
    assert 'data-dev-etat="/dev/etat"' in client.get("/").text  # the page polls it (static/js/portal.js)
    before = client.get("/dev/etat").get_json()
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    after = client.get("/dev/etat").get_json()
    assert after["empreinte"] != before["empreinte"] and after["problemes"] == 1
    assert after["version"] == before["version"]  # nothing new is served while broken


def test_production_reload_keeps_the_last_good_version(content, tmp_path):
    app = portal_app(tmp_path, content, RELOAD_SECONDS=3600)
    watcher = app.extensions["portal_watcher"]  # its thread looks every hour; here the test looks itself
    client = app.test_client()
    assert "/dev/etat" not in client.get("/").text
    edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (v2)")
    assert watcher.look() is True
    assert "<h1>Essai encadré (v2)" in client.get("/fiches/essai-encadre").text
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    edit(content / "dispositifs" / "essai-encadre.yaml", "(v2)", "(v3)")
    assert watcher.look() is True
    response = client.get("/fiches/essai-encadre")
    assert response.status_code == 200 and "<h1>Essai encadré (v2)" in response.text  # last good version
    assert client.get("/dev/etat").status_code == 404  # no preview endpoint in production


def test_without_dev_mode_broken_content_stops_the_start_in_french(content, tmp_path):
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    with pytest.raises(SystemExit, match="Le contenu a des erreurs"):
        portal_app(tmp_path, content)


def test_serve_command_documents_dev_mode():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--dev" in result.output and "recharge le contenu" in result.output


def test_check_runs_even_when_the_default_content_is_broken(content, monkeypatch):
    # `portal check` must not need a working app: it is what an editor runs when the content is broken.
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    monkeypatch.setenv("PORTAL_CONTENT_DIR", str(content))
    result = CliRunner().invoke(main, ["check", "--contenu", str(content), "--arbres", str(content.parent / "trees")])
    assert result.exit_code == 1
    assert "crpe.yaml:" in result.output and "vouliez-vous dire « a-verifier » ?" in result.output


def page_fingerprint(html: str) -> str:
    return re.search(r'data-dev-empreinte="([0-9a-f]+)"', html).group(1)


def test_each_preview_page_carries_the_content_it_was_made_from(content, tmp_path):
    # The page compares /dev/etat with its own fingerprint, not with the first answer it got: a save made
    # between the page and the first poll (the first second and a half, before) now reloads it.
    client = portal_app(tmp_path, content, DEV=True).test_client()
    shown = page_fingerprint(client.get("/fiches/essai-encadre").text)
    assert client.get("/dev/etat").get_json()["empreinte"] == shown
    edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (relu)")
    assert client.get("/dev/etat").get_json()["empreinte"] != shown
    page = client.get("/fiches/essai-encadre").text
    assert "<h1>Essai encadré (relu)" in page and page_fingerprint(page) != shown


def test_a_save_that_keeps_the_size_and_the_time_is_seen(content, tmp_path):
    # A file system that stamps times by the second (or a save within the same clock tick) keeps mtime and
    # size when one letter changes: only the bytes tell.
    app = portal_app(tmp_path, content, DEV=True)
    fiche = content / "dispositifs" / "essai-encadre.yaml"
    before = fiche.stat()
    edit(fiche, "titre: Essai encadré", "titre: Essai Encadré")
    os.utime(fiche, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert fiche.stat().st_size == before.st_size
    assert app.extensions["portal_watcher"].poll() is True
    assert "<h1>Essai Encadré" in app.test_client().get("/fiches/essai-encadre").text


def test_a_file_saved_while_the_portal_starts_is_seen_at_the_first_request(content, tmp_path, monkeypatch):
    import portal.version

    real_load = portal.version.load_catalog

    def load_then_save(*args):
        catalog = real_load(*args)  # the editor saves while the portal builds its index, after the read
        edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (v2)")
        return catalog

    monkeypatch.setattr(portal.version, "load_catalog", load_then_save)
    client = portal_app(tmp_path, content, DEV=True).test_client()
    assert "<h1>Essai encadré (v2)" in client.get("/fiches/essai-encadre").text


def test_production_reload_looks_at_most_every_interval(content, tmp_path):
    from portal.serving import ContentWatcher

    now = [100.0]
    app = portal_app(tmp_path, content)
    watcher = ContentWatcher(app, interval=10, clock=lambda: now[0])
    edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (v2)")
    now[0] = 109.9
    assert watcher.poll() is False  # not yet: at most one look every 10 s
    now[0] = 110.0
    assert watcher.poll() is True
    assert watcher.poll() is False  # seen once


def test_flask_check_runs_on_broken_content_too(content, tmp_path):
    # The app cannot be built on this content; `flask --app portal check` must still say what is wrong.
    import subprocess
    import sys

    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    env = {**os.environ, "PORTAL_CONTENT_DIR": str(content), "PORTAL_TREES_DIR": str(content.parent / "trees")}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "dispositifs/crpe.yaml:" in done.stdout and "vouliez-vous dire « a-verifier » ?" in done.stdout
