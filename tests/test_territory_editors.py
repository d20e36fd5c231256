"""Territory editors on the web: invited by link, scoped to their territory, they add, change, confirm and retire
contacts through a form that writes the YAML file (diff first, checked like `portal check`), never overwrite each
other, keep a history that can be undone, and answer reports from a queue; doctors see the change at once."""

import html
import re
import shutil
import socket
import subprocess
from datetime import date

import pytest
import yaml
from apps import FIXTURES, portal_app
from sqlmodel import Session

from portal.feedback import Report, list_reports

PASSWORD = "un mot de passe assez long"


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", folder)
    return folder


@pytest.fixture
def app(tmp_path, content, monkeypatch):
    app = portal_app(tmp_path / "instance", content, FIXTURES / "trees", DATABASE_URL=f"sqlite:///{tmp_path}/t.db")
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    return app


def token(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


def login(client, name, password=PASSWORD):
    form = {"csrf_token": token(client, "/editeurs/connexion"), "nom": name, "mot_de_passe": password}
    assert client.post("/editeurs/connexion", data=form).status_code == 303


def national(app):
    result = app.test_cli_runner().invoke(args=["editeur", "ajouter", "national", "--mot-de-passe", PASSWORD])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    login(client, "national")
    return client


def invite(client, kind="departement", code="56", **extra) -> str:
    form = {"csrf_token": token(client, "/editeurs/invitations"), "type": kind, "code": code, **extra}
    page = client.post("/editeurs/invitations", data=form)
    assert page.status_code == 200, page.text
    return re.search(r'<code id="lien-invitation">([^<]+)</code>', page.text).group(1)


def accept(app, link, name="cap56"):
    client = app.test_client()
    path = link.split("localhost", 1)[-1]
    form = {"csrf_token": token(client, path), "nom": name, "mot_de_passe": PASSWORD, "confirmation": PASSWORD}
    response = client.post(path, data=form)
    assert response.status_code == 303 and response.headers["Location"].endswith("/editeurs/territoires/")
    return client


@pytest.fixture
def morbihan(app):
    return accept(app, invite(national(app)))


FORM = {
    "acteur": "cap-emploi",
    "nom": "Cap emploi du Morbihan",
    "telephone": "02 97 11 22 33",
    "source_titre": "Site du Cap emploi 56, page Contact",
    "source_url": "https://www.example.org/cap-emploi-56/contact",
    "source_vu_le": "01/12/2026",
    "statut": "a-verifier",
    "raison": "Numéro du standard, lu sur le site",
}
FORM_URL = "/editeurs/territoires/territoires/56/contact"


def submit(client, action="enregistrer", n="0", original=None, **changes):
    if original is None:
        original = re.search(r'name="original" value="([^"]*)"', client.get(f"{FORM_URL}?n={n}").text).group(1)
    form = {**FORM, "n": n, "original": original, "action": action, "csrf_token": token(client, FORM_URL), **changes}
    return client.post(FORM_URL, data=form)


def contacts_of(content, code="56"):
    return yaml.safe_load((content / "territoires" / f"{code}.yaml").read_text(encoding="utf-8"))["contacts"]


def test_an_invited_editor_creates_an_account_once_and_keeps_only_their_territory(app, morbihan):
    assert "Morbihan (56)" in morbihan.get("/editeurs/territoires/").text
    assert morbihan.get("/editeurs/territoires/territoires/56").status_code == 200
    other = morbihan.get("/editeurs/territoires/territoires/21")
    assert other.status_code == 403 and "n'est pas le vôtre" in html.unescape(other.text)
    assert morbihan.get("/editeurs/retours").status_code == 403  # every report of the country: national only
    assert 'href="/editeurs/retours"' not in morbihan.get("/editeurs/territoires/").text  # nor offered to them
    assert morbihan.get("/editeurs/").headers["Location"].endswith("/editeurs/territoires/")


def test_an_invitation_link_serves_once(app):
    link = invite(national(app))
    accept(app, link)
    again = app.test_client().get(link.split("localhost", 1)[-1])
    assert again.status_code == 404 and "n'est plus valable" in html.unescape(again.text)


def test_the_command_line_gives_an_invitation_link(app):
    result = app.test_cli_runner().invoke(args=["editeur", "inviter", "--region", "53"])
    assert result.exit_code == 0, result.output
    link = re.search(r"http://\S+/editeurs/invitation/\S+", result.output).group(0)
    page = app.test_client().get(link.split("5000", 1)[1])
    assert page.status_code == 200 and "Région Bretagne" in page.text


def test_the_diff_comes_first_and_nothing_is_written_before_saving(morbihan, content):
    before = (content / "territoires" / "56.yaml").read_text(encoding="utf-8")
    preview = submit(morbihan, action="apercu")
    assert preview.status_code == 200
    assert (
        "+    telephone: &#34;02 97 11 22 33&#34;" in preview.text or '+    telephone: "02 97 11 22 33"' in preview.text
    )
    assert (content / "territoires" / "56.yaml").read_text(encoding="utf-8") == before


def test_a_saved_phone_is_on_the_doctors_page_at_once(morbihan, content, app):
    # The contacts page, the same for one dispositif, and an orientation result in the place: each was rendered
    # (and its blocks kept for the version) before the change.
    pages = [
        "/contacts?lieu=Vannes",
        "/contacts?lieu=56&pour=cap-emploi",
        "/orientation/medecin-du-travail?etape=reprise&lieu=Vannes",
    ]
    client = app.test_client()
    assert not any("02 97 11 22 33" in client.get(page).text for page in pages)
    saved = submit(morbihan)
    assert saved.status_code == 303
    assert contacts_of(content)[0]["telephone"] == "02 97 11 22 33"
    assert "est publiée" in morbihan.get(saved.headers["Location"]).text
    for page in pages:  # same process, no restart
        assert "02 97 11 22 33" in client.get(page).text, page


def test_a_wrong_value_is_refused_in_french_at_its_field_and_nothing_is_written(morbihan, content):
    before = (content / "territoires" / "56.yaml").read_text(encoding="utf-8")
    page = submit(morbihan, telephone="appelez le standard")
    assert page.status_code == 400
    assert 'id="erreur-telephone"' in page.text and "téléphone" in page.text.lower()
    no_way = submit(morbihan, telephone="")
    assert no_way.status_code == 400 and "au moins un moyen de joindre" in no_way.text
    bad_date = submit(morbihan, source_vu_le="hier")
    assert bad_date.status_code == 400 and "06/12/2026" in bad_date.text
    assert (content / "territoires" / "56.yaml").read_text(encoding="utf-8") == before


def test_confirming_needs_a_source_and_stamps_who_and_when_for_editors_only(morbihan, content, app):
    refused = submit(morbihan, statut="verifie", source_url="", source_document="")
    assert refused.status_code == 400 and "Pour confirmer" in refused.text
    assert submit(morbihan, statut="verifie").status_code == 303
    contact = contacts_of(content)[0]
    assert contact["statut"] == "verifie" and contact["confirme_par"] == "cap56"
    assert contact["confirme_le"] == date.today()
    api = app.test_client().get("/api/contacts?lieu=56").get_json()
    mine = [c for c in api["contacts"] if c["nom"] == "Cap emploi du Morbihan"][0]
    assert mine["statut"] == "verifie" and "confirme_par" not in mine
    assert "cap56" not in app.test_client().get("/contacts?lieu=56").text


def test_two_editors_saving_the_same_contact_get_a_conflict_and_nothing_is_lost(app, morbihan, content):
    other = accept(app, invite(national(app)), name="prith-bretagne")
    original = re.search(r'name="original" value="([^"]*)"', morbihan.get(f"{FORM_URL}?n=0").text).group(1)
    assert submit(other, original=original, telephone="02 97 44 55 66").status_code == 303
    late = submit(morbihan, original=original, telephone="02 97 11 22 33")
    assert late.status_code == 409
    assert "Quelqu'un a changé ce contact" in html.unescape(late.text)
    assert "02 97 44 55 66" in late.text and "02 97 11 22 33" in late.text  # theirs shown, mine kept in the form
    assert contacts_of(content)[0]["telephone"] == "02 97 44 55 66"


def test_a_change_to_another_contact_of_the_file_is_no_conflict(morbihan, content):
    original = re.search(r'name="original" value="([^"]*)"', morbihan.get(f"{FORM_URL}?n=0").text).group(1)
    added = submit(morbihan, n="", original="", acteur="service-social-assurance-maladie", nom="Service social 56")
    assert added.status_code == 303
    assert submit(morbihan, original=original).status_code == 303
    assert [c["nom"] for c in contacts_of(content)] == ["Cap emploi du Morbihan", "Service social 56"]


def test_a_change_is_kept_with_its_author_and_reason_and_can_be_undone(morbihan, content, app):
    before = (content / "territoires" / "56.yaml").read_text(encoding="utf-8")
    submit(morbihan)
    page = morbihan.get("/editeurs/territoires/territoires/56").text
    assert "par cap56" in page and "Numéro du standard, lu sur le site" in page
    change_id = re.search(r"/historique/(\d+)/annuler", page).group(1)
    form = {"csrf_token": token(morbihan, "/editeurs/territoires/territoires/56")}
    assert morbihan.post(f"/editeurs/territoires/historique/{change_id}/annuler", data=form).status_code == 303
    assert yaml.safe_load((content / "territoires" / "56.yaml").read_text(encoding="utf-8")) == yaml.safe_load(before)
    assert "02 97 11 22 33" not in app.test_client().get("/contacts?lieu=56").text


def test_retiring_shows_the_diff_asks_why_and_can_be_put_back(morbihan, content):
    page = morbihan.get("/editeurs/territoires/territoires/56/retirer?n=0")
    assert page.status_code == 200 and "-  - acteur: cap-emploi" in page.text
    url = "/editeurs/territoires/territoires/56/retirer"
    original = re.search(r'name="original" value="([^"]*)"', page.text).group(1)
    form = {"csrf_token": token(morbihan, url + "?n=0"), "n": "0", "original": original}
    assert morbihan.post(url, data=form).status_code == 400  # no reason
    assert morbihan.post(url, data={**form, "raison": "Service fermé"}).status_code == 303
    assert contacts_of(content) in (None, [])


def test_in_a_git_checkout_each_change_is_a_commit_by_its_author(morbihan, content):
    subprocess.run(["git", "init", "-q", str(content)], check=True)
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", *identity, "-C", str(content), "add", "-A"], check=True)
    subprocess.run(["git", *identity, "-C", str(content), "commit", "-qm", "départ"], check=True)
    assert submit(morbihan).status_code == 303
    log = subprocess.run(
        ["git", "-C", str(content), "log", "-1", "--format=%an%n%s", "--name-only"], capture_output=True, text=True
    ).stdout
    assert log.splitlines()[:2] == ["cap56", "Numéro du standard, lu sur le site"]
    assert "territoires/56.yaml" in log


def test_a_report_on_a_contact_lands_in_its_territory_queue_and_is_applied(app, morbihan, content):
    public = app.test_client()
    url = "/signaler/cap-emploi?contact=Cap emploi du Morbihan"
    form = {"csrf_token": token(public, url), "contact": "Cap emploi du Morbihan", "raison": "coordonnees"}
    assert public.post("/signaler/cap-emploi", data={**form, "texte": "Le numéro a changé"}).status_code == 303
    queue = morbihan.get("/editeurs/territoires/territoires/56").text
    assert "Le numéro a changé" in queue
    report_id = re.search(r"signalement=(\d+)", queue).group(1)
    prefilled = morbihan.get(f"{FORM_URL}?n=0&signalement={report_id}").text
    assert 'value="Cap emploi du Morbihan"' in prefilled and "Le numéro a changé" in html.unescape(prefilled)
    assert submit(morbihan, signalement=report_id).status_code == 303
    with Session(app.extensions["portal_engine"]) as session:
        report = session.get(Report, int(report_id))
        assert (report.status, report.resolution) == ("clos", "applique")
    assert "Le numéro a changé" not in public.get("/contacts?lieu=56").text
    assert "Le numéro a changé" not in (content / "territoires" / "56.yaml").read_text(encoding="utf-8")


def test_a_report_is_rejected_with_a_reason(app, morbihan):
    public = app.test_client()
    form = {"csrf_token": token(public, "/signaler/cap-emploi"), "contact": "Cap emploi du Morbihan"}
    public.post("/signaler/cap-emploi", data={**form, "raison": "coordonnees", "texte": "faux"})
    queue = morbihan.get("/editeurs/territoires/territoires/56").text
    report_id = re.search(r"/signalements/(\d+)/rejeter", queue).group(1)
    form = {"csrf_token": token(morbihan, "/editeurs/territoires/territoires/56"), "raison": "Numéro vérifié"}
    assert morbihan.post(f"/editeurs/territoires/signalements/{report_id}/rejeter", data=form).status_code == 303
    with Session(app.extensions["portal_engine"]) as session:
        closed = list_reports(session, "clos")[0]
    assert (closed.resolution, closed.resolution_note) == ("rejete", "Numéro vérifié")


def test_the_worklist_puts_what_doctors_ask_for_first(app, morbihan):
    public = app.test_client()
    for _ in range(3):
        public.get("/contacts?lieu=56&pour=service-social-assurance-maladie")
    page = morbihan.get("/editeurs/territoires/").text
    rows = re.findall(r"<tr>\s*<td>Morbihan \(56\)</td>\s*<td>([^<]+)</td>\s*<td>.*?</td>\s*<td>(\d+)</td>", page, re.S)
    assert html.unescape(rows[0][0]) == "Service social de l'Assurance Maladie" and rows[0][1] == "3"


def test_an_invitation_is_sent_by_the_configured_smtp_server(tmp_path, content):
    from aiosmtpd.controller import Controller

    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port on loopback for the test's own SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = portal_app(
            tmp_path / "instance",
            content,
            FIXTURES / "trees",
            DATABASE_URL=f"sqlite:///{tmp_path}/m.db",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=port,
            SMTP_FROM="portail@example.org",
        )
        runner = app.test_cli_runner()
        runner.invoke(
            args=["editeur", "ajouter", "national", "--mot-de-passe", PASSWORD],
            env={"DATABASE_URL": app.config["DATABASE_URL"]},
        )
        client = app.test_client()
        login(client, "national")
        link = invite(client, courriel="prith@example.org")
    finally:
        controller.stop()
    assert received and received[0].rcpt_tos == ["prith@example.org"]
    body = received[0].content.decode()
    assert link in body.replace("=\r\n", "").replace("=3D", "=")


def test_coverage_leaves_out_the_doctors_and_says_what_an_editor_can_do(real_client):
    data = real_client.get("/api/couverture").get_json()
    acteurs = {cell["acteur"] for d in data["departements"] for cell in d["acteurs"]}
    assert "medecin-du-travail" not in acteurs and "medecin-traitant" not in acteurs and "cap-emploi" in acteurs
    page = real_client.get("/couverture").text
    assert "/editeurs/territoires/" in page
