"""The database schema comes from Alembic migrations, on SQLite and PostgreSQL: an empty base reaches the last
revision, a base made by create_all keeps its rows and loses the derived tables, workers starting together
migrate once, and a model changed without a migration fails here."""

import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Column, MetaData, String, inspect, text
from sqlmodel import Session, SQLModel

from portal.accounts import EditorAccount, EditorInvitation, SessionGeneration, check_login, set_account
from portal.cli import main
from portal.contact_history import ContactChange
from portal.counts import ContactDemand, OrientationCount, OrientationMonth, SearchMiss
from portal.feedback import RateCount, Report, list_reports, save_report
from portal.migrations import current_revision, head_revision, upgrade
from portal.store import make_engine

USER_TABLES = {
    "report",
    "rate_count",
    "editor_account",
    "editor_session_generation",
    "orientation_count",
    "editor_invitation",
    "contact_change",
    "contact_demand",
    "orientation_month",
    "search_miss",
}
DERIVED_TABLES = {"fiche", "fiche_etape", "fiche_public", "contact", "contentmeta"}

# The derived tables as earlier versions created them (portal/store.py), with rows that reference each other.
LEGACY_DERIVED = [
    "CREATE TABLE contentmeta (key VARCHAR NOT NULL PRIMARY KEY, value VARCHAR NOT NULL)",
    "CREATE TABLE fiche (id VARCHAR NOT NULL PRIMARY KEY, type VARCHAR NOT NULL, titre VARCHAR NOT NULL)",
    "CREATE INDEX ix_fiche_type ON fiche (type)",
    "CREATE TABLE fiche_etape (fiche_id VARCHAR NOT NULL REFERENCES fiche (id), etape VARCHAR NOT NULL, "
    "PRIMARY KEY (fiche_id, etape))",
    "CREATE TABLE fiche_public (fiche_id VARCHAR NOT NULL REFERENCES fiche (id), public VARCHAR NOT NULL, "
    "PRIMARY KEY (fiche_id, public))",
    "CREATE TABLE contact (id INTEGER NOT NULL PRIMARY KEY, departement VARCHAR NOT NULL, "
    "acteur VARCHAR NOT NULL REFERENCES fiche (id), nom VARCHAR NOT NULL)",
    "INSERT INTO contentmeta VALUES ('version', 'abc123')",
    "INSERT INTO fiche VALUES ('cap-emploi', 'acteur', 'Cap emploi')",
    "INSERT INTO fiche_etape VALUES ('cap-emploi', 'maintien')",
    "INSERT INTO fiche_public VALUES ('cap-emploi', 'salarie')",
    "INSERT INTO contact VALUES (1, '56', 'cap-emploi', 'Cap emploi du Morbihan')",
]


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def revision(engine) -> str | None:
    with engine.connect() as connection:
        return current_revision(connection)


def user_metadata() -> MetaData:
    """The models of what users write, alone (without the tables a test module may declare)."""
    metadata = MetaData()
    models = (Report, RateCount, EditorAccount, SessionGeneration, OrientationCount, EditorInvitation, ContactChange)
    for model in (*models, ContactDemand, OrientationMonth, SearchMiss):
        model.__table__.to_metadata(metadata)
    return metadata


def schema_differences(engine, metadata) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_an_empty_database_reaches_the_last_revision(engine):
    assert upgrade(engine) == (None, head_revision())
    assert tables(engine) == USER_TABLES | {"alembic_version"}
    assert revision(engine) == head_revision() == "0004"
    assert upgrade(engine) == ("0004", "0004")  # the next start has nothing to do


def test_a_database_made_by_create_all_keeps_its_rows_and_loses_the_derived_tables(engine):
    # As an earlier version left it: user tables by create_all (orientation_count came later), derived tables.
    legacy = [Report, RateCount, EditorAccount, SessionGeneration]
    SQLModel.metadata.create_all(engine, tables=[model.__table__ for model in legacy])
    with engine.begin() as connection:
        for statement in LEGACY_DERIVED:
            connection.execute(text(statement))
    with Session(engine) as session:
        save_report(session, "crpe", "conditions", "La durée a changé.", "abc123")
        set_account(session, "claire", "un mot de passe assez long")

    assert upgrade(engine) == (None, "0004")

    assert tables(engine) == USER_TABLES | {"alembic_version"}
    assert not tables(engine) & DERIVED_TABLES
    assert revision(engine) == head_revision()
    with Session(engine) as session:
        assert [(r.fiche_id, r.text) for r in list_reports(session)] == [("crpe", "La durée a changé.")]
        assert check_login(session, "claire", "un mot de passe assez long")
    assert schema_differences(engine, user_metadata()) == []


def upgrade_at(url: str, start_at: float) -> tuple[str | None, str]:
    """One worker starting at `start_at` (a time.time()): migrate its database. Run in a child process."""
    engine = make_engine(url)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        return upgrade(engine)
    finally:
        engine.dispose()


@pytest.mark.slow  # four processes started together
def test_workers_starting_together_migrate_once(database_url):
    processes = 4
    start_at = time.time() + 5  # every process has imported the portal by then: they start together
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(upgrade_at, database_url, start_at) for _ in range(processes)]
        results = sorted([future.result(timeout=120) for future in futures], key=str)
    # One migrated; the others waited for it, then found the base at the last revision.
    assert results == [("0004", "0004")] * (processes - 1) + [(None, "0004")]
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0004"]
    assert tables(engine) == USER_TABLES | {"alembic_version"}
    engine.dispose()


def test_the_models_match_the_migrations(engine):
    upgrade(engine)
    # Every model the portal declares (but the legacy derived tables): a new table needs its migration too.
    assert schema_differences(engine, SQLModel.metadata) == [], "un modèle a changé : écrivez sa migration"
    # A column added to a model without a migration is seen.
    changed = user_metadata()
    changed.tables["report"].append_column(Column("telephone", String, nullable=True))
    assert [difference[0] for difference in schema_differences(engine, changed)] == ["add_column"]


def test_the_migrate_command_says_what_it_did(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "test")  # no instance secret written in the checkout
    first = CliRunner().invoke(main, ["migrer"])
    assert first.exit_code == 0 and "Base mise à jour : révision aucune -> 0004." in first.output
    again = CliRunner().invoke(main, ["migrer"])
    assert again.exit_code == 0 and "La base est déjà à jour (révision 0004)." in again.output
