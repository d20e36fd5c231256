"""The editor area: closed to anonymous visitors, route by route; login, reports, review, trees; the CLI."""

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from portal.feedback import list_reports, save_report
from portal.web.editors import PUBLIC_ENDPOINTS

PASSWORD = "un mot de passe assez long"


@pytest.fixture(autouse=True)
def cli_database(app, monkeypatch):
    """The commands read DATABASE_URL like on a server (they do not load the content): point it at the app's."""
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])


@pytest.fixture
def editor(app, runner):
    result = runner.invoke(args=["editeur", "ajouter", "claire"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0 and "Compte « claire » créé." in result.output
    return "claire"


@pytest.fixture
def report_id(app):
    with Session(app.extensions["portal_engine"]) as session:
        return save_report(session, "crpe", "autre", "<script>alert('x')</script> durée fausse", "v1").id


def csrf(client, url="/editeurs/connexion") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


def login(client, name="claire", password=PASSWORD, suivant=""):
    form = {"csrf_token": csrf(client), "nom": name, "mot_de_passe": password, "suivant": suivant}
    return client.post("/editeurs/connexion", data=form)


def editor_routes(app):
    """Every (method, URL) of the area except the login form itself."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("editors.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = re.sub(r"<int[^>]*:\w+>", "1", rule.rule)
        url = url.replace("<kind>", "territoires").replace("<code>", "56")
        routes += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_the_area_has_the_expected_routes(app):
    routes = editor_routes(app)
    for expected in [
        ("GET", "/editeurs/"),
        ("GET", "/editeurs/retours"),
        ("POST", "/editeurs/retours/1/fermer"),
        ("GET", "/editeurs/revue"),
        ("GET", "/editeurs/arbres"),
        ("POST", "/editeurs/deconnexion"),
    ]:
        assert expected in routes


def test_every_editor_route_refuses_an_anonymous_visitor(app, client, report_id):
    token = csrf(client)
    for method, url in editor_routes(app):
        response = client.open(url.replace("/1/", f"/{report_id}/"), method=method, data={"csrf_token": token})
        assert response.status_code == 303, (method, url)
        assert response.headers["Location"].startswith("/editeurs/connexion"), (method, url)
        assert "alert" not in response.text and "durée fausse" not in response.text
    with Session(app.extensions["portal_engine"]) as session:
        assert list_reports(session)[0].status == "ouvert"  # the anonymous POST closed nothing


def test_the_public_login_page_shows_no_terminal_command(client):
    page = client.get("/editeurs/connexion").text
    assert "Demandez-le à l&#39;équipe qui gère le portail" in page or "Demandez-le à l'équipe" in page
    assert "<code>" not in page and "portal " not in page  # the command is in docs/guide-editeur.md


def test_wrong_password_and_unknown_name_are_refused_alike(client, editor):
    for name, password in [("claire", "mauvais mot de passe"), ("inconnu", PASSWORD)]:
        response = login(client, name, password)
        assert response.status_code == 401 and "Nom ou mot de passe incorrect." in response.text
        assert client.get("/editeurs/").status_code == 303


def test_login_shows_the_dashboard_then_logout_closes_it(client, editor, report_id):
    response = login(client, suivant="/editeurs/retours")
    assert response.status_code == 303 and response.headers["Location"] == "/editeurs/retours"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/editeurs/").text
    assert "Signalements ouverts" in page and "durée fausse" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page  # report text is escaped
    assert "Connecté : claire" in page
    client.post("/editeurs/deconnexion", data={"csrf_token": csrf(client, "/editeurs/")})
    assert client.get("/editeurs/").status_code == 303


def test_login_never_redirects_to_another_site(client, editor):
    for target in ["https://evil.example/", "//evil.example/editeurs", "/fiches/crpe"]:
        assert login(client, suivant=target).headers["Location"] == "/editeurs/"


@pytest.mark.parametrize(
    "target",
    [
        "/editeurs/\r\nSet-Cookie: x=1",
        "/editeurs/retours\n",
        "/editeurs/\x00",
        "/editeurs/\u2028",
        "/editeurs/../fiches",
    ],
)
def test_a_next_page_with_a_line_break_or_outside_the_area_leads_home(client, editor, target):
    assert client.get("/editeurs/connexion", query_string={"suivant": target}).status_code == 200
    response = login(client, suivant=target)
    assert response.status_code == 303 and response.headers["Location"] == "/editeurs/"


def test_too_many_login_attempts_are_refused(app, client, editor):
    app.config["LOGINS_PER_15_MIN"] = 3
    assert [login(client, password="faux-faux-faux").status_code for _ in range(3)] == [401, 401, 401]
    response = login(client)
    assert response.status_code == 429 and "Trop de demandes" in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


def browser_at(app, address: str):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def test_failing_on_purpose_with_a_name_does_not_lock_its_owner_out(app, editor):
    app.config["LOGINS_PER_15_MIN"] = 3
    owner = browser_at(app, "203.0.113.7")
    assert login(owner).status_code == 303  # the owner's browser is now known for this account
    assert owner.post("/editeurs/deconnexion", data={"csrf_token": csrf(owner)}).status_code == 303
    attacker = [login(browser_at(app, f"198.51.100.{n}"), password="faux-faux-faux").status_code for n in range(12)]
    assert attacker[:9] == [401] * 9 and set(attacker[9:]) == {429}  # 9 failures a name an hour, from anywhere
    assert login(owner).status_code == 303  # the owner, from a known browser, still gets in
    assert login(browser_at(app, "198.51.100.50"), name="bob", password="faux-faux-faux").status_code == 401


def test_an_editor_who_logs_in_often_is_never_held(app, client, editor):
    for _ in range(8):
        assert login(client).status_code == 303


def test_one_address_failing_on_one_name_waits_longer_and_longer(app, editor, monkeypatch):
    from portal import feedback

    app.config["LOGIN_FAILURES"] = (2, 3)  # a quarter of an hour, a day
    now = [datetime(2026, 12, 7, 9, 0, tzinfo=UTC).timestamp()]
    monkeypatch.setattr(feedback.time, "time", lambda: now[0])
    attacker = browser_at(app, "198.51.100.1")
    statuses = [login(attacker, password="faux-faux-faux") for _ in range(3)]
    assert [r.status_code for r in statuses] == [401, 401, 429]
    assert int(statuses[2].headers["Retry-After"]) <= 15 * 60
    assert login(browser_at(app, "203.0.113.7")).status_code == 303  # the owner, elsewhere, is not held
    now[0] += 16 * 60
    assert login(attacker, password="faux-faux-faux").status_code == 401  # a new quarter: one more try today
    response = login(attacker, password="faux-faux-faux")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 14 * 3600  # now until tomorrow


def test_secure_cookie_when_configured(app, client, editor):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "Secure" in login(client).headers["Set-Cookie"]


def test_editor_closes_a_report(app, client, editor, report_id):
    login(client)
    token = csrf(client, "/editeurs/retours")
    response = client.post(f"/editeurs/retours/{report_id}/fermer", data={"csrf_token": token})
    assert response.status_code == 303
    closed = client.get("/editeurs/retours?etat=clos").text
    assert "durée fausse" in closed and "par claire" in closed
    assert "durée fausse" not in client.get("/editeurs/retours").text
    assert client.post("/editeurs/retours/99999/fermer", data={"csrf_token": token}).status_code == 404


def test_close_without_csrf_token_is_refused(app, client, editor, report_id):
    login(client)
    assert client.post(f"/editeurs/retours/{report_id}/fermer").status_code == 400
    with Session(app.extensions["portal_engine"]) as session:
        assert list_reports(session)[0].status == "ouvert"


def test_deleted_account_loses_its_session(client, runner, editor):
    login(client)
    assert client.get("/editeurs/").status_code == 200
    assert runner.invoke(args=["editeur", "retirer", "claire"]).exit_code == 0
    assert client.get("/editeurs/").status_code == 303


def copy_of_session(app, client):
    """Another browser holding a copy of `client`'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, editor):
    login(client)
    thief = copy_of_session(app, client)
    assert thief.get("/editeurs/").status_code == 200  # the copy works while the session lives
    client.post("/editeurs/deconnexion", data={"csrf_token": csrf(client, "/editeurs/")})
    response = thief.get("/editeurs/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/editeurs/connexion")


def test_logout_ends_the_sessions_of_the_account_in_every_browser(app, client, editor):
    other_browser = app.test_client()
    login(client)
    login(other_browser)
    assert other_browser.get("/editeurs/").status_code == 200
    client.post("/editeurs/deconnexion", data={"csrf_token": csrf(client, "/editeurs/")})
    assert other_browser.get("/editeurs/").status_code == 303
    login(other_browser)  # logging in again opens a new session
    assert other_browser.get("/editeurs/").status_code == 200


def test_a_new_password_ends_the_open_sessions(app, client, runner, editor):
    login(client)
    changed = runner.invoke(args=["editeur", "ajouter", "claire"], input="un autre mot de passe\n" * 2)
    assert changed.exit_code == 0 and "mis à jour : ses sessions sont fermées" in changed.output
    assert client.get("/editeurs/").status_code == 303
    assert login(client, password="un autre mot de passe").status_code == 303
    assert client.get("/editeurs/").status_code == 200


def test_an_account_created_again_does_not_revive_old_cookies(app, client, runner, editor):
    login(client)
    thief = copy_of_session(app, client)
    assert runner.invoke(args=["editeur", "retirer", "claire"]).exit_code == 0
    again = runner.invoke(args=["editeur", "ajouter", "claire"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 0
    assert thief.get("/editeurs/").status_code == 303


def test_review_page_lists_what_is_due(client, editor):
    login(client)
    page = client.get("/editeurs/revue").text
    assert "Visite de pré-reprise" in page and "content/dispositifs/visite-pre-reprise.yaml" in page


def test_trees_page_answers_without_trees(client, editor):
    login(client)
    page = client.get("/editeurs/arbres").text
    assert "<h1>Arbres d&#39;orientation</h1>" in page or "<h1>Arbres d'orientation</h1>" in page


def test_trees_page_draws_each_tree_and_keeps_its_text(client, editor):
    login(client)
    response = client.get("/editeurs/arbres")
    page = response.text
    assert '<pre class="mermaid mermaid-text" data-titre="Médecin du travail (test)">flowchart LR' in page
    assert re.search(r'<script src="/static/vendor/mermaid\.min\.js\?v=[0-9a-f]+" defer></script>', page)
    assert re.search(r'<script src="/static/js/trees\.js\?v=[0-9a-f]+" defer></script>', page)
    # Mermaid writes inline styles into its SVG: this page alone allows them; scripts stay the portal's own.
    policy = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    assert policy["style-src"] == "'self' 'unsafe-inline'" and policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in client.get("/editeurs/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in client.get("/editeurs/revue").headers["Content-Security-Policy"]


def test_editor_accounts_from_the_command_line(runner, editor):
    assert "claire" in runner.invoke(args=["editeur", "liste"]).output
    short = runner.invoke(args=["editeur", "ajouter", "bob"], input="court\ncourt\n")
    assert short.exit_code == 1 and "au moins 12 caractères" in short.output
    bad = runner.invoke(args=["editeur", "ajouter", "é"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert bad.exit_code == 1 and "Compte non enregistré" in bad.output
    assert runner.invoke(args=["editeur", "retirer", "personne"]).exit_code == 1


def test_password_is_stored_hashed(app, editor):
    from portal.accounts import EditorAccount

    with Session(app.extensions["portal_engine"]) as session:
        stored = session.get(EditorAccount, "claire").password_hash
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_account_commands_work_while_the_content_is_broken(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from portal.cli import main

    (tmp_path / "content" / "dispositifs").mkdir(parents=True)
    (tmp_path / "content" / "dispositifs" / "x.yaml").write_text("id: x\n\ttitre: tabulation\n")
    monkeypatch.setenv("PORTAL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    added = CliRunner().invoke(main, ["editeur", "ajouter", "claire"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert "0 signalement(s) ouvert(s)." in CliRunner().invoke(main, ["retours"]).output


def test_reports_from_the_command_line(runner, report_id):
    listed = runner.invoke(args=["retours"]).output
    assert f"n° {report_id} " in listed and "crpe" in listed and "1 signalement(s) ouvert(s)." in listed
    closed = runner.invoke(args=["retours", "--fermer", str(report_id), "--par", "claire"])
    assert closed.exit_code == 0 and f"Signalement n° {report_id} clos." in closed.output
    assert "0 signalement(s) ouvert(s)." in runner.invoke(args=["retours"]).output
    assert "clos par claire" in runner.invoke(args=["retours", "--etat", "tous"]).output
    assert runner.invoke(args=["retours", "--fermer", "99999"]).exit_code == 1
    assert runner.invoke(args=["retours", "--fermer", str(2**70)]).exit_code == 1
