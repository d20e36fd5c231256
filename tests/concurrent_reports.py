"""Run in child processes by the store tests: one portal instance that submits reports through the form."""

import re
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def submit_reports(database_url: str, count: int, tag: str) -> int:
    """Create an app on `database_url`, post `count` reports through the form; return how many were accepted."""
    from portal import create_app

    app = create_app(
        {
            "TESTING": True,
            "CONTENT_DIR": str(FIXTURES / "content"),
            "TREES_DIR": str(FIXTURES / "trees"),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "REPORTS_PER_HOUR": 10_000,
        }
    )
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signaler/crpe").text).group(1)
    accepted = 0
    for index in range(count):
        form = {"csrf_token": token, "raison": "autre", "texte": f"{tag} signalement {index}"}
        accepted += client.post("/signaler/crpe", data=form).status_code == 303
    return accepted
