"""Reports from users (« Signaler une erreur ») and the rate limits of the forms: persistent, never derived."""

import contextlib
import hashlib
import hmac
import ipaddress
import math
import re
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, tuple_
from sqlalchemy.exc import DatabaseError
from sqlmodel import Field, Session, SQLModel, delete, select

from portal.sql_counter import increment

# The fixed reasons a user can give: code -> label shown in the form and in the editor area.
REASONS: dict[str, str] = {
    "coordonnees": "Coordonnées fausses",
    "conditions": "Conditions fausses",
    "supprime": "Dispositif supprimé ou suspendu",
    "lien-casse": "Lien cassé",
    "accessibilite": "Problème d'accessibilité",
    "autre": "Autre",
}
TEXT_MAX = 2000  # characters of free text; a report is a few sentences, not a file
REPORT_ID_MAX = 2**31 - 1  # report ids are SQL integers: 32 bits on PostgreSQL


class Report(SQLModel, table=True):
    """One report from a user about a fiche, or about one contact of it."""

    __tablename__ = "report"
    id: int | None = Field(default=None, primary_key=True)
    # No foreign key: the fiches live in the content files, not in the database.
    fiche_id: str = Field(index=True)
    contact: str | None = None  # the contact's name when the report is about one contact
    reason: str
    text: str
    content_version: str
    created_at: datetime = Field(index=True)
    status: str = Field(default="ouvert", index=True)  # « ouvert » or « clos »
    closed_at: datetime | None = None
    closed_by: str | None = None
    # A report on a local or regional contact belongs to that file's queue (« territoires »/« regions », code).
    place_kind: str | None = None
    place_code: str | None = Field(default=None, index=True)
    resolution: str | None = None  # « applique », « rejete », or None (closed from the list)
    resolution_note: str | None = None  # why it was rejected: for the editors only


class RateCount(SQLModel, table=True):
    """How many actions one client (a keyed hash, never an address or a name itself) did in one window of time
    of one bucket (« signalement », « connexion »…), for rate limits shared by every worker and instance."""

    __tablename__ = "rate_count"
    bucket: str = Field(primary_key=True)
    client: str = Field(primary_key=True)
    window_start: int = Field(primary_key=True)  # in seconds since 1970 (UTC)
    count: int = 0


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Typed text as stored: line breaks kept, control characters (NUL, terminal escapes…) removed."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def now() -> datetime:
    """The current time, in UTC (the store keeps times with their zone)."""
    return datetime.now(UTC)


def save_report(
    session: Session,
    fiche_id: str,
    reason: str,
    text: str,
    content_version: str,
    contact: str | None = None,
    place: tuple[str, str] | None = None,
) -> Report:
    """Store one report and commit it at once: a report is never lost. `place` (« territoires »/« regions », code):
    the file of the contact it is about, whose editors get it in their queue."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    report = Report(
        fiche_id=fiche_id,
        contact=clean_text(contact) if contact else None,
        reason=reason,
        text=clean_text(text)[:TEXT_MAX],
        content_version=content_version,
        created_at=now(),
        place_kind=place[0] if place else None,
        place_code=place[1] if place else None,
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
    if not 0 < report_id <= REPORT_ID_MAX:
        return None  # asked of PostgreSQL, a larger number is an error, not an absent report
    report = session.get(Report, report_id)
    if report is None:
        return None
    if report.status != "clos":
        report.status, report.closed_at, report.closed_by = "clos", now(), editor
        session.add(report)
        session.commit()
        session.refresh(report)
    return report


def list_place_reports(session: Session, places: list[tuple[str, str]]) -> list[Report]:
    """The open reports on the contacts of these (kind, code) files, newest first."""
    if not places:
        return []
    query = (
        select(Report)
        .where(Report.status == "ouvert", tuple_(Report.place_kind, Report.place_code).in_(places))
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    return list(session.exec(query).all())


def resolve_report(session: Session, report_id: int, editor: str, resolution: str, note: str) -> Report | None:
    """Close a report as « applique » (the contact was fixed) or « rejete » (with why, for the editors only)."""
    report = close_report(session, report_id, editor)
    if report is not None:
        report.resolution, report.resolution_note = resolution, note
        session.add(report)
        session.commit()
    return report


def client_key(secret: str, value: str | None) -> str:
    """A keyed hash of a client address (or of a name): enough to count, useless to identify. An IPv6 address
    counts by its /64 network, which one subscriber holds whole and could change at each request."""
    value = value or "?"
    with contextlib.suppress(ValueError):
        address = ipaddress.ip_address(value)
        if address.version == 6 and address.ipv4_mapped is None:
            value = str(ipaddress.ip_network(f"{address}/64", strict=False))
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def count_action(
    session: Session, bucket: str, client: str, limit: int, window: timedelta, moment: float | None = None
) -> int:
    """Count one action of `client` in `bucket` (committed at once): 0 while it is within `limit` actions per
    `window`, else the seconds until the window ends (for Retry-After). Windows are fixed (each hour, each
    quarter of an hour…) and counted by one atomic statement, so that workers and instances together never
    let more than `limit` through in a window; `moment` (seconds since 1970) is now unless given."""
    seconds = max(1, math.ceil(window.total_seconds()))
    moment = time.time() if moment is None else moment
    start = int(moment // seconds * seconds)
    done = increment(session, RateCount.__table__, {"bucket": bucket, "client": client, "window_start": start}, "count")
    session.commit()
    if done == 1:  # a client's first action in this window: forget the windows nobody can still be in
        _forget_windows_before(session, bucket, start - seconds)
    return 0 if done <= limit else max(1, math.ceil(start + seconds - moment))


def window_wait(
    session: Session, bucket: str, client: str, limit: int, window: timedelta, moment: float | None = None
) -> int:
    """Like count_action, without counting: 0 while `client` did fewer than `limit` actions in the current window
    of `bucket`, else the seconds until it ends (a login's failures are counted only once they happen)."""
    seconds = max(1, math.ceil(window.total_seconds()))
    moment = time.time() if moment is None else moment
    start = int(moment // seconds * seconds)
    row = session.get(RateCount, (bucket, client, start))
    return 0 if row is None or row.count < limit else max(1, math.ceil(start + seconds - moment))


def _forget_windows_before(session: Session, bucket: str, before: int) -> None:
    try:
        session.exec(delete(RateCount).where(RateCount.bucket == bucket, RateCount.window_start < before))
        session.commit()
    except DatabaseError:  # best effort: two workers cleaning at once may deadlock on the same rows
        session.rollback()
