"""Shared fixtures: an app on the small fixture content, its client and its CLI runner."""

from pathlib import Path

import pytest

from portal import create_app

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "CONTENT_DIR": str(FIXTURES / "content"),
            "TREES_DIR": str(FIXTURES / "trees"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "INDEX_DIR": str(tmp_path / "index"),
            "SECRET_KEY": "test",
        },
        instance_path=str(tmp_path / "instance"),
    )
    yield app


@pytest.fixture
def client_on(tmp_path):
    """client_on(content, trees) is a test client of the portal on that content (a temporary copy, edited by the
    test), with its own database and index in tmp_path."""

    def make(content: Path, trees: Path | None = None):
        app = create_app(
            {
                "TESTING": True,
                "CONTENT_DIR": str(content),
                "TREES_DIR": str(trees or content.parent / "trees"),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "INDEX_DIR": str(tmp_path / "index"),
                "SECRET_KEY": "test",
            },
            instance_path=str(tmp_path / "instance"),
        )
        return app.test_client()

    return make


@pytest.fixture(scope="session")
def real_client(tmp_path_factory):
    """A client of the portal on the real content of the repository (read only), shared by the whole run."""
    tmp = tmp_path_factory.mktemp("real")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "INDEX_DIR": str(tmp / "index"),
            "SECRET_KEY": "test",
        },
        instance_path=str(tmp / "instance"),
    )
    return app.test_client()


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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database of each kind the portal supports: SQLite by default, PostgreSQL via DATABASE_URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    from postgres_server import new_database

    return new_database(request.getfixturevalue("postgres_base_url"))
