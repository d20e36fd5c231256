"""One build for every node: `portal build --archive` packs the built version with its checksum, `portal publish`
installs it whole or not at all, nodes with PORTAL_SERVE_PUBLISHED=1 serve it, and `/sante` says which version a
node serves and whether its database answers."""

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from apps import portal_app
from click.testing import CliRunner

from portal.cli import main
from portal.release import checksum_path, sha256

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def content(tmp_path, monkeypatch):
    """A copy of the fixture content, named for `portal build`."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    monkeypatch.setenv("PORTAL_SETTINGS_FILE", "")
    monkeypatch.setenv("PORTAL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("PORTAL_TREES_DIR", str(tmp_path / "trees"))
    return tmp_path


def build_archive(folder: Path, name: str = "version.tar.gz") -> tuple[Path, str]:
    archive = folder / name
    build = {"PORTAL_VERSIONS_DIR": str(folder / "versions")}  # the build machine's, not a node's
    result = CliRunner().invoke(main, ["build", "--archive", str(archive)], env=build)
    assert result.exit_code == 0, result.output
    return archive, result.output.split("Version ", 1)[1].split(" ", 1)[0]


def publish(archive: Path, versions: Path, monkeypatch):
    monkeypatch.setenv("PORTAL_VERSIONS_DIR", str(versions))
    return CliRunner().invoke(main, ["publish", str(archive)])


def node(folder: Path, versions: Path, **settings):
    return portal_app(folder / "instance", VERSIONS_DIR=str(versions), SERVE_PUBLISHED=True, **settings)


def test_an_archive_published_on_two_nodes_is_served_by_both(content, monkeypatch):
    archive, version = build_archive(content / "build")
    assert checksum_path(archive).read_text() == f"{sha256(archive)}  {archive.name}\n"
    answers = []
    for name in ("noeud-1", "noeud-2"):
        result = publish(archive, content / name / "versions", monkeypatch)
        assert result.exit_code == 0, result.output + result.stderr
        assert f"Version {version} publiée" in result.output
        response = node(content / name, content / name / "versions").test_client().get("/sante")
        answers.append((response.status_code, response.json, response.headers["Cache-Control"]))
    assert answers[0] == answers[1] == (200, {"etat": "ok", "version": version, "base": True}, "no-store")


def test_a_published_node_does_not_read_its_own_content(content, monkeypatch):
    archive, version = build_archive(content / "build")
    publish(archive, content / "versions", monkeypatch)
    fiche = sorted((content / "content" / "dispositifs").glob("*.yaml"))[0]
    fiche.write_text("titre: [cassé\n", encoding="utf-8")  # this node's files are broken: no matter
    assert node(content, content / "versions").test_client().get("/sante").json["version"] == version


def test_a_node_without_a_published_version_stops_with_the_reason(content):
    with pytest.raises(SystemExit, match=r"Aucune version publiée .* \(portal publish ARCHIVE\)"):
        node(content, content / "vide")


def test_a_changed_archive_is_refused_and_nothing_changes(content, monkeypatch):
    archive, _ = build_archive(content / "build")
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    result = publish(archive, content / "versions", monkeypatch)
    assert result.exit_code == 1 and "ne correspond pas à sa somme de contrôle" in result.stderr
    assert not (content / "versions").exists()


def test_an_archive_without_its_checksum_is_refused(content, monkeypatch):
    archive, _ = build_archive(content / "build")
    checksum_path(archive).unlink()
    result = publish(archive, content / "versions", monkeypatch)
    assert result.exit_code == 1 and "Pas de somme de contrôle" in result.stderr


def _hostile_archive(folder: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    archive = folder / "hostile.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    checksum_path(archive).write_text(f"{sha256(archive)}  {archive.name}\n")
    return archive


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt"])
def test_an_archive_reaching_outside_its_folder_is_refused(content, monkeypatch, name):
    archive = _hostile_archive(content, [(tarfile.TarInfo(name), b"x")])
    result = publish(archive, content / "versions", monkeypatch)
    assert result.exit_code == 1 and "n'est pas un fichier d'une version" in result.stderr
    assert not (content / "evil.txt").exists()


def test_an_archive_with_a_link_is_refused(content, monkeypatch):
    link = tarfile.TarInfo("v-1/catalog")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    result = publish(_hostile_archive(content, [(link, b"")]), content / "versions", monkeypatch)
    assert result.exit_code == 1 and "n'est pas un fichier d'une version" in result.stderr


def test_a_version_built_by_other_code_is_refused(content, monkeypatch):
    archive = _hostile_archive(content, [(tarfile.TarInfo("0123456789abcdef-00000000/catalog"), b"{}")])
    result = publish(archive, content / "versions", monkeypatch)
    assert result.exit_code == 1 and "construite par un autre code" in result.stderr


def test_health_says_503_when_the_database_does_not_answer(app, tmp_path):
    from sqlalchemy import create_engine

    app.extensions["portal_engine"] = create_engine(f"sqlite:///{tmp_path / 'absent' / 'x.db'}")  # no such folder
    response = app.test_client().get("/sante")
    assert response.status_code == 503
    assert json.loads(response.data) == {
        "etat": "en panne",
        "version": app.extensions["portal_version"].id,
        "base": False,
    }


def test_a_node_serves_a_newly_published_version_at_its_next_look(content, monkeypatch):
    first, version = build_archive(content / "build")
    publish(first, content / "versions", monkeypatch)
    app = node(content, content / "versions", RELOAD_SECONDS=3600)
    fiche = sorted((content / "content" / "dispositifs").glob("*.yaml"))[0]
    fiche.write_text(fiche.read_text(encoding="utf-8") + "\n# relu\n", encoding="utf-8")
    second, newer = build_archive(content / "build", "suivante.tar.gz")
    assert newer != version
    assert not app.extensions["portal_watcher"].look()  # built elsewhere, not yet published here
    publish(second, content / "versions", monkeypatch)
    assert app.extensions["portal_watcher"].look()
    assert app.test_client().get("/sante").json["version"] == newer


def test_without_migration_at_start_a_base_behind_stops_until_portal_migrer(content, monkeypatch):
    base = f"sqlite:///{content / 'base.sqlite3'}"
    with pytest.raises(SystemExit, match="ce code attend .* lancez d'abord `portal migrer`"):
        portal_app(content / "instance", DATABASE_URL=base, MIGRATE_ON_START=False)
    monkeypatch.setenv("DATABASE_URL", base)
    migrated = CliRunner().invoke(main, ["migrer"])
    assert migrated.exit_code == 0 and "Base mise à jour" in migrated.output
    app = portal_app(content / "instance", DATABASE_URL=base, MIGRATE_ON_START=False)
    assert app.test_client().get("/sante").json["base"] is True
