"""The version store under faults: a save during a build, a corrupt or missing stored file, a disk that fails once,
a broken cas type, a versions folder others can write, a lock others would hold, a start that cannot serve. Each
test injects the fault and shows the right text served or the last good version kept."""

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from apps import edit, portal_app
from click.testing import CliRunner

import portal.catalog
import portal.search
import portal.version
from bench.http_load import Server
from portal.cli import main
from portal.diagnostics import CannotStart
from portal.serving import ContentWatcher, refresh
from portal.version import CATALOG_FILE, LOCK_FILE, code_stamp, last_good

FIXTURES = Path(__file__).parent / "fixtures"
FICHE = "dispositifs/essai-encadre.yaml"


@pytest.fixture
def content(tmp_path):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    return tmp_path / "content"


def title(client) -> str:
    page = client.get("/fiches/essai-encadre").text
    return page.split("<h1>", 1)[1].split("</h1>", 1)[0]


def retitle(content: Path, new: str) -> None:
    path = content / FICHE
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("titre: "))
    path.write_text(text.replace(old, f"titre: {new}"), encoding="utf-8")


def build(content: Path, versions: Path):
    return CliRunner().invoke(
        main,
        ["build", "--contenu", str(content), "--arbres", str(content.parent / "trees")],
        env={"PORTAL_VERSIONS_DIR": str(versions)},
    )


# 1. A file saved during a build


def test_a_file_saved_during_a_build_is_served_at_the_next_look(content, tmp_path, monkeypatch):
    app = portal_app(tmp_path, content)
    watcher = ContentWatcher(app, interval=0)
    retitle(content, "Essai v2")
    loaded = portal.catalog.load_trees

    def load_then_save(*args):  # the fiches are parsed: an editor (or a git pull) saves v3 now
        retitle(content, "Essai v3")
        return loaded(*args)

    monkeypatch.setattr(portal.catalog, "load_trees", load_then_save)
    assert watcher.look()
    monkeypatch.undo()
    client = app.test_client()
    assert title(client) == "Essai v2"  # what was read, under the name of what was read
    stored = app.extensions["portal_version"]
    assert stored.id.startswith(stored.catalog.version)
    assert watcher.look()  # v3 is a new version: it is seen, never taken for the stored one
    assert title(client) == "Essai v3"


# 2. A stored version that does not open


def _truncate(folder: Path) -> None:
    data = (folder / CATALOG_FILE).read_bytes()
    (folder / CATALOG_FILE).write_bytes(data[: len(data) // 2])


def _not_json(folder: Path) -> None:
    (folder / CATALOG_FILE).write_bytes(b"\x80\x05\x95 pickle")


def _invalid(folder: Path) -> None:  # valid JSON that the models refuse
    text = (folder / CATALOG_FILE).read_text(encoding="utf-8")
    (folder / CATALOG_FILE).write_text(text.replace('"statut":"a-verifier"', '"statut":"peut-etre"'))


def _index_missing(folder: Path) -> None:
    (folder / "search" / "meta.json").unlink()


@pytest.mark.parametrize("damage", [_truncate, _not_json, _invalid, _index_missing])
def test_a_version_that_does_not_open_leaves_the_last_good_one_served(content, tmp_path, damage, capsys):
    versions = tmp_path / "versions"
    assert build(content, versions).exit_code == 0
    retitle(content, "Essai v2")
    assert build(content, versions).exit_code == 0
    damage(versions / last_good(versions))
    app = portal_app(tmp_path, content)  # a worker starting now: no crash, the older good version
    client = app.test_client()
    assert title(client) == "Essai encadré"
    assert "est inutilisable" in capsys.readouterr().err
    assert refresh(app)  # the unusable version was set aside: the next look builds it again
    assert title(client) == "Essai v2"


def test_portal_build_builds_a_damaged_version_again(content, tmp_path):
    versions = tmp_path / "versions"
    assert build(content, versions).exit_code == 0
    _truncate(versions / last_good(versions))
    result = build(content, versions)
    assert result.exit_code == 0 and "prête" in result.output, result.output
    assert title(portal_app(tmp_path, content).test_client()) == "Essai encadré"


def test_portal_build_refuses_a_folder_others_can_write_in_french(content, tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir(mode=0o777)
    versions.chmod(0o777)
    result = build(content, versions)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "peut être modifié par d'autres comptes : dossier des versions refusé en entier" in result.output
    assert not [p for p in versions.iterdir() if p.is_dir()]  # nothing built in it


def test_when_the_last_good_version_does_not_open_a_start_serves_an_older_one(content, tmp_path):
    versions = tmp_path / "versions"
    assert build(content, versions).exit_code == 0
    retitle(content, "Essai v2")
    assert build(content, versions).exit_code == 0
    _truncate(versions / last_good(versions))
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")  # and the files are broken
    assert title(portal_app(tmp_path, content).test_client()) == "Essai encadré"


def test_a_start_with_nothing_to_serve_exits_4_with_the_reason(content, tmp_path, capsys):
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    with pytest.raises(CannotStart) as stop:
        portal_app(tmp_path, content)
    assert stop.value.code == 4  # gunicorn's APP_LOAD_ERROR: the arbiter halts instead of restarting workers
    assert "Le contenu a des erreurs" in capsys.readouterr().err


@pytest.mark.slow
def test_gunicorn_halts_with_the_reason_when_its_workers_cannot_start(content):
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    server = Server(content, content.parent / "trees", workers=2)
    try:
        started = time.monotonic()
        done = subprocess.run(server.command, env=server.env, capture_output=True, text=True, timeout=120)
        log = done.stdout + done.stderr
        assert done.returncode == 4, log  # halted, not a restart loop
        assert "Le contenu a des erreurs : corrigez-les (portal check)" in log
        assert log.count("Booting worker") <= 2 and time.monotonic() - started < 60
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


# 3. The watcher tries again after a failure


def test_the_watcher_tries_again_after_a_disk_failure(content, tmp_path, monkeypatch):
    app = portal_app(tmp_path, content)
    watcher = ContentWatcher(app, interval=0)
    retitle(content, "Essai v2")
    write_index = portal.version.write_index

    def full_once(*args):
        monkeypatch.setattr(portal.version, "write_index", write_index)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(portal.version, "write_index", full_once)
    watcher.look()
    client = app.test_client()
    assert title(client) == "Essai encadré"  # kept while the disk is full
    watcher.look()  # no file changed since: tried again all the same
    assert title(client) == "Essai v2"


# 4. Cas types are always checked


def test_portal_build_refuses_a_broken_cas_type_even_when_the_rest_is_stored(content, tmp_path):
    versions = tmp_path / "versions"
    assert build(content, versions).exit_code == 0
    cases = content.parent / "trees" / "medecin-du-travail.cas.yaml"
    text = cases.read_text(encoding="utf-8")
    cases.write_text(
        text.replace("doit_proposer: [service-social-assurance-maladie]", "doit_proposer: [crpe]"), encoding="utf-8"
    )
    result = build(content, versions)
    assert result.exit_code == 1, result.output
    assert "medecin-du-travail.cas.yaml:" in result.output and "ne propose pas « crpe »" in result.output


def test_the_preview_shows_a_broken_cas_type(content, tmp_path):
    client = portal_app(tmp_path, content, DEV=True).test_client()
    assert client.get("/fiches/crpe").status_code == 200
    cases = content.parent / "trees" / "medecin-du-travail.cas.yaml"
    text = cases.read_text(encoding="utf-8")
    cases.write_text(
        text.replace("doit_proposer: [service-social-assurance-maladie]", "doit_proposer: [crpe]"), encoding="utf-8"
    )
    page = client.get("/fiches/crpe")
    assert page.status_code == 503 and "ne propose pas « crpe »" in page.text


# 6. Locks nobody else can hold


def test_the_build_lock_is_closed_to_other_accounts(content, tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / LOCK_FILE).write_text("")
    (versions / LOCK_FILE).chmod(0o644)  # left by an older release: anybody could open it and hold every start
    assert build(content, versions).exit_code == 0
    lock = (versions / LOCK_FILE).stat()
    assert stat.S_IMODE(lock.st_mode) == 0o600 and lock.st_uid == os.getuid()


# 7. A versions folder others can write, or own


def _no_index_opened(monkeypatch):
    import whoosh.index

    def refuse(*args, **kwargs):
        raise AssertionError("the Whoosh table of contents (a pickle) was opened")

    monkeypatch.setattr(whoosh.index, "open_dir", refuse)
    monkeypatch.setattr(portal.search.index, "open_dir", refuse)


@pytest.mark.parametrize("where", ["versions", "version", "search", "catalog"])
def test_a_versions_folder_others_can_write_is_refused_whole(content, tmp_path, monkeypatch, where):
    versions = tmp_path / "versions"
    assert build(content, versions).exit_code == 0
    folder = versions / last_good(versions)
    target = {"versions": versions, "version": folder, "search": folder / "search", "catalog": folder / CATALOG_FILE}
    target[where].chmod(0o777 if target[where].is_dir() else 0o666)
    _no_index_opened(monkeypatch)
    with pytest.raises(CannotStart, match="peut être modifié par d'autres comptes : dossier des versions refusé"):
        portal_app(tmp_path, content)


@pytest.mark.skipif(os.getuid() != 0, reason="only root can give a folder to another account")
def test_a_versions_folder_of_another_account_is_refused_whole(content, tmp_path, monkeypatch):
    versions = tmp_path / "versions"
    assert build(content, versions).exit_code == 0
    os.chown(versions / last_good(versions) / "search", 12345, 12345)
    _no_index_opened(monkeypatch)
    monkeypatch.setattr(os, "getuid", lambda: 1000)  # the portal's account is not root: root's files are trusted
    with pytest.raises(CannotStart, match="appartient à un autre compte : dossier des versions refusé"):
        portal_app(tmp_path, content)


# The version's name does not depend on Python's patch release (nodes built on 3.11.7 and 3.11.9 agree)


def test_the_code_stamp_ignores_the_python_patch_release(monkeypatch):
    stamp = code_stamp.__wrapped__()
    monkeypatch.setattr(sys, "version", "3.11.99 (main, Jan 1 2030) [GCC 99]")
    monkeypatch.setattr(
        sys, "version_info", SimpleNamespace(major=sys.version_info.major, minor=sys.version_info.minor)
    )
    assert code_stamp.__wrapped__() == stamp
    monkeypatch.setattr(sys, "version_info", SimpleNamespace(major=sys.version_info.major, minor=99))
    assert code_stamp.__wrapped__() != stamp


def test_a_versions_folder_made_under_a_loose_umask_is_the_portals_alone(content, tmp_path):
    old = os.umask(0o002)  # a distribution's default for users with their own group
    try:
        assert build(content, tmp_path / "versions").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "versions").stat().st_mode) == 0o755
    assert title(portal_app(tmp_path, content).test_client()) == "Essai encadré"


def test_a_fault_of_the_loader_itself_leaves_the_last_good_version_served(content, tmp_path, monkeypatch, capsys):
    portal_app(tmp_path, content)
    retitle(content, "Essai v2")

    def overflow(*args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(portal.catalog, "load_trees", overflow)
    assert title(portal_app(tmp_path, content).test_client()) == "Essai encadré"
    assert "erreur inattendue" in capsys.readouterr().err
