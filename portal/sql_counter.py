"""Atomic counters in SQL tables: one INSERT … ON CONFLICT DO UPDATE … RETURNING, the same on SQLite and on
PostgreSQL, so that workers and instances counting at once never lose an increment nor read a stale value."""

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def increment(session: Session, table: Table, key: dict, column: str, by: int = 1) -> int:
    """Add `by` to `column` of the row of `table` whose primary key is `key` (the row starts at `by` when it does
    not exist yet) and return the new value. The caller commits."""
    insert = _INSERT[session.get_bind().dialect.name](table).values(**key, **{column: by})
    statement = insert.on_conflict_do_update(
        index_elements=list(key), set_={column: table.c[column] + insert.excluded[column]}
    ).returning(table.c[column])
    return session.exec(statement).scalar_one()
