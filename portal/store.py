"""The SQL store: tables derived from the catalog (rebuilt per content version) and the app's engine."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flask import current_app, g
from sqlalchemy import Engine, event
from sqlmodel import Field, Session, SQLModel, create_engine, delete, select

from portal.catalog import Catalog
from portal.config import private_file


class ContentMeta(SQLModel, table=True):
    """Which content version the derived tables hold."""

    key: str = Field(primary_key=True)
    value: str


class FicheRow(SQLModel, table=True):
    """A fiche as a row, for listing and filtering (the catalog keeps the full text)."""

    __tablename__ = "fiche"
    id: str = Field(primary_key=True)
    type: str = Field(index=True)
    titre: str
    resume: str
    statut: str
    mis_a_jour: date
    revue_le: date  # when the fiche is due for review


class FicheEtape(SQLModel, table=True):
    __tablename__ = "fiche_etape"
    fiche_id: str = Field(primary_key=True, foreign_key="fiche.id")
    etape: str = Field(primary_key=True, index=True)


class FichePublic(SQLModel, table=True):
    __tablename__ = "fiche_public"
    fiche_id: str = Field(primary_key=True, foreign_key="fiche.id")
    public: str = Field(primary_key=True, index=True)


class ContactRow(SQLModel, table=True):
    """A local contact of one département (national entry points stay on the acteur fiches)."""

    __tablename__ = "contact"
    id: int | None = Field(default=None, primary_key=True)
    departement: str = Field(index=True)
    acteur: str = Field(index=True, foreign_key="fiche.id")
    nom: str
    telephone: str | None = None
    email: str | None = None
    statut: str


DERIVED = (FicheEtape, FichePublic, ContactRow, FicheRow)


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
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if url.startswith(("postgresql://", "postgres://")):
        # The usual form of the URL; the driver the project installs is psycopg 3.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def instance_lock(instance_path: str, name: str) -> Iterator[None]:
    """An exclusive lock between the processes of one instance folder (workers starting together)."""
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    with open(Path(instance_path) / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync_derived_tables(engine: Engine, catalog: Catalog) -> bool:
    """Rebuild the derived tables from `catalog` unless they already hold its version; True if rebuilt."""
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        meta = session.get(ContentMeta, "version")
        if meta and meta.value == catalog.version:
            return False
        for table in DERIVED:
            session.exec(delete(table))
        for fiche in catalog.fiches.values():
            session.add(
                FicheRow(
                    id=fiche.id,
                    type=fiche.type,
                    titre=fiche.titre,
                    resume=fiche.resume,
                    statut=fiche.statut,
                    mis_a_jour=fiche.mis_a_jour,
                    revue_le=review_date(fiche.mis_a_jour, fiche.revision_mois),
                )
            )
        session.flush()
        for fiche in catalog.fiches.values():
            session.add_all(FicheEtape(fiche_id=fiche.id, etape=etape) for etape in fiche.etapes)
            session.add_all(FichePublic(fiche_id=fiche.id, public=public) for public in fiche.publics)
        for territoire in catalog.territoires.values():
            session.add_all(
                ContactRow(
                    departement=territoire.departement,
                    acteur=contact.acteur,
                    nom=contact.nom,
                    telephone=contact.telephone,
                    email=contact.email,
                    statut=contact.statut,
                )
                for contact in territoire.contacts
            )
        session.merge(ContentMeta(key="version", value=catalog.version))
        session.commit()
    return True


def review_date(updated: date, months: int) -> date:
    """`updated` plus `months` months (clamped to the month's last day)."""
    month_index = updated.month - 1 + months
    year, month = updated.year + month_index // 12, month_index % 12 + 1
    for day in (updated.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def get_session() -> Session:
    """The request's session, closed at teardown."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["portal_engine"])
    return g.db_session


def close_session(_error: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def filter_fiche_ids(kind: str | None, etape: str | None, public: str | None) -> set[str]:
    """Ids of the fiches matching every given filter."""
    query = select(FicheRow.id)
    if kind:
        query = query.where(FicheRow.type == kind)
    if etape:
        query = query.join(FicheEtape, FicheEtape.fiche_id == FicheRow.id).where(FicheEtape.etape == etape)
    if public:
        query = query.join(FichePublic, FichePublic.fiche_id == FicheRow.id).where(FichePublic.public == public)
    return set(get_session().exec(query).all())
