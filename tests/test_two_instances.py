"""Two instances of the portal on one PostgreSQL base, as behind a load balancer: an editor's session, the
reports and the rate limits are the base's, so each instance sees what the other did."""

import pytest
from apps import portal_app
from postgres_server import new_database
from sqlmodel import Session
from test_editors import PASSWORD, csrf, login
from test_reports import token

from portal.accounts import set_account
from portal.store import make_engine


@pytest.fixture
def instances(postgres_base_url, tmp_path):
    """Instances A and B: each its own instance folder and index, one base, one secret key."""
    url = new_database(postgres_base_url)

    def start(name: str):
        return portal_app(
            tmp_path / name, DATABASE_URL=url, SECRET_KEY="la même clé pour toutes les instances", REPORTS_PER_HOUR=2
        )

    first, second = start("a"), start("b")
    engine = make_engine(url)
    with Session(engine) as session:
        set_account(session, "claire", PASSWORD)
    engine.dispose()
    yield first, second
    for app in (first, second):
        app.extensions["portal_engine"].dispose()  # their connections to the base, closed before it is gone


def test_a_session_opened_on_one_instance_works_on_the_other_until_logout(instances):
    a, b = (app.test_client() for app in instances)
    assert login(a).status_code == 303
    b.set_cookie("session", a.get_cookie("session").value)  # the load balancer sends the next request to B
    assert b.get("/editeurs/").status_code == 200
    a.post("/editeurs/deconnexion", data={"csrf_token": csrf(a, "/editeurs/")})
    response = b.get("/editeurs/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/editeurs/connexion")


def test_a_report_sent_to_one_instance_is_listed_by_the_other(instances):
    a, b = (app.test_client() for app in instances)
    form = {"csrf_token": token(a), "raison": "coordonnees", "texte": "Le numéro a changé en mars."}
    assert a.post("/signaler/crpe", data=form).status_code == 303
    login(b)
    assert "Le numéro a changé en mars." in b.get("/editeurs/retours").text


def test_a_rate_limit_reached_on_one_instance_holds_on_the_other(instances):
    a, b = (app.test_client() for app in instances)
    form = {"csrf_token": token(a), "raison": "lien-casse"}
    assert [a.post("/signaler/crpe", data=form).status_code for _ in range(2)] == [303, 303]
    response = b.post("/signaler/crpe", data={"csrf_token": token(b), "raison": "lien-casse"})
    assert response.status_code == 429 and "Trop de demandes" in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 3600
