"""The SQL store: the app's engine and the request's session. It holds only what users write (reports,
accounts, sessions, counts); content is never copied into SQL."""

import sqlite3
import time
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from portal.config import private_file


def init_app(app: Flask) -> None:
    """Open the app's engine (DATABASE_URL), bring its tables to the last migration (or, with
    PORTAL_MIGRATE_ON_START=0, check that a release step did), and close each request's session at teardown."""
    engine = app.extensions["portal_engine"] = make_engine(app.config["DATABASE_URL"])
    prepare(engine, migrate=app.config.get("MIGRATE_ON_START", True))
    app.teardown_appcontext(close_session)


def prepare(engine: Engine, migrate: bool = True) -> None:
    """Migrate the base of `engine` to the last revision, or only check that it is there (`migrate` False: the
    workers' role may then have no right to change tables). A base that cannot be reached, or is behind, stops
    the start with a French message, not a traceback."""
    from portal.migrations import current_revision, head_revision, upgrade

    where = engine.url.render_as_string(hide_password=True)
    try:
        if migrate:
            upgrade(engine)
            return
        with engine.connect() as connection:
            current = current_revision(connection)
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise SystemExit(
            f"La base {where} est injoignable ({reason}) : vérifiez DATABASE_URL et que le serveur tourne."
        ) from None
    if current != head_revision():
        raise SystemExit(
            f"La base {where} est à la révision {current or 'aucune'}, ce code attend {head_revision()} : "
            "lancez d'abord `portal migrer` (les démarrages ne migrent pas : PORTAL_MIGRATE_ON_START=0)."
        )


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL and a busy timeout so several workers can write."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) not in ("", ":memory:"):
            path.parent.mkdir(parents=True, exist_ok=True)
            # Reports and accounts are nobody else's to read: the file (and its -wal and -shm, which SQLite
            # creates with the same mode) is private to the portal's user.
            private_file(path)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA busy_timeout=30000")
            _write_ahead_log(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if url.startswith(("postgresql://", "postgres://")):
        # The usual form of the URL; the driver the project installs is psycopg 3.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return create_engine(url, pool_pre_ping=True)


def _write_ahead_log(cursor, seconds: float = 30) -> None:
    """Put the base in WAL mode (once for good: the mode is kept in the file). Switching needs the base to
    itself, and SQLite answers « database is locked » at once, without waiting, while another connection writes
    (workers starting together on a new base, one of them migrating it): try again until it is free."""
    deadline = time.monotonic() + seconds
    while cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def get_session() -> Session:
    """The request's session, closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["portal_engine"])
    return g.db_session


def close_session(_error: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
