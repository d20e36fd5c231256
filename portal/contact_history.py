"""The history of the contacts changed from the editors' area: who, when, why, the contact before and after. Rows
are only ever added (an undo is a new row that names the one it undoes), in the shared database, so every
instance lists the same history; the git commit of each change is kept beside it when there is one."""

import contextlib
import json
from datetime import date, datetime

from sqlalchemy import Index, tuple_
from sqlmodel import Field, Session, SQLModel, select

from portal.feedback import now

CHANGE_ID_MAX = 2**31 - 1


class ContactChange(SQLModel, table=True):
    """One contact added, changed, confirmed, retired or put back, in one territoire or région file."""

    __tablename__ = "contact_change"
    __table_args__ = (Index("ix_contact_change_code", "kind", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    author: str
    reason: str
    kind: str  # « territoires » or « regions »
    code: str
    before: str | None = None  # the contact as JSON; None: it was added
    after: str | None = None  # None: it was retired
    undoes: int | None = None  # the change this one undoes
    commit: str | None = None  # the git commit, when the content folder is a git checkout

    @property
    def before_data(self) -> dict | None:
        return _contact(self.before)

    @property
    def after_data(self) -> dict | None:
        return _contact(self.after)

    @property
    def what(self) -> str:
        if self.before is None:
            return "ajout"
        if self.after is None:
            return "retrait"
        return "modification"

    @property
    def contact_name(self) -> str:
        data = self.after_data or self.before_data or {}
        return str(data.get("nom", "?"))


DATE_KEYS = ("confirme_le", "source.publie_le", "source.vu_le")


def _contact(text: str | None) -> dict | None:
    """A stored contact, its dates read back as dates (as the YAML file gives them)."""
    if not text:
        return None
    contact = json.loads(text)
    for key in DATE_KEYS:
        holder, _, name = key.rpartition(".")
        values = contact.get(holder) if holder else contact
        if isinstance(values, dict) and isinstance(values.get(name), str):
            with contextlib.suppress(ValueError):
                values[name] = date.fromisoformat(values[name])
    return contact


def _json(contact: dict | None) -> str | None:
    return json.dumps(contact, ensure_ascii=False, default=str) if contact is not None else None


def record_change(
    session: Session,
    author: str,
    reason: str,
    kind: str,
    code: str,
    before: dict | None,
    after: dict | None,
    commit: str | None,
    undoes: int | None = None,
) -> ContactChange:
    row = ContactChange(
        at=now(),
        author=author,
        reason=reason,
        kind=kind,
        code=code,
        before=_json(before),
        after=_json(after),
        undoes=undoes,
        commit=commit,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def changes_of(session: Session, places: list[tuple[str, str]] | None, limit: int = 50) -> list[ContactChange]:
    """The last changes of these (kind, code) files (all when None), newest first."""
    query = select(ContactChange).order_by(ContactChange.id.desc()).limit(limit)
    if places is not None:
        query = query.where(tuple_(ContactChange.kind, ContactChange.code).in_(places))
    return list(session.exec(query))


def undone_ids(session: Session, ids: list[int]) -> set[int]:
    """Which of these changes were undone."""
    if not ids:
        return set()
    return set(session.exec(select(ContactChange.undoes).where(ContactChange.undoes.in_(ids))))


def get_change(session: Session, change_id: int) -> ContactChange | None:
    if not 0 < change_id <= CHANGE_ID_MAX:
        return None
    return session.get(ContactChange, change_id)
