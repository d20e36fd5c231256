"""The attacks of the issue « safely served », each answered in French and never with a 500."""

import logging
import re

import pytest

from portal.logs import escape_control


def csrf(client, url) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


@pytest.mark.parametrize("sent", ["é", "jeton-modifié", "\u2028", "🙂" * 40])
@pytest.mark.parametrize("url", ["/signaler/crpe", "/editeurs/connexion"])
def test_a_non_ascii_csrf_token_is_refused_in_french(client, url, sent):
    csrf(client, url)  # the session has a token; the form sends another one
    response = client.post(url, data={"csrf_token": sent, "raison": "lien-casse", "nom": "x", "mot_de_passe": "y"})
    assert response.status_code == 400
    assert "Le formulaire a expiré ou ne vient pas du portail" in response.text


@pytest.mark.parametrize("page", ["²", "١", "٣", "Ⅻ", "1" * 5000, "-1", "0", "99999"])
def test_an_unreadable_page_number_gives_the_first_page_with_a_notice(client, page):
    response = client.get("/recherche", query_string={"q": "essai", "page": page})
    assert response.status_code == 200
    assert "Le numéro de page demandé n&#39;existe pas" in response.text or "numéro de page demandé" in response.text
    api = client.get("/api/recherche", query_string={"q": "essai", "page": page})
    assert api.status_code == 200 and api.json["page"] == 1


def test_a_report_id_beyond_sql_integers_is_a_404(client):
    token = csrf(client, "/editeurs/connexion")
    for report_id in (2**31, 2**63, 2**64 + 1, int("9" * 40)):
        response = client.post(f"/editeurs/retours/{report_id}/fermer", data={"csrf_token": token})
        assert response.status_code == 404 and "Page introuvable" in response.text


def test_control_characters_are_escaped_in_log_lines():
    assert escape_control('/x\n127.0.0.1 - - "GET / HTTP/1.1" 200') == '/x\\n127.0.0.1 - - "GET / HTTP/1.1" 200'
    assert escape_control("a\rb\x1b[31mc\u2028d\x00") == "a\\rb\\x1b[31mc\\u2028d\\x00"
    assert escape_control("Qui contacter ? Vannes, 56 — « é »") == "Qui contacter ? Vannes, 56 — « é »"


def test_an_unexpected_error_on_a_path_with_a_line_break_logs_one_line(app, client, caplog):
    @app.get("/boum/<rest>")
    def boom(rest):
        raise RuntimeError("boum")

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get("/boum/x%0A127.0.0.1%20-%20-%20faux%0D%1B[2J")
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == app.logger.name]
    assert record.getMessage() == "Erreur inattendue sur /boum/x\\n127.0.0.1 - - faux\\r\\x1b[2J"


def test_an_untrusted_host_is_refused_in_french(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Le portail ne répond pas sous ce nom d'hôte" in response.text
    api = client.get("/api/recherche?q=essai", headers={"Host": "evil.example"})
    assert api.status_code == 400 and "nom d'hôte" in api.json["message"]


def test_absolute_urls_use_a_trusted_host_only(app, client):
    app.config["TRUSTED_HOSTS"] = ["portail.example.fr", ".example.org"]
    for host in ("portail.example.fr", "www.example.org"):
        result = client.get("/api/recherche?q=essai", headers={"Host": host}).json["resultats"][0]
        assert result["url"].startswith(f"http://{host}/fiches/")
    assert client.get("/api/recherche?q=essai", headers={"Host": "localhost"}).status_code == 400
    # Behind no trusted proxy, X-Forwarded-Host is ignored: the URLs keep the Host the request came with.
    forwarded = client.get("/api/recherche?q=essai", headers={"Host": "portail.example.fr", "X-Forwarded-Host": "evil"})
    assert forwarded.json["resultats"][0]["url"].startswith("http://portail.example.fr/")


def test_behind_a_proxy_an_untrusted_forwarded_host_is_refused(tmp_path):
    from apps import portal_app

    app = portal_app(tmp_path, PROXIES="1", TRUSTED_HOSTS=["portail.example.fr"], SQLITE_IN_PRODUCTION=True)
    client = app.test_client()
    assert client.get("/", headers={"X-Forwarded-Host": "evil.example"}).status_code == 400
    response = client.get("/api/recherche?q=essai", headers={"X-Forwarded-Host": "portail.example.fr"})
    assert response.status_code == 200 and response.json["resultats"][0]["url"].startswith("http://portail.example.fr/")


def test_trusted_hosts_come_from_the_environment(monkeypatch, tmp_path):
    from portal.config import settings_from_env

    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", " portail.example.fr , .example.org ,")
    assert settings_from_env(str(tmp_path))["TRUSTED_HOSTS"] == ["portail.example.fr", ".example.org"]
    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", "")  # empty is not « every host »: the safe default stays
    assert settings_from_env(str(tmp_path))["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]
