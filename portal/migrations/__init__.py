"""The database schema of what users write (reports, rate counts, editor accounts and sessions, orientation
counts), brought to the current version by Alembic migrations: `upgrade(engine)` at each start and by
`portal migrer`, one process at a time."""

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, select

from portal.config import exclusive_lock

HERE = Path(__file__).resolve().parent

# One PostgreSQL advisory lock for the portal's migrations (any 64-bit number other programs are unlikely to use).
_ADVISORY_KEY = zlib.crc32(b"portail-pdp migrations")
_IN_PROCESS = threading.Lock()  # databases without a file (SQLite in memory)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's settings without alembic.ini: the scripts shipped in this package, and the connection to use."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database of `engine` to the last revision; return (revision before, revision after). A database
    created before migrations (by create_all: tables present, no alembic_version) keeps its rows: revision 0001
    creates only the tables it lacks. Processes starting together take turns: on PostgreSQL an advisory lock held
    by the migrating transaction, on SQLite a lock file beside the database; the later ones find it done."""
    head = head_revision()
    with engine.connect() as connection:
        if current_revision(connection) == head:  # the usual start: nothing to wait for
            return head, head
    with _one_at_a_time(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(_ADVISORY_KEY)))
        before = current_revision(connection)
        if before != head:
            command.upgrade(alembic_config(connection), "head")
    return before, head


@contextmanager
def _one_at_a_time(engine: Engine) -> Iterator[None]:
    """Between processes on one SQLite file: a lock file beside it (PostgreSQL locks inside the transaction)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        with _IN_PROCESS:
            yield
        return
    with exclusive_lock(Path(f"{database}.migrations.lock")):  # beside a private base: private too
        yield


def upgrade_database(url: str) -> tuple[str | None, str]:
    """`upgrade` on the database at `url`, through an engine of its own, closed after."""
    from portal.store import make_engine

    engine = make_engine(url)
    try:
        return upgrade(engine)
    finally:
        engine.dispose()
