"""Content versions: built once by `portal build`, opened without YAML, pinned to each request, swapped whole."""

import shutil
import threading
from pathlib import Path

import pytest
from apps import edit, portal_app
from click.testing import CliRunner
from sqlalchemy import inspect

import portal.version
from portal.cli import main
from portal.serving import current_catalog, current_version, refresh
from portal.version import KEPT, code_stamp, last_good

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content(tmp_path):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    return tmp_path / "content"


def build(content: Path, versions: Path):
    return CliRunner().invoke(
        main,
        ["build", "--contenu", str(content), "--arbres", str(content.parent / "trees")],
        env={"PORTAL_VERSIONS_DIR": str(versions)},
    )


def test_portal_build_stores_one_version_and_names_it_the_last_good_one(content, tmp_path):
    versions = tmp_path / "versions"
    result = build(content, versions)
    assert result.exit_code == 0, result.output
    [folder] = [p for p in versions.iterdir() if p.is_dir()]
    assert f"Version {folder.name} prête" in result.output and "fiches" in result.output
    assert folder.name.endswith(code_stamp())  # a version stored by other code is never opened by this one
    assert last_good(versions) == folder.name
    assert (folder / "catalog.json").exists() and (folder / "search" / "meta.json").exists()
    assert list(versions.glob("places-*.json"))  # the communes lookup, beside the versions
    stamp = (folder / "catalog.json").stat().st_mtime_ns
    assert build(content, versions).exit_code == 0  # the same files: nothing built again
    assert (folder / "catalog.json").stat().st_mtime_ns == stamp


def test_portal_build_on_broken_content_says_what_and_changes_nothing(content, tmp_path):
    versions = tmp_path / "versions"
    assert build(content, versions).exit_code == 0
    served = last_good(versions)
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    result = build(content, versions)
    assert result.exit_code == 1
    assert "dispositifs/crpe.yaml:" in result.output and "rien n'a changé" in result.output
    assert last_good(versions) == served and len([p for p in versions.iterdir() if p.is_dir()]) == 1


def test_a_worker_opens_the_built_version_without_reading_yaml(content, tmp_path, monkeypatch):
    assert build(content, tmp_path / "versions").exit_code == 0

    def no_yaml(*args):
        raise AssertionError("the YAML files were read again")

    monkeypatch.setattr(portal.version, "load_catalog", no_yaml)
    client = portal_app(tmp_path, content).test_client()
    assert "<h1>Essai encadré" in client.get("/fiches/essai-encadre").text


def test_the_stored_catalog_is_the_checked_one(content, tmp_path):
    from portal.catalog import load_catalog

    app = portal_app(tmp_path, content)
    stored = app.extensions["portal_version"].catalog
    loaded = load_catalog(content, content.parent / "trees")
    assert stored.fiches == loaded.fiches and list(stored.fiches) == list(loaded.fiches)
    assert stored.trees == loaded.trees and stored.territoires == loaded.territoires
    assert stored.version == loaded.version and stored.warnings == loaded.warnings


def test_a_request_keeps_the_version_it_started_with(content, tmp_path):
    app = portal_app(tmp_path, content)
    with app.test_request_context("/fiches/essai-encadre"):
        app.preprocess_request()  # pins the served version
        first = current_version()
        edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (v2)")
        assert refresh(app)  # a newer version is served from now on…
        assert current_version() is first  # …but not to the request already running
        assert current_catalog().fiches["essai-encadre"].titre == "Essai encadré"
    assert "<h1>Essai encadré (v2)" in app.test_client().get("/fiches/essai-encadre").text


def test_two_workers_on_two_versions_each_answer_from_their_own(content, tmp_path):
    # The bug this replaces: SQL tables held one version for all workers, so a worker serving version 1
    # answered /api/fiches?etape=… from version 2.
    old = portal_app(tmp_path, content).test_client()
    edit(content / "dispositifs" / "essai-encadre.yaml", "etapes: [pendant-arret]", "etapes: [pendant-arret, reprise]")
    new = portal_app(tmp_path, content).test_client()
    for client, expected in ((old, False), (new, True)):
        listed = client.get("/api/fiches?etape=reprise").get_json()
        version = listed["version"]
        assert ("essai-encadre" in {f["id"] for f in listed["fiches"]}) is expected
        assert ("reprise" in client.get("/api/fiches/essai-encadre").get_json()["etapes"]) is expected
        assert ("/fiches/essai-encadre" in client.get("/fiches?etape=reprise").text) is expected
        assert client.get("/api/fiches").get_json()["version"] == version
    assert old.get("/api/fiches").get_json()["version"] != new.get("/api/fiches").get_json()["version"]


def test_workers_starting_together_build_the_version_once(content, tmp_path, monkeypatch):
    from portal.catalog import load_catalog

    loads = []

    def counted(*args):
        loads.append(1)
        return load_catalog(*args)

    monkeypatch.setattr(portal.version, "load_catalog", counted)
    apps, errors = [], []

    def start():
        try:
            apps.append(portal_app(tmp_path, content))
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(apps) == 3 and len(loads) == 1
    assert len({app.extensions["portal_version"].id for app in apps}) == 1


def test_broken_files_at_start_serve_the_last_good_version(content, tmp_path, capsys):
    portal_app(tmp_path, content)
    edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (v2)")
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    client = portal_app(tmp_path, content).test_client()  # a worker restarted on broken files
    assert "<h1>Essai encadré</h1>" in client.get("/fiches/essai-encadre").text
    assert "crpe.yaml" in capsys.readouterr().err


def test_old_versions_are_removed_but_the_last_few_kept(content, tmp_path):
    versions = tmp_path / "versions"
    fiche = content / "dispositifs" / "essai-encadre.yaml"
    for n in range(KEPT + 3):
        edit(fiche, "titre: Essai encadré", f"titre: Essai encadré {n}")
        assert build(content, versions).exit_code == 0
        edit(fiche, f"titre: Essai encadré {n}", "titre: Essai encadré")
    folders = [p for p in versions.iterdir() if p.is_dir()]
    assert len(folders) == KEPT + 1 and last_good(versions) in {p.name for p in folders}


def test_the_database_holds_only_what_users_write(content, tmp_path):
    app = portal_app(tmp_path, content)
    tables = set(inspect(app.extensions["portal_engine"]).get_table_names())
    assert not tables & {"fiche", "fiche_etape", "fiche_public", "contact", "content_meta"}


def test_production_reload_runs_in_a_thread_of_each_worker(content, tmp_path):
    app = portal_app(tmp_path, content, RELOAD_SECONDS=30)
    app.test_client().get("/")
    watchers = [t for t in threading.enumerate() if t.name == "portal-content-watcher"]
    assert watchers and all(t.daemon for t in watchers)


def test_an_unreachable_database_stops_the_start_in_french(content, tmp_path):
    # Nothing listens on port 9 of the loopback: the start ends on one French sentence, password hidden.
    with pytest.raises(
        SystemExit, match="La base postgresql\\+psycopg://portail:\\*\\*\\*@127.0.0.1:9/portail est injoignable"
    ):
        portal_app(tmp_path, content, DATABASE_URL="postgresql://portail:secret@127.0.0.1:9/portail")


def test_a_version_stored_by_other_code_is_never_the_fallback(content, tmp_path, monkeypatch):
    versions = tmp_path / "versions"
    portal_app(tmp_path, content)
    monkeypatch.setattr(portal.version, "code_stamp", lambda: "0ldc0de0")  # the previous release of the code
    edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai (ancien code)")
    portal_app(tmp_path, content)
    monkeypatch.undo()
    edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
    served = portal_app(tmp_path, content).extensions["portal_version"]
    assert served.id.endswith(code_stamp()) and served.id == last_good(versions)


def test_a_disk_that_fails_leaves_the_last_good_version_served(content, tmp_path, monkeypatch, capsys):
    portal_app(tmp_path, content)
    edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (v2)")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(portal.version, "write_index", disk_full)
    client = portal_app(tmp_path, content).test_client()
    assert "<h1>Essai encadré</h1>" in client.get("/fiches/essai-encadre").text
    assert "n'a pas pu être construite ou ouverte" in capsys.readouterr().err
    assert not list((tmp_path / "versions").glob(".building-*"))


def test_a_version_built_by_an_operator_is_readable_by_the_workers(content, tmp_path):
    import os
    import stat

    old = os.umask(0o077)  # an operator's strict umask: the workers run under another account
    try:
        assert build(content, tmp_path / "versions").exit_code == 0
    finally:
        os.umask(old)
    versions = tmp_path / "versions"
    folder = versions / last_good(versions)
    for path in (folder, folder / "catalog.json", folder / "search", *versions.glob("places-*.json")):
        assert stat.S_IMODE(path.stat().st_mode) in (0o755, 0o644), path


def test_a_catalog_others_could_write_is_refused(content, tmp_path):
    versions = tmp_path / "versions"
    assert build(content, versions).exit_code == 0
    (versions / last_good(versions) / "catalog.json").chmod(0o666)
    with pytest.raises(SystemExit, match="peut être modifié par d'autres comptes : dossier des versions refusé"):
        portal_app(tmp_path, content)


def test_a_version_served_again_is_kept_however_old(content, tmp_path):
    versions = tmp_path / "versions"
    fiche = content / "dispositifs" / "essai-encadre.yaml"
    assert build(content, versions).exit_code == 0
    first = last_good(versions)
    for n in range(KEPT):
        edit(fiche, "titre: Essai encadré", f"titre: Essai encadré {n}")
        assert build(content, versions).exit_code == 0
        edit(fiche, f"titre: Essai encadré {n}", "titre: Essai encadré")
    assert build(content, versions).exit_code == 0 and last_good(versions) == first  # back to the first files
    edit(fiche, "titre: Essai encadré", "titre: Essai encadré nouveau")
    assert build(content, versions).exit_code == 0
    assert (versions / first).is_dir()  # served just before: not the first to go


def test_an_edited_fiche_shows_at_once_in_results_whose_lines_were_rendered_for_the_old_version(content, tmp_path):
    # The lines of a result are rendered once per version (portal/web/fragments.py): a new version renders anew.
    app = portal_app(tmp_path, content)
    client = app.test_client()
    result = "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=autre-poste&lieu=56"
    assert ">Essai encadré</a>" in client.get(result).text
    edit(content / "dispositifs" / "essai-encadre.yaml", "titre: Essai encadré", "titre: Essai encadré (v2)")
    assert refresh(app)  # served
    assert ">Essai encadré (v2)</a>" in client.get(result).text
