"""The persistent store of reports, on SQLite and on PostgreSQL: saved, listed, closed, never lost."""

import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from multiprocessing import get_context
from pathlib import Path

import pytest
from concurrent_reports import submit_from_one_address, submit_reports
from sqlmodel import Session, select

from portal.feedback import (
    RateCount,
    client_key,
    close_report,
    count_action,
    count_reports,
    list_reports,
    save_report,
)
from portal.migrations import upgrade
from portal.store import make_engine

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_reports_are_saved_listed_and_closed(engine):
    with Session(engine) as session:
        first = save_report(session, "crpe", "conditions", "La durée a changé.", "abc123")
        second = save_report(session, "cap-emploi", "coordonnees", "", "abc123", contact="Cap emploi du Morbihan")
        assert [r.id for r in list_reports(session)] == [second.id, first.id]  # newest first
        closed = close_report(session, first.id, "claire")
        assert closed.status == "clos" and closed.closed_by == "claire" and closed.closed_at is not None
        assert [r.fiche_id for r in list_reports(session, "ouvert")] == ["cap-emploi"]
        assert [r.fiche_id for r in list_reports(session, "clos")] == ["crpe"]
        assert count_reports(session) == 1
        assert close_report(session, 9999, "claire") is None
    with Session(engine) as session:  # a new connection sees what was committed
        kept = list_reports(session, None)
        assert {(r.fiche_id, r.contact, r.content_version) for r in kept} == {
            ("crpe", None, "abc123"),
            ("cap-emploi", "Cap emploi du Morbihan", "abc123"),
        }


def test_rate_limit_counts_per_client_within_the_window(engine):
    hour, moment = timedelta(hours=1), 1_800_001_800.0  # half past a round hour
    with Session(engine) as session:
        waits = [count_action(session, "signalement", "client-a", 2, hour, moment) for _ in range(3)]
        assert waits[:2] == [0, 0] and waits[2] == 1800  # refused until the hour ends: Retry-After 1800 s
        assert count_action(session, "signalement", "client-b", 2, hour, moment) == 0  # another client is not limited
        assert count_action(session, "connexion", "client-a", 2, hour, moment) == 0  # nor another action
        assert count_action(session, "signalement", "client-a", 2, hour, moment + 1800) == 0  # a new hour forgets


def test_old_windows_are_forgotten(engine):
    minute = timedelta(minutes=1)
    with Session(engine) as session:
        for moment in (60.0, 120.0, 180.0, 240.0):
            count_action(session, "signalement", "client-a", 5, minute, moment)
            count_action(session, "signalement", f"client-{moment}", 5, minute, moment)
        windows = session.exec(select(RateCount.window_start).where(RateCount.bucket == "signalement")).all()
    assert set(windows) == {180, 240}  # the current window and the one before it are all that is kept


def test_an_ipv6_client_counts_by_its_network():
    assert client_key("s", "2001:db8:1:2::1") == client_key("s", "2001:db8:1:2:ffff::9")
    assert client_key("s", "2001:db8:1:3::1") != client_key("s", "2001:db8:1:2::1")
    assert client_key("s", "192.0.2.1") != client_key("s", "192.0.2.2")
    assert client_key("s", "pas une adresse") == client_key("s", "pas une adresse")


@pytest.mark.slow  # processes racing for several seconds
def test_concurrent_workers_let_exactly_the_limit_through(database_url):
    processes, each, limit = 4, 8, 10
    start_at = time.time() + 10  # every process has built its app by then: they post together
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(submit_from_one_address, database_url, each, limit, start_at) for _ in range(processes)]
        answers = [answer for future in futures for answer in future.result(timeout=300)]
    statuses = [status for status, _ in answers]
    assert statuses.count(303) == limit and statuses.count(429) == processes * each - limit
    assert all(0 < int(retry) <= 3600 for status, retry in answers if status == 429)
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert len(list_reports(session, None)) == limit
    engine.dispose()


@pytest.mark.slow
def test_processes_submitting_at_once_lose_no_report(database_url):
    processes, each = 4, 15
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(submit_reports, database_url, each, f"p{n}") for n in range(processes)]
        accepted = [future.result(timeout=300) for future in futures]
    assert accepted == [each] * processes
    engine = make_engine(database_url)
    with Session(engine) as session:
        texts = [report.text for report in list_reports(session, None)]
    engine.dispose()
    assert len(texts) == processes * each
    assert sorted(texts) == sorted(f"p{n} signalement {i}" for n in range(processes) for i in range(each))


def test_text_with_nul_and_escapes_is_stored_clean(engine):
    # PostgreSQL refuses NUL in text; terminal escapes would act in `portal retours`.
    with Session(engine) as session:
        report = save_report(session, "crpe", "autre", "a\x00b\x1b[2Jc\r\nd", "v1", contact="Cap\x07 emploi")
        assert (report.text, report.contact) == ("ab[2Jc\nd", "Cap emploi")


def test_a_report_number_beyond_the_column_is_no_report(engine):
    with Session(engine) as session:
        save_report(session, "crpe", "lien-casse", "", "v1")
        for number in (0, -1, 2**31, 2**63 - 1, 2**70):  # PostgreSQL's integer stops at 2**31 - 1
            assert close_report(session, number, "claire") is None
