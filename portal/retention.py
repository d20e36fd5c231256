"""How long what users write is kept: a closed report (and its text) is erased once it has been closed for
REPORT_RETENTION_MONTHS months, by `portal purger` and by the portal itself, at most once a day per worker; the
rate-limit counters (keyed hashes of addresses) older than a day go at the same time."""

import logging
import time
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, delete, func, select

from portal.feedback import RateCount, Report, now

log = logging.getLogger(__name__)
DAY = 24 * 3600


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    next_month = datetime(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def purge_closed_reports(session: Session, months: int, moment: datetime | None = None) -> int:
    """Erase the reports closed more than `months` months before `moment` (now); 0 months keeps them all.
    Returns how many were erased. Open reports are kept whatever their age: an editor has not read them yet."""
    if months <= 0:
        return 0
    before = months_before(moment or now(), months)
    return _erase(session, Report, Report.status == "clos", Report.closed_at.is_not(None), Report.closed_at < before)


def purge_rate_counts(session: Session, moment: float | None = None) -> int:
    """Erase the rate-limit counts of windows that started more than a day ago (no limit lasts that long)."""
    before = int((time.time() if moment is None else moment) - DAY)
    return _erase(session, RateCount, RateCount.window_start < before)


def _erase(session: Session, model: type, *where) -> int:
    """Delete the rows of `model` matching `where` (and commit, if there are any); how many there were."""
    count = session.exec(select(func.count()).select_from(model).where(*where)).one()
    if count:
        session.exec(delete(model).where(*where))
        session.commit()
    return count


def init_app(app: Flask) -> None:
    """Purge at the first request of each worker, then at most once a day (a DELETE that finds nothing is cheap;
    several workers purging together erase the same rows once)."""
    state = {"next": 0.0}

    def purge_when_due() -> None:
        if time.monotonic() < state["next"]:
            return
        state["next"] = time.monotonic() + DAY
        engine = current_app.extensions["portal_engine"]
        try:
            with Session(engine) as session:
                erased = purge_closed_reports(session, current_app.config["REPORT_RETENTION_MONTHS"])
                purge_rate_counts(session)
        except DatabaseError as error:  # never a failed page because of the clean-up: try again in an hour
            state["next"] = time.monotonic() + 3600
            log.warning("Effacement des signalements clos impossible : %s", error)
            return
        if erased:
            log.info(
                "%d signalement(s) clos depuis plus de %d mois effacé(s).",
                erased,
                app.config["REPORT_RETENTION_MONTHS"],
            )

    app.before_request(purge_when_due)


@click.command("purger")
@click.option(
    "--mois",
    type=click.IntRange(min=0),
    default=None,
    help="Effacer les signalements clos depuis plus de N mois (défaut : PORTAL_REPORT_RETENTION_MONTHS, 12).",
)
def purge_command(mois: int | None) -> None:
    """Effacer les signalements clos depuis plus longtemps que la durée de conservation, et leur texte."""
    from portal.config import instance_dir, settings_from_env
    from portal.editor_cli import store_session

    months = settings_from_env(instance_dir(), secret=False)["REPORT_RETENTION_MONTHS"] if mois is None else mois
    with store_session() as session:
        erased = purge_closed_reports(session, months)
        purge_rate_counts(session)
    if months == 0:
        click.echo("Durée de conservation 0 (sans limite) : aucun signalement effacé.")
    else:
        click.echo(f"{erased} signalement(s) clos depuis plus de {months} mois effacé(s).")
