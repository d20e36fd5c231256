"""Shared fixtures: an app on the small fixture content, its client and its CLI runner; and the guard that
keeps the tests out of the checkout's instance/, content/ and trees/."""

import contextlib
import functools
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import flask
import jinja2
import jinja2.bccache
import pytest
from apps import portal_app

import portal.accounts
import portal.places
from portal.catalog import load_catalog
from portal.config import ROOT
from portal.search import SearchIndex

FIXTURES = Path(__file__).parent / "fixtures"
CHECKOUT_FOLDERS = ("instance", "content", "trees")
# Fixtures that start a browser, a server or PostgreSQL: a test that uses one is `slow`, which `pytest -m "not slow"`
# (`make test-rapide`) leaves out while working; `make test` and CI run everything. Other slow tests (gunicorn,
# benchmarks, processes racing, thousands of generated requests, a walk of every real result) carry
# `@pytest.mark.slow` themselves.
SLOW_FIXTURES = {"browser", "live_server", "real_live_server", "serve_app", "postgres_base_url"}


def pytest_configure(config):
    # What an app or a `portal` command writes by default (database, built versions, secret key) goes to a
    # temporary folder, for the whole run and for the commands the tests start; each test then gets its own.
    os.environ["PORTAL_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="portal-tests-instance-")
    # A machine's /etc/portail-pdp.env (a production node's settings) is never read by the tests.
    os.environ["PORTAL_SETTINGS_FILE"] = ""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def quick_hashes_and_lookups():
    """What many tests repeat and none of them is about: the communes lookup is built from the same dataset once
    per run, not at each `portal build` into a new versions folder (about a second each), and passwords are
    hashed with a cheap scrypt (production keeps werkzeug's default, about 0.1 s a hash or a check); templates are
    compiled once."""
    build_lookup = functools.cache(lambda folder, _dataset: original_lookup(folder))
    original_lookup = portal.places.build_lookup
    quick_hash = functools.partial(portal.accounts.generate_password_hash, method="scrypt:1024:8:1")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(portal.places, "build_lookup", lambda folder: build_lookup(folder, _dataset(folder)))
        patch.setattr(portal.accounts, "generate_password_hash", quick_hash)
        # Each app a test builds has its own Jinja environment: without a shared cache, every test compiles again
        # the templates it renders (a changed template has another checksum and is compiled afresh).
        patch.setattr(flask.Flask, "jinja_options", {"bytecode_cache": _CompiledTemplates()})
        yield


class _CompiledTemplates(jinja2.BytecodeCache):
    """The templates compiled once per run, for every app."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def _dataset(folder: Path) -> tuple:
    """What the lookup is built from: a test that edits a copy of the dataset gets its own lookup."""
    return tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in sorted(Path(folder).iterdir()))


@pytest.fixture(autouse=True)
def own_instance_folder(tmp_path, monkeypatch):
    """Each test writes in its own instance folder: a version built by one test is never served to another."""
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path / "instance"))


def _checkout_state() -> dict[str, tuple[int, int]]:
    state = {}
    for name in CHECKOUT_FOLDERS:
        for path in (ROOT / name).rglob("*"):
            if path.is_file():
                stat = path.stat()
                state[str(path.relative_to(ROOT))] = (stat.st_size, stat.st_mtime_ns)
    # A file appearing at the top of the checkout (a command given `--help` as its output file wrote one there).
    for path in ROOT.iterdir():
        if path.is_file() and not path.name.startswith("."):  # an editor's swap file is not a test's
            state.setdefault(path.name, (0, 0))
    return state


@pytest.fixture(scope="session", autouse=True)
def checkout_untouched():
    """Fails the run if a test created, changed or removed a file of the checkout's instance/, content/ or trees/
    (a test that wrote there could prune a running portal's versions or change the real content), or created one
    at its top."""
    before = _checkout_state()
    yield
    after = _checkout_state()
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"des tests ont écrit dans le dépôt : {changed[:10]}"


@pytest.fixture(scope="session")
def started_once(tmp_path_factory) -> Path:
    """The portal started once on the fixture content: its migrated empty database and its built version."""
    folder = tmp_path_factory.mktemp("started-once")
    started = portal_app(folder / "instance", DATABASE_URL=f"sqlite:///{folder / 'test.sqlite3'}")
    started.extensions["portal_engine"].dispose()
    with contextlib.closing(sqlite3.connect(folder / "test.sqlite3")) as database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole base in its file, to be copied alone
    return folder


@pytest.fixture
def app(tmp_path, started_once):
    """The portal on the fixture content, with its own database and instance. They start as copies of what a
    first start made (a migrated empty base, the built version): the same state, without migrating and building
    again for every test."""
    shutil.copyfile(started_once / "test.sqlite3", tmp_path / "test.sqlite3")
    shutil.copytree(started_once / "instance" / "versions", tmp_path / "instance" / "versions")
    yield portal_app(tmp_path / "instance", DATABASE_URL=f"sqlite:///{tmp_path / 'test.sqlite3'}")


@pytest.fixture
def client_on(tmp_path):
    """client_on(content, trees) is a test client of the portal on that content (a temporary copy, edited by the
    test), with its own database and index in tmp_path."""

    def make(content: Path, trees: Path | None = None):
        return portal_app(tmp_path / "instance", content, trees).test_client()

    return make


@pytest.fixture(scope="session")
def real_app(tmp_path_factory):
    """The portal on the real content of the repository (read only: GET only), built once for the whole run."""
    return portal_app(tmp_path_factory.mktemp("real"), ROOT / "content")


@pytest.fixture(scope="session")
def real_client(real_app):
    """A client of the portal on the real content of the repository (read only), shared by the whole run."""
    return real_app.test_client()


@pytest.fixture(scope="session")
def real_catalog():
    """The real content and trees, loaded once (a catalog is never changed once loaded)."""
    return load_catalog(ROOT / "content", ROOT / "trees")


@pytest.fixture(scope="session")
def real_search_index(real_catalog, tmp_path_factory):
    """The search index of the real content, built once (read only)."""
    return SearchIndex.build(tmp_path_factory.mktemp("real-index"), real_catalog)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def postgres_base_url():
    """A throw-away PostgreSQL server on loopback for the whole run (see tests/postgres_server.py)."""
    import os

    from postgres_server import postgres_bin_dir, postgres_server

    if postgres_bin_dir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL est requis en CI (initdb introuvable) : scripts/system-deps.sh l'installe")
        pytest.skip("PostgreSQL n'est pas installé ici (initdb introuvable) : les tests PostgreSQL sont sautés")
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def database_url(request, tmp_path):
    """An empty database of each kind the portal supports: SQLite by default, PostgreSQL via DATABASE_URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    from postgres_server import new_database

    return new_database(request.getfixturevalue("postgres_base_url"))
