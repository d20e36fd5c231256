"""Run in child processes by the store tests: one portal instance that submits reports through the form."""

import re
import time
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def _client(database_url: str, reports_per_hour: int):
    from portal import create_app

    app = create_app(
        {
            "TESTING": True,
            "CONTENT_DIR": str(FIXTURES / "content"),
            "TREES_DIR": str(FIXTURES / "trees"),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "REPORTS_PER_HOUR": reports_per_hour,
        }
    )
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signaler/crpe").text).group(1)
    return client, token


def submit_reports(database_url: str, count: int, tag: str) -> int:
    """Create an app on `database_url`, post `count` reports through the form; return how many were accepted."""
    client, token = _client(database_url, 10_000)
    accepted = 0
    for index in range(count):
        form = {"csrf_token": token, "raison": "autre", "texte": f"{tag} signalement {index}"}
        accepted += client.post("/signaler/crpe", data=form).status_code == 303
    return accepted


def submit_from_one_address(database_url: str, count: int, limit: int, start_at: float) -> list[tuple[int, str]]:
    """Like one of several workers receiving the posts of one client: an app on `database_url` that lets `limit`
    reports an hour through, `count` posts from one address from `start_at` (a time.time()) on, so that the
    processes post together; return (status, Retry-After) of each."""
    client, token = _client(database_url, limit)
    time.sleep(max(0.0, start_at - time.time()))
    answers = []
    for index in range(count):
        form = {"csrf_token": token, "raison": "autre", "texte": f"signalement {index}"}
        response = client.post("/signaler/crpe", data=form, environ_base={"REMOTE_ADDR": "192.0.2.7"})
        answers.append((response.status_code, response.headers.get("Retry-After", "")))
    return answers
