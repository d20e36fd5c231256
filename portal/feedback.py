"""Reports from users (« Signaler une erreur ») and the per-client rate limit: persistent, never derived."""

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func
from sqlalchemy.exc import DatabaseError
from sqlmodel import Field, Session, SQLModel, delete, select

# The fixed reasons a user can give: code -> label shown in the form and in the editor area.
REASONS: dict[str, str] = {
    "coordonnees": "Coordonnées fausses",
    "conditions": "Conditions fausses",
    "supprime": "Dispositif supprimé ou suspendu",
    "lien-casse": "Lien cassé",
    "autre": "Autre",
}
TEXT_MAX = 2000  # characters of free text; a report is a few sentences, not a file


class Report(SQLModel, table=True):
    """One report from a user about a fiche, or about one contact of it."""

    __tablename__ = "report"
    id: int | None = Field(default=None, primary_key=True)
    # No foreign key to the fiche table: that table is derived and wiped on each content version.
    fiche_id: str = Field(index=True)
    contact: str | None = None  # the contact's name when the report is about one contact
    reason: str
    text: str
    content_version: str
    created_at: datetime = Field(index=True)
    status: str = Field(default="ouvert", index=True)  # « ouvert » or « clos »
    closed_at: datetime | None = None
    closed_by: str | None = None


class RateEvent(SQLModel, table=True):
    """One counted action of one client (a keyed hash, never the address itself), for rate limits."""

    __tablename__ = "rate_event"
    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(index=True)
    client: str = Field(index=True)
    at: datetime = Field(index=True)


TABLES = (Report, RateEvent)


def create_tables(engine: Engine, tables=TABLES) -> None:
    """Create the persistent tables if missing (workers may race on PostgreSQL: the loser tries again)."""
    for attempt in range(3):
        try:
            SQLModel.metadata.create_all(engine, tables=[table.__table__ for table in tables])
            return
        except DatabaseError:
            if attempt == 2:
                raise


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Typed text as stored: line breaks kept, control characters (NUL, terminal escapes…) removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def now() -> datetime:
    """The current time, in UTC (the store keeps times with their zone)."""
    return datetime.now(UTC)


def save_report(
    session: Session, fiche_id: str, reason: str, text: str, content_version: str, contact: str | None = None
) -> Report:
    """Store one report and commit it at once: a report is never lost."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    report = Report(
        fiche_id=fiche_id,
        contact=clean_text(contact) if contact else None,
        reason=reason,
        text=clean_text(text)[:TEXT_MAX],
        content_version=content_version,
        created_at=now(),
    )
    session.add(report)
    session.commit()
    session.refresh(report)
    return report


def list_reports(session: Session, status: str | None = "ouvert") -> list[Report]:
    """Reports with `status` (all when None), newest first."""
    query = select(Report).order_by(Report.created_at.desc(), Report.id.desc())
    if status:
        query = query.where(Report.status == status)
    return list(session.exec(query).all())


def count_reports(session: Session, status: str = "ouvert") -> int:
    return session.exec(select(func.count()).select_from(Report).where(Report.status == status)).one()


def close_report(session: Session, report_id: int, editor: str) -> Report | None:
    """Mark a report as handled by `editor`; None when there is no such report."""
    report = session.get(Report, report_id)
    if report is None:
        return None
    if report.status != "clos":
        report.status, report.closed_at, report.closed_by = "clos", now(), editor
        session.add(report)
        session.commit()
        session.refresh(report)
    return report


def client_key(secret: str, address: str | None) -> str:
    """A keyed hash of the client address: enough to count, useless to identify."""
    return hmac.new(secret.encode(), (address or "?").encode(), hashlib.sha256).hexdigest()[:32]


def allow(session: Session, bucket: str, client: str, limit: int, window: timedelta) -> bool:
    """Count one action of `client` in `bucket`; False when it already did `limit` in the last `window`."""
    since = now() - window
    session.exec(delete(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at < since))
    done = session.exec(
        select(func.count())
        .select_from(RateEvent)
        .where(RateEvent.bucket == bucket, RateEvent.client == client, RateEvent.at >= since)
    ).one()
    if done >= limit:
        session.commit()
        return False
    session.add(RateEvent(bucket=bucket, client=client, at=now()))
    session.commit()
    return True
