"""Editor accounts, defined by the operator: names and hashed passwords (werkzeug), persistent; and the
generation of each name's sessions, which ends them all at once."""

import re
from datetime import datetime
from functools import cache

from sqlmodel import Field, Session, SQLModel, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.feedback import now
from portal.sql_counter import increment

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,59}$")
PASSWORD_MIN = 12


@cache
def _dummy_hash() -> str:
    # Compared against when the name is unknown, so that a wrong name costs as long as a wrong password.
    return generate_password_hash("mot de passe factice pour les noms inconnus")


class EditorAccount(SQLModel, table=True):
    """One editor who may use /editeurs."""

    __tablename__ = "editor_account"
    name: str = Field(primary_key=True)
    password_hash: str
    created_at: datetime


class SessionGeneration(SQLModel, table=True):
    """How many times the sessions of an editor name were ended (logout, new password, removed account). A
    session keeps the generation it started in, in its signed cookie, and is valid only while it is current.
    The row outlives the account: a name created again does not bring the old cookies back to life."""

    __tablename__ = "editor_session_generation"
    name: str = Field(primary_key=True)
    generation: int = 0


class AccountError(ValueError):
    """A refused account change, explained in French."""


def set_account(session: Session, name: str, password: str) -> bool:
    """Create the account `name` or change its password; True when it was created."""
    if not NAME_PATTERN.match(name):
        raise AccountError(
            "le nom doit faire de 2 à 60 caractères : lettres sans accents, chiffres, point, tiret ou souligné"
        )
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"le mot de passe doit faire au moins {PASSWORD_MIN} caractères")
    account = session.get(EditorAccount, name)
    created = account is None
    if created:
        account = EditorAccount(name=name, password_hash="", created_at=now())
    account.password_hash = generate_password_hash(password)
    session.add(account)
    if not created:
        _next_generation(session, name)  # a new password ends the sessions opened with the old one
    session.commit()
    return created


def remove_account(session: Session, name: str) -> bool:
    """Delete the account `name` and end its sessions; False when there was none."""
    account = session.get(EditorAccount, name)
    if account is None:
        return False
    session.delete(account)
    _next_generation(session, name)
    session.commit()
    return True


def _next_generation(session: Session, name: str) -> int:
    return increment(session, SessionGeneration.__table__, {"name": name}, "generation")


def end_sessions(session: Session, name: str) -> None:
    """End every session of `name`, in every browser (logout)."""
    _next_generation(session, name)
    session.commit()


def session_generation(session: Session, name: str) -> int:
    """The generation a session of `name` opened now belongs to."""
    current = session.exec(select(SessionGeneration.generation).where(SessionGeneration.name == name)).first()
    return current or 0


def session_is_current(session: Session, name: str, generation: int) -> bool:
    """True when `name` is an account and its sessions were not ended since one began in `generation`."""
    query = (
        select(func.coalesce(SessionGeneration.generation, 0))
        .select_from(EditorAccount)
        .outerjoin(SessionGeneration, SessionGeneration.name == EditorAccount.name)
        .where(EditorAccount.name == name)
    )
    current = session.exec(query).first()
    return current is not None and current == generation


def account_names(session: Session) -> list[str]:
    return list(session.exec(select(EditorAccount.name).order_by(EditorAccount.name)).all())


def check_login(session: Session, name: str, password: str) -> bool:
    """True when `name` is an account and `password` is its password."""
    account = session.get(EditorAccount, name) if NAME_PATTERN.match(name or "") else None
    if account is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(account.password_hash, password)
