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
        }
    )
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
