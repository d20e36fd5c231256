"""Editor accounts, defined by the operator: names and hashed passwords (werkzeug), persistent."""

import re
from datetime import datetime
from functools import cache

from sqlmodel import Field, Session, SQLModel, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.feedback import now

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


TABLES = (EditorAccount,)


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
    session.commit()
    return created


def remove_account(session: Session, name: str) -> bool:
    """Delete the account `name`; False when there was none."""
    account = session.get(EditorAccount, name)
    if account is None:
        return False
    session.delete(account)
    session.commit()
    return True


def account_names(session: Session) -> list[str]:
    return list(session.exec(select(EditorAccount.name).order_by(EditorAccount.name)).all())


def account_exists(session: Session, name: str) -> bool:
    return session.get(EditorAccount, name) is not None


def check_login(session: Session, name: str, password: str) -> bool:
    """True when `name` is an account and `password` is its password."""
    account = session.get(EditorAccount, name) if NAME_PATTERN.match(name or "") else None
    if account is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(account.password_hash, password)
