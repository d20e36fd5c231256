"""Alembic's environment: run the revisions on the connection `portal.migrations.upgrade` gives, or, for a
developer's `alembic` command (docs/migrations.md), on DATABASE_URL."""

import os

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from portal import accounts, contact_history, counts, feedback  # noqa: F401 (their tables make the models compared)
from portal.store import make_engine


def render_item(kind: str, obj, _context) -> str | bool:
    """SQLModel's own column types written as the SQLAlchemy types they stand for, so that a generated revision
    needs no import of sqlmodel (and does not change when sqlmodel does)."""
    if kind == "type" and isinstance(obj, AutoString):
        return "sa.String()"
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Les migrations du portail s'appliquent à une base, pas en SQL écrit (--sql) : ôtez --sql.")
connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Donnez la base dans DATABASE_URL (par exemple sqlite:////tmp/essai.sqlite3).")
    engine = make_engine(url)
    with engine.begin() as own_connection:
        run_migrations(own_connection)
    engine.dispose()
