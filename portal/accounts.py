"""Editor accounts: names, hashed passwords (werkzeug) and scopes (national, a département, a région), created by
the operator or by a one-time invitation; and the generation of each name's sessions, which ends them all at once."""

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.feedback import now
from portal.sql_counter import increment

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,59}$")
PASSWORD_MIN = 12
NATIONAL = "national"
SCOPE_PATTERN = re.compile(r"^(national|departement:(\d{2}|2A|2B|97\d)|region:\d{2})$")
INVITATION_DAYS = 7


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
    # « national » (every file), « departement:56 » or « region:53 » (the région's file and its départements').
    scope: str = Field(default=NATIONAL, sa_column_kwargs={"server_default": NATIONAL})


class EditorInvitation(SQLModel, table=True):
    """A one-time link that lets its holder create an account of `scope`; only a hash of the token is kept."""

    __tablename__ = "editor_invitation"
    token_hash: str = Field(primary_key=True)
    scope: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by: str | None = None


class SessionGeneration(SQLModel, table=True):
    """How many times the sessions of an editor name were ended (logout, new password, removed account). A
    session keeps the generation it started in, in its signed cookie, and is valid only while it is current.
    The row outlives the account: a name created again does not bring the old cookies back to life."""

    __tablename__ = "editor_session_generation"
    name: str = Field(primary_key=True)
    generation: int = 0


class AccountError(ValueError):
    """A refused account change, explained in French."""


def check_scope(scope: str) -> str:
    """`scope` if it is one (« national », « departement:56 », « region:53 »), else AccountError."""
    if not SCOPE_PATTERN.match(scope or ""):
        raise AccountError(
            "le territoire doit être « national », un département (ex. 56, 2A, 974) ou une région (ex. 53)"
        )
    return scope


def scope_for(kind: str, code: str) -> str:
    """The scope of a département (« departement ») or a région (« region ») as typed (« 56 », « 2a », « 1 »), or
    national; checked."""
    if kind == NATIONAL:
        return NATIONAL
    code = code.strip().upper()
    return check_scope(f"{kind}:{code.zfill(2) if code.isdigit() else code}")


def _check_name_and_password(name: str, password: str) -> None:
    if not NAME_PATTERN.match(name or ""):
        raise AccountError(
            "le nom doit faire de 2 à 60 caractères : lettres sans accents, chiffres, point, tiret ou souligné"
        )
    if len(password or "") < PASSWORD_MIN:
        raise AccountError(f"le mot de passe doit faire au moins {PASSWORD_MIN} caractères")


def set_account(session: Session, name: str, password: str, scope: str | None = None) -> bool:
    """Create the account `name` or change its password (and its scope, if given; a new account is national unless
    told); True when it was created."""
    if scope is not None:
        check_scope(scope)
    _check_name_and_password(name, password)
    account = session.get(EditorAccount, name)
    created = account is None
    if created:
        account = EditorAccount(name=name, password_hash="", created_at=now())
    account.password_hash = generate_password_hash(password)
    if scope is not None:
        account.scope = scope
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


def accounts_with_scopes(session: Session) -> list[tuple[str, str]]:
    return [(a.name, a.scope) for a in session.exec(select(EditorAccount).order_by(EditorAccount.name))]


def account_scope(session: Session, name: str) -> str | None:
    return session.exec(select(EditorAccount.scope).where(EditorAccount.name == name)).first()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(session: Session, scope: str, created_by: str) -> str:
    """A new one-time token for an account of `scope`, valid INVITATION_DAYS days; only its hash is stored."""
    check_scope(scope)
    token = secrets.token_urlsafe(24)
    moment = now()
    invitation = EditorInvitation(
        token_hash=_token_hash(token),
        scope=scope,
        created_by=created_by,
        created_at=moment,
        expires_at=moment + timedelta(days=INVITATION_DAYS),
    )
    session.add(invitation)
    session.commit()
    return token


def open_invitation(session: Session, token: str) -> EditorInvitation | None:
    """The invitation of `token` if it is unused and not expired."""
    if not token or len(token) > 100:
        return None
    invitation = session.get(EditorInvitation, _token_hash(token))
    if invitation is None or invitation.used_at is not None:
        return None
    expires = invitation.expires_at
    if expires.tzinfo is None:  # SQLite gives times back without their zone
        expires = expires.replace(tzinfo=now().tzinfo)
    return invitation if expires > now() else None


def accept_invitation(session: Session, token: str, name: str, password: str) -> str:
    """Create the account `name` with the invitation's scope and use the invitation up, in one transaction; returns
    the scope. A name already taken is refused (an invitation never changes someone else's password), and of two
    people using the same link at once, one only gets an account."""
    invitation = open_invitation(session, token)
    if invitation is None:
        raise AccountError("ce lien d'invitation n'est plus valable (déjà utilisé ou expiré) : demandez-en un autre")
    _check_name_and_password(name, password)
    if session.get(EditorAccount, name) is not None:
        raise AccountError(f"le nom « {name} » est déjà pris : choisissez-en un autre")
    scope, moment = invitation.scope, now()
    claimed = session.exec(
        update(EditorInvitation)
        .where(EditorInvitation.token_hash == invitation.token_hash, EditorInvitation.used_at.is_(None))
        .values(used_at=moment, used_by=name)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise AccountError("ce lien d'invitation vient d'être utilisé : demandez-en un autre")
    session.add(
        EditorAccount(name=name, password_hash=generate_password_hash(password), created_at=moment, scope=scope)
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AccountError(f"le nom « {name} » est déjà pris : choisissez-en un autre") from None
    return scope


def check_login(session: Session, name: str, password: str) -> bool:
    """True when `name` is an account and `password` is its password."""
    account = session.get(EditorAccount, name) if NAME_PATTERN.match(name or "") else None
    if account is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(account.password_hash, password)
