"""« Signaler une erreur »: on every fiche and contact, without JavaScript; stored, and patient data refused."""

import html
import re

import pytest
from sqlmodel import Session

from portal.feedback import list_reports
from portal.patient_data import find_birth_date_with_name, find_nir, nir_key_is_valid


def token(client, url="/signaler/crpe") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


def stored(app):
    with Session(app.extensions["portal_engine"]) as session:
        return list_reports(session, None)


def test_every_fiche_links_to_the_report_form(client):
    for fiche_id in ("crpe", "essai-encadre", "cap-emploi"):
        page = client.get(f"/fiches/{fiche_id}").text
        assert f'href="/signaler/{fiche_id}">Signaler une erreur sur cette fiche' in page


def test_national_contact_links_to_a_report_on_that_contact(client):
    page = client.get("/fiches/service-social-assurance-maladie").text
    link = re.search(
        r'href="(/signaler/service-social-assurance-maladie\?contact=[^"]+)">Signaler une erreur sur ce', page
    )
    assert link, page
    form = client.get(html.unescape(link.group(1))).text
    assert "Signaler une erreur sur le contact « " in form
    assert 'name="contact" value="' in form


def test_local_contact_partial_links_to_its_acteur(app):
    from flask import render_template

    with app.test_request_context():
        contact = app.extensions["portal_version"].catalog.territoires["56"].contacts[0]
        html = render_template("partials/contact.html", contact=contact)
    assert 'href="/signaler/cap-emploi?contact=Cap+emploi+du+Morbihan"' in html


def test_form_offers_the_fixed_reasons_and_warns_about_patient_data(client):
    page = client.get("/signaler/crpe").text
    for label in (
        "Coordonnées fausses",
        "Conditions fausses",
        "Dispositif supprimé ou suspendu",
        "Lien cassé",
        "Autre",
    ):
        assert label in page
    assert "écrivez aucun nom de personne" in page
    assert 'method="post"' in page and 'action="/signaler/crpe"' in page  # works without JavaScript


def test_a_report_is_stored_with_fiche_contact_and_content_version(app, client):
    catalog = app.extensions["portal_version"].catalog
    response = client.post(
        "/signaler/service-social-assurance-maladie",
        data={
            "csrf_token": token(client),
            "raison": "coordonnees",
            "texte": "Le numéro national a changé.",
            "contact": catalog.fiches["service-social-assurance-maladie"].joindre[0].nom,
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/signaler/service-social-assurance-maladie/merci"
    assert "votre signalement est enregistré" in client.get(response.headers["Location"]).text
    [report] = stored(app)
    assert report.fiche_id == "service-social-assurance-maladie"
    assert report.reason == "coordonnees" and report.text == "Le numéro national a changé."
    assert report.contact and report.content_version == app.extensions["portal_version"].catalog.version
    assert report.status == "ouvert"


def test_an_unknown_contact_name_is_dropped_and_the_report_is_about_the_fiche(app, client):
    data = {"csrf_token": token(client), "raison": "lien-casse", "contact": "<b>inventé</b>"}
    assert client.post("/signaler/crpe", data=data).status_code == 303
    assert stored(app)[0].contact is None


def test_htmx_gets_the_thanks_fragment(client):
    data = {"csrf_token": token(client), "raison": "lien-casse"}
    response = client.post("/signaler/crpe", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="signalement"') and "<html" not in response.text


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ("Mon patient 2 55 08 14 168 025 38 n'a pas été reçu", "numéro de sécurité sociale"),
        ("NIR 255081416802538", "numéro de sécurité sociale"),
        ("assuré 2 80 03 2A 123 456 02", "numéro de sécurité sociale"),  # Corsica, 2A counts as 19
        ("assuré 2 80 03 2B 123 456 29", "numéro de sécurité sociale"),  # Corsica, 2B counts as 18
        ("Mme Durand, née le 12/03/1975, n'a pas eu de rendez-vous", "date de naissance"),
        ("M. Jean Dupont 12/03/1975 attend toujours", "date de naissance"),
        ("Jean DUPONT, 3 mars 1962", "date de naissance"),
        ("2 55 08 14 168 025 39 (clé fausse)", "numéro de sécurité sociale"),  # a wrong key is a typo, still a NIR
        ("ＮＩＲ １８５０５７８００６０８４９１", "numéro de sécurité sociale"),
        ("jean dupont 1975-03-12", "date de naissance"),
        ("Sophie Bernard, née en mars 1975", "date de naissance"),
        ("Mme Sandrine Morel a une sclérose en plaques", "état de santé"),
        ("appelez Mme Camille Roux au 06 12 34 56 78", "numéro de portable"),
    ],
)
def test_patient_like_text_is_refused_with_a_french_explanation(app, client, text, explanation):
    response = client.post("/signaler/crpe", data={"csrf_token": token(client), "raison": "autre", "texte": text})
    assert response.status_code == 400
    assert explanation in response.text and "Pour protéger les patients" in response.text
    assert 'aria-invalid="true"' in response.text
    assert response.headers["Cache-Control"] == "no-store"  # the refused text is shown back: nothing keeps it
    assert stored(app) == []


def test_a_search_for_patient_like_text_is_kept_by_no_cache(client):
    response = client.get("/recherche", query_string={"q": "Mme Sandrine Morel sclérose en plaques"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert "no-store" not in client.get("/recherche", query_string={"q": "sclérose en plaques"}).headers.get(
        "Cache-Control", ""
    )


@pytest.mark.parametrize(
    "text",
    [
        "Le numéro 02 97 00 00 00 ne répond plus",
        "décret n° 2022-373 du 16 mars 2022, art. R4624-29",
        "Numéro vert 0 800 11 10 09, SIRET 123 456 789 00012",
        "La CPAM du Morbihan a déménagé le 12/03/2025",
        "Depuis la loi du 11 février 2005, la RQTH s'obtient auprès de la MDPH",
        "SIRET 123 456 789 00012",
        "Le dossier Agefiph n° 2210512345678 est clos mais la fiche dit de l'ouvrir",
        "La cellule PDP de l'Assurance Maladie de Vannes a un nouveau numéro",
    ],
)
def test_ordinary_text_is_accepted(app, client, text):
    response = client.post("/signaler/crpe", data={"csrf_token": token(client), "raison": "autre", "texte": text})
    assert response.status_code == 303, response.text
    assert stored(app)[0].text == text


def test_nir_key_rule():
    assert nir_key_is_valid("2550814168025", 38) and not nir_key_is_valid("2550814168025", 37)
    assert nir_key_is_valid("280032A123456", 2) and nir_key_is_valid("280032B123456", 29)
    assert find_nir("2-55-08-14-168-025-38") and not find_nir("2 55 13 14 168 025 38")  # no month 13
    assert find_birth_date_with_name("Madame Le Gall, 1er avril 1970") and not find_birth_date_with_name(
        "1er avril 1970"
    )


def test_missing_reason_and_too_long_text_are_explained(app, client):
    response = client.post("/signaler/crpe", data={"csrf_token": token(client), "texte": "x" * 2001})
    assert response.status_code == 400
    assert "Choisissez ce qui ne va pas" in response.text and "raccourcissez-le à 2000" in response.text
    response = client.post("/signaler/crpe", data={"csrf_token": token(client), "raison": "autre"})
    assert "Avec « Autre », dites en quelques mots" in response.text
    assert stored(app) == []


def test_form_without_csrf_token_is_refused_in_french(app, client):
    response = client.post("/signaler/crpe", data={"raison": "lien-casse"})
    assert response.status_code == 400
    assert "Le formulaire a expiré ou ne vient pas du portail" in response.text
    other = app.test_client()  # another browser's token does not fit this session
    response = other.post("/signaler/crpe", data={"csrf_token": token(client), "raison": "lien-casse"})
    assert response.status_code == 400
    assert stored(app) == []


def test_oversized_request_is_refused(app, client):
    data = {"csrf_token": token(client), "raison": "autre", "texte": "a" * 20_000}
    response = client.post("/signaler/crpe", data=data)
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.text
    assert stored(app) == []


def test_rate_limit_per_client(app, client):
    app.config["REPORTS_PER_HOUR"] = 2
    data = {"csrf_token": token(client), "raison": "lien-casse"}
    assert [client.post("/signaler/crpe", data=data).status_code for _ in range(2)] == [303, 303]
    response = client.post("/signaler/crpe", data=data)
    assert response.status_code == 429 and "Trop de demandes" in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert re.search(r"réessayez dans \d+ (minute|seconde)", response.text)
    elsewhere = app.test_client()
    other = {"csrf_token": token(elsewhere), "raison": "lien-casse"}
    assert elsewhere.post("/signaler/crpe", data=other, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 303
    assert len(stored(app)) == 3


def test_unknown_fiche_gives_the_french_404(client):
    response = client.get("/signaler/nexiste-pas")
    assert response.status_code == 404 and "Fiche introuvable" in response.text
    assert client.post("/signaler/nexiste-pas", data={"csrf_token": token(client)}).status_code == 404


def test_typed_text_is_escaped_when_the_form_comes_back(client):
    text = "<script>alert(1)</script> 2 55 08 14 168 025 38"
    page = client.post("/signaler/crpe", data={"csrf_token": token(client), "raison": "autre", "texte": text}).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_control_characters_are_removed_before_storage(app, client):
    data = {"csrf_token": token(client), "raison": "autre", "texte": "Lien\x00 mort\x1b[31m\r\nvoir site"}
    assert client.post("/signaler/crpe", data=data).status_code == 303
    assert stored(app)[0].text == "Lien mort[31m\nvoir site"


def test_each_contact_of_the_contacts_page_links_to_a_report(client):
    page = client.get("/contacts?lieu=56").text
    assert 'href="/signaler/cap-emploi?contact=Cap+emploi+du+Morbihan"' in page
    shown = page.count('<div class="contact">') + page.count('class="contact-mention"')
    assert page.count("Signaler une erreur sur ce contact") == shown
