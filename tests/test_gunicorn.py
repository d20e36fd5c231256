"""The production server (gunicorn.conf.py) as an attacker meets it: no X-Forwarded-* header believed without
PORTAL_PROXIES, no log line forged by a path, and the orientation counts of its workers written when they stop."""

import http.client
import sqlite3
from pathlib import Path

import pytest

from bench.http_load import Server

FIXTURES = Path(__file__).parent / "fixtures"
RESULT = "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=autre-poste"
FORGED = "/nulle-part%0A127.0.0.1%20-%20-%20%22GET%20/editeurs/%22%20200%0D%1B[2J"


def _get(server: Server, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture(scope="module")
def served():
    """gunicorn with 2 workers on the fixture content, PORTAL_PROXIES=0, an access log showing the decoded path;
    a few requests, then a stop: what it answered, logged and wrote."""
    server = Server(FIXTURES / "content", FIXTURES / "trees", workers=2)
    server.env.update(
        {
            "PORTAL_PROXIES": "0",
            "PORTAL_COUNTS_SECONDS": "3600",  # counts written only when the workers stop
            "GUNICORN_CMD_ARGS": "--access-logfile - --access-logformat '%(h)s \"%(U)s\" %(s)s'",
        }
    )
    server.start()
    try:
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "evil"}
        answers = {
            "forwarded": _get(server, "/signaler/crpe", forwarded),
            "forged": _get(server, FORGED),
            "results": [_get(server, RESULT).status for _ in range(6)],
        }
        server.process.terminate()
        server.process.wait(timeout=60)
        server.log.flush()
        answers["log"] = (server.folder / "gunicorn.log").read_text()
        with sqlite3.connect(server.folder / "portal.sqlite3") as database:
            answers["counts"] = database.execute("SELECT tree, node, count FROM orientation_count").fetchall()
        yield answers
    finally:
        server.stop()


@pytest.mark.slow  # gunicorn (the `served` fixture)
def test_forwarded_headers_are_not_believed_without_proxies(served):
    response = served["forwarded"]
    assert response.status == 200  # X-Forwarded-Host is not checked against the trusted hosts: it is ignored
    assert response.getheader("Strict-Transport-Security") is None
    assert "Secure" not in response.getheader("Set-Cookie")


@pytest.mark.slow  # gunicorn (the `served` fixture)
def test_a_path_with_line_breaks_stays_on_one_access_log_line(served):
    assert served["forged"].status == 404
    lines = served["log"].splitlines()
    # gunicorn escapes the quotes; the portal's logger escapes the control characters.
    assert '127.0.0.1 "/nulle-part\\n127.0.0.1 - - \\"GET /editeurs/\\" 200\\r\\x1b[2J" 404' in lines
    assert not any(line.startswith('127.0.0.1 - - "GET /editeurs/"') for line in lines)
    assert "\x1b" not in served["log"]


@pytest.mark.slow  # gunicorn (the `served` fixture)
def test_workers_write_their_counts_when_they_stop(served):
    assert served["results"] == [200] * 6
    assert served["counts"] == [("medecin-du-travail", "arret-autre-poste", 6)]
