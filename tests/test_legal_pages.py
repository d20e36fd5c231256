"""The pages the law asks for (« Accessibilité », « Mentions légales », « Données personnelles »), linked in every
footer, their settings (« non renseigné » when unset, a warning for the operator), the licence of the content,
and the retention of closed reports (erased after PORTAL_REPORT_RETENTION_MONTHS, by a command and by the app)."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from apps import portal_app
from sqlmodel import Session, select

from portal.config import ROOT
from portal.feedback import RateCount, Report, close_report, list_reports, save_report
from portal.retention import months_before, purge_closed_reports
from portal.web.legal import AXE_RESULT, missing_settings

PAGES = {
    "/accessibilite": "Déclaration d'accessibilité",
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
}
LEGAL = {
    "PUBLISHER": "PRITH Bretagne, 1 rue de l'Exemple, 35000 Rennes",
    "PUBLICATION_DIRECTOR": "La présidence du PRITH",
    "HOSTING": "Hébergeur Exemple, 2 avenue de l'Exemple, 59000 Lille",
    "CONTACT": "contact@portail-pdp.example.fr",
}


def text_of(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.mark.parametrize("path", ["/", "/fiches", "/fiches/essai-encadre", "/recherche?q=crpe", "/nulle-part", *PAGES])
def test_every_page_links_the_three_legal_pages_and_the_licence(client, path):
    page = client.get(path).get_data(as_text=True)
    for href, label in [
        ("/accessibilite", "Accessibilité : non conforme"),
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
    ]:
        assert f'<a href="{href}">{label}</a>' in page, (path, href)
    assert 'href="/mentions-legales#licence">Licence Ouverte 2.0</a>' in page
    assert "licence MIT" in page


@pytest.mark.parametrize("path", PAGES)
def test_unset_settings_read_non_renseigne(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert PAGES[path] in text_of(response)
    assert "non renseigné" in text_of(response)


def test_settings_fill_the_pages(tmp_path):
    client = portal_app(tmp_path, **LEGAL).test_client()
    notices = text_of(client.get("/mentions-legales"))
    for value in LEGAL.values():
        assert value in notices
    assert "non renseigné" not in notices
    personal = text_of(client.get("/donnees-personnelles"))
    assert LEGAL["PUBLISHER"] in personal and LEGAL["CONTACT"] in personal
    assert LEGAL["CONTACT"] in text_of(client.get("/accessibilite"))


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_PUBLISHER", "Carsat Exemple")
    monkeypatch.setenv("PORTAL_REPORT_RETENTION_MONTHS", "6")
    client = portal_app(tmp_path).test_client()
    assert "Carsat Exemple" in text_of(client.get("/mentions-legales"))
    assert "6 mois après sa clôture" in text_of(client.get("/donnees-personnelles"))


def test_the_operator_is_warned_of_each_unset_setting():
    warnings = missing_settings({"PUBLISHER": "PRITH", "CONTACT": ""})
    assert len(warnings) == 3
    assert any("PORTAL_CONTACT" in w and "contact non renseigné" in w for w in warnings)
    assert missing_settings(LEGAL) == []


def test_portal_check_prints_the_warnings(runner, monkeypatch):
    monkeypatch.setenv("PORTAL_HOSTING", "Hébergeur Exemple")
    result = runner.invoke(
        args=[
            "check",
            "--contenu",
            str(ROOT / "tests/fixtures/content"),
            "--arbres",
            str(ROOT / "tests/fixtures/trees"),
        ]
    )
    assert (
        "réglage : mentions légales : éditeur du portail non renseigné (réglez PORTAL_PUBLISHER sur le serveur)"
        in result.output
    )
    assert "PORTAL_HOSTING" not in result.output


def test_the_accessibility_statement_is_honest(client):
    text = text_of(client.get("/accessibilite"))
    assert "non conforme" in text and "RGAA" in text and "4.1" in text
    assert "Aucun audit" in text
    assert f"sur {AXE_RESULT['types_de_pages']} types de pages" in text
    assert "Défenseur des droits" in text
    assert "Problème d'accessibilité" in text  # the reason to pick in the report form


def test_the_axe_figures_match_the_test_suite():
    # The statement cites the browser tests: its number of page types is theirs.
    source = (ROOT / "tests/browser/test_browser_accessibility.py").read_text(encoding="utf-8")
    block = source.split("PAGE_TYPES = {", 1)[1].split("\n}", 1)[0]
    assert len(re.findall(r'^\s+"[^"]+": "/', block, re.M)) == AXE_RESULT["types_de_pages"]


def test_a_barrier_can_be_reported_with_its_own_reason(app, client):
    page = client.get("/signaler/crpe").get_data(as_text=True)
    assert 'value="accessibilite"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/signaler/crpe",
        data={"csrf_token": token, "raison": "accessibilite", "texte": "Le menu ne s'ouvre pas au clavier."},
    )
    assert response.status_code == 303
    with Session(app.extensions["portal_engine"]) as session:
        assert [r.reason for r in list_reports(session)] == ["accessibilite"]
    empty = client.post("/signaler/crpe", data={"csrf_token": token, "raison": "accessibilite", "texte": ""})
    assert empty.status_code == 400 and "Avec « Problème d&#39;accessibilité », dites" in empty.get_data(as_text=True)


def test_personal_data_page_says_what_is_kept_and_the_rights(client):
    text = text_of(client.get("/donnees-personnelles"))
    for words in [
        "Signalements",
        "12 mois après sa clôture",
        "art. 6.1 e",
        "art. 6.1 f",
        "Comptages anonymes",
        "Journaux du serveur",
        "CNIL",
        "articles 15 à 21",
        "mot de passe haché",
        "Cookie « appareil connu » des éditeurs",
        "90 jours après la dernière connexion",
    ]:
        assert words in text, words


def test_mentions_legales_name_the_licences_and_the_dila_attribution(real_client):
    client = real_client
    text = text_of(client.get("/mentions-legales"))
    assert "Licence Ouverte 2.0 (Etalab)" in text and "licence MIT" in text
    assert (
        "Annuaire de l'administration (service-public.fr, Direction de l'information légale et administrative)" in text
    )
    footer = text_of(client.get("/"))
    assert "Contacts repris en partie de : Annuaire de l'administration" in footer
    structures = client.get("/api/data-inclusion/structures").get_json()
    [source] = structures["licence"]["sources_tierces"]
    assert source["attribution"].startswith("Annuaire de l'administration") and source["contacts"] > 0


def test_no_third_party_attribution_without_third_party_data(client):
    assert "Annuaire de l'administration" not in text_of(client.get("/"))
    assert client.get("/api/fiches").get_json()["licence"]["sources_tierces"] == []


def test_the_licence_files_exist_and_the_readme_states_them():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    content = (ROOT / "LICENCE-CONTENU.md").read_text(encoding="utf-8")
    assert "LICENCE OUVERTE 2.0 / OPEN LICENCE 2.0" in content and "Annuaire de l'administration" in content
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Licence" in readme and "LICENCE-CONTENU.md" in readme and "/api/openapi.json" in readme


# --- Retention of closed reports ---


def _report(session, days_closed_ago: float | None, text: str = "Le numéro a changé.") -> int:
    report = save_report(session, "crpe", "coordonnees", text, "v1")
    if days_closed_ago is not None:
        close_report(session, report.id, "claire")
        report = session.get(Report, report.id)
        report.closed_at = datetime.now(UTC) - timedelta(days=days_closed_ago)
        session.add(report)
        session.commit()
    return report.id


def test_months_before_counts_calendar_months():
    assert months_before(datetime(2026, 12, 6, 10, tzinfo=UTC), 12) == datetime(2025, 12, 6, 10, tzinfo=UTC)
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(2024, 12, 15, tzinfo=UTC)


def test_a_report_closed_longer_ago_than_the_period_is_gone_with_its_text(app):
    with Session(app.extensions["portal_engine"]) as session:
        old = _report(session, 400, "texte ancien à effacer")
        recent = _report(session, 30)
        still_open = _report(session, None)
        session.get(Report, still_open).created_at = datetime.now(UTC) - timedelta(days=900)
        session.commit()
        assert purge_closed_reports(session, 12) == 1
        kept = {r.id: r.text for r in session.exec(select(Report))}
    assert old not in kept and "texte ancien à effacer" not in kept.values()
    assert set(kept) == {recent, still_open}  # an open report is kept whatever its age


def test_zero_months_keeps_everything(app):
    with Session(app.extensions["portal_engine"]) as session:
        _report(session, 4000)
        assert purge_closed_reports(session, 0) == 0
        assert len(session.exec(select(Report)).all()) == 1


def test_the_command_purges_with_the_setting(app, runner, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("PORTAL_REPORT_RETENTION_MONTHS", "3")
    with Session(app.extensions["portal_engine"]) as session:
        _report(session, 120)
        _report(session, 60)
    result = runner.invoke(args=["purger"])
    assert result.exit_code == 0, result.output
    assert "1 signalement(s) clos depuis plus de 3 mois effacé(s)." in result.output
    with Session(app.extensions["portal_engine"]) as session:
        assert len(session.exec(select(Report)).all()) == 1  # closed 60 days ago: kept
    assert "1 signalement(s) clos depuis plus de 1 mois" in runner.invoke(args=["purger", "--mois", "1"]).output
    with Session(app.extensions["portal_engine"]) as session:
        assert session.exec(select(Report)).all() == []


def test_the_app_purges_by_itself_at_most_once_a_day(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    app = portal_app(tmp_path / "a", DATABASE_URL=database)
    engine = app.extensions["portal_engine"]
    with Session(engine) as session:
        first = _report(session, 400)
        session.add(RateCount(bucket="signalement", client="x", window_start=0, count=3))
        session.commit()
    client = app.test_client()
    client.get("/")  # the first request of the worker purges
    with Session(engine) as session:
        assert session.get(Report, first) is None
        assert session.exec(select(RateCount)).all() == []  # the rate counts of long ago too
        second = _report(session, 400)
    client.get("/fiches")  # within the day: nothing more
    with Session(engine) as session:
        assert session.get(Report, second) is not None
    import portal.retention as retention

    monkeypatch.setattr(retention.time, "monotonic", lambda: 10**12)  # a day later
    client.get("/fiches")
    with Session(engine) as session:
        assert session.get(Report, second) is None


def test_the_purge_works_on_each_kind_of_base(database_url):
    from portal.migrations import upgrade
    from portal.store import make_engine

    engine = make_engine(database_url)
    upgrade(engine)
    try:
        with Session(engine) as session:
            old, recent = _report(session, 370), _report(session, 360)
            assert purge_closed_reports(session, 12) == 1
            assert [r.id for r in session.exec(select(Report))] == [recent]
            assert old != recent
    finally:
        engine.dispose()
