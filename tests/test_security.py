"""Security headers on every route, session cookie flags, and the reverse-proxy setting."""

import re
from pathlib import Path

import pytest
from apps import portal_app
from flask import session
from werkzeug.routing.converters import NumberConverter

from portal.web.security import SECURITY_HEADERS

TEMPLATES = Path(__file__).parent.parent / "templates"

# A real value for each URL argument the portal's routes take, so the test reaches the view, not a 404.
SAMPLE_ARGUMENTS = {
    "fiche_id": "essai-encadre",
    "filename": "css/portal.css",
    "tree": "medecin-du-travail",
    "tree_id": "medecin-du-travail",
    "terme": "rqth",
}


def every_route_url(app) -> list[tuple[str, str]]:
    """(method, URL) for every rule the app serves, arguments filled with real values."""
    urls = []
    for rule in app.url_map.iter_rules():
        values = {
            name: 1
            if isinstance(rule._converters.get(name), NumberConverter)
            else SAMPLE_ARGUMENTS.get(name, "inconnu")
            for name in rule.arguments
        }
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


def assert_security_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"


def test_every_route_and_method_sends_the_security_headers(app, client):
    urls = every_route_url(app)
    assert ("GET", "/fiches/essai-encadre") in urls  # the enumeration reaches real views
    for method, url in urls:
        with client.open(url, method=method) as response:
            assert response.status_code < 500, (method, url)
            assert_security_headers(response)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/nulle-part"),  # 404 page
        ("GET", "/api/fiches/nope"),  # JSON 404
        ("DELETE", "/fiches"),  # 405
        ("GET", "/fiches?type=<script>"),  # notice
        ("GET", "/static/css/portal.css"),  # static file
        ("GET", "/static/nulle-part.css"),
    ],
)
def test_errors_and_static_files_send_the_security_headers(client, method, url):
    with client.open(url, method=method) as response:
        assert_security_headers(response)


def test_unexpected_error_page_sends_the_security_headers(app, client):
    @app.get("/boum-test")
    def boom():
        raise RuntimeError("boum")

    response = client.get("/boum-test")
    assert response.status_code == 500
    assert "Erreur du portail" in response.text
    assert_security_headers(response)


def test_no_hsts_over_plain_http_but_hsts_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def _app_with_session_route(tmp_path, **config):
    app = portal_app(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'test.sqlite3'}", **config)

    @app.get("/session-test")
    def set_session():
        session["vu"] = True
        return "ok"

    return app


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    return cookies[0]


def test_session_cookie_is_httponly_and_samesite_and_not_secure_over_http(tmp_path):
    cookie = _session_cookie(_app_with_session_route(tmp_path).test_client().get("/session-test"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_tls(tmp_path):
    client = _app_with_session_route(tmp_path).test_client()
    cookie = _session_cookie(client.get("/session-test", base_url="https://localhost"))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_session_cookie_is_secure_when_configured(tmp_path):
    app = _app_with_session_route(tmp_path, SESSION_COOKIE_SECURE=True)
    assert "Secure" in _session_cookie(app.test_client().get("/session-test"))


def test_forwarded_proto_is_ignored_without_proxies(tmp_path):
    client = _app_with_session_route(tmp_path).test_client()
    response = client.get("/session-test", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in _session_cookie(response)
    assert "Strict-Transport-Security" not in response.headers


def test_forwarded_proto_is_honoured_behind_a_configured_proxy(tmp_path):
    client = _app_with_session_route(tmp_path, PROXIES="1", SQLITE_IN_PRODUCTION=True).test_client()
    response = client.get("/session-test", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in _session_cookie(response)
    assert "Strict-Transport-Security" in response.headers


def test_a_bad_proxies_setting_stops_with_a_french_message(tmp_path):
    with pytest.raises(SystemExit, match="PORTAL_PROXIES doit être un nombre"):
        _app_with_session_route(tmp_path, PROXIES="beaucoup")


def test_headers_match_the_documented_policy(client):
    response = client.get("/")
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


# A strict CSP forbids these: a template that uses one would break in browsers, silently.
INLINE_PATTERNS = {
    "<script> sans src": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style>": re.compile(r"<style[\s>]", re.I),
    "attribut style=": re.compile(r"\sstyle\s*=", re.I),
    "gestionnaire on…=": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on (eval)": re.compile(r"\shx-on[:-]", re.I),
    "URL javascript:": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE_PATTERNS.items() if pattern.search(text)]
    assert not found, f"{template.name} : {', '.join(found)} (interdit par la CSP)"


def test_the_instance_secret_key_is_private_and_one_when_workers_start_together(tmp_path):
    import threading

    from portal.config import _instance_secret

    for round_ in range(10):
        instance = tmp_path / f"instance-{round_}"
        start, keys = threading.Barrier(6), []

        def first_start(instance=instance, start=start, keys=keys):
            start.wait()
            keys.append(_instance_secret(instance))

        workers = [threading.Thread(target=first_start) for _ in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert len(keys) == 6 and len(set(keys)) == 1 and len(keys[0]) == 64
        assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600
        assert [path.name for path in instance.iterdir()] == ["secret_key"]  # no draft left behind


def test_two_processes_starting_at_once_share_one_key(tmp_path):
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from portal.config import _instance_secret

    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        keys = list(pool.map(_instance_secret, [tmp_path / "instance"] * 8))
    assert len(set(keys)) == 1


def test_an_existing_key_readable_by_others_is_made_private(tmp_path):
    from portal.config import _instance_secret

    (tmp_path / "secret_key").write_text("cle-ancienne\n")
    (tmp_path / "secret_key").chmod(0o644)
    assert _instance_secret(tmp_path) == "cle-ancienne"
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_sqlite_database_and_its_journal_are_private(app, tmp_path):
    from sqlmodel import Session

    from portal.feedback import save_report

    with Session(app.extensions["portal_engine"]) as session:
        save_report(session, "crpe", "lien-casse", "", "v1")
        files = [path for path in tmp_path.iterdir() if path.name.startswith("test.sqlite3")]
        assert {path.name for path in files} >= {"test.sqlite3", "test.sqlite3-wal", "test.sqlite3-shm"}
        assert {path.name: path.stat().st_mode & 0o777 for path in files} == {path.name: 0o600 for path in files}
