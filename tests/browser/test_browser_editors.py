"""« Signaler une erreur » and the editor area in a real browser, with and without JavaScript; axe on each."""

import re

import pytest
from playwright.sync_api import expect

from portal import accounts
from portal.store import get_session

EDITOR, PASSWORD = "coordination-prith", "un mot de passe assez long"


@pytest.fixture(scope="module")
def editor_account(live_app):
    with live_app.app_context():
        accounts.set_account(get_session(), EDITOR, PASSWORD)
        get_session().commit()
    return EDITOR


def test_report_with_htmx_swaps_the_form_and_focuses_its_answer(page, axe_page, axe, screenshot):
    page.goto("/fiches/essai-encadre")
    page.get_by_role("link", name="Signaler une erreur sur cette fiche").click()
    expect(page).to_have_url("/signaler/essai-encadre")
    screenshot(page, "signaler-une-erreur")
    page.get_by_role("radio", name="Autre").check()
    page.get_by_role("button", name="Envoyer le signalement").click()
    # « Autre » needs a text: the form comes back with the error, focused, in French.
    expect(page.get_by_role("alert")).to_contain_text("Avec « Autre », dites en quelques mots")
    expect(page.locator("#t-signalement")).to_be_focused()
    page.get_by_label("Précisez").fill("Le lien vers le décret ne marche plus.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator("#t-signalement-merci")).to_be_focused()
    expect(page).to_have_url("/signaler/essai-encadre")  # htmx swapped the form in place


def test_report_without_javascript_redirects_to_a_thank_you_page(page_without_js):
    page = page_without_js
    page.goto("/signaler/essai-encadre")
    page.get_by_role("radio", name="Lien cassé").check()
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page).to_have_url("/signaler/essai-encadre/merci")
    expect(page.locator("h1, h2").first).to_be_visible()
    expect(page.get_by_text("Merci, votre signalement est enregistré")).to_be_visible()


def test_report_form_with_errors_has_no_serious_accessibility_violation(axe_page, axe):
    axe_page.goto("/signaler/essai-encadre")
    axe_page.get_by_role("radio", name="Autre").check()
    axe_page.get_by_role("button", name="Envoyer le signalement").click()
    expect(axe_page.get_by_role("alert")).to_be_visible()
    assert not [v["id"] for v in axe(axe_page) if v["impact"] in {"serious", "critical"}]


def test_editor_logs_in_sees_the_dashboard_and_logs_out(page, editor_account, screenshot):
    response = page.goto("/editeurs/")
    expect(page).to_have_url(re.compile(r"/editeurs/connexion\?suivant="))
    assert response.status == 200
    screenshot(page, "editeurs-connexion")
    page.get_by_label("Nom d'éditeur").fill(EDITOR)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Nom ou mot de passe incorrect.")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/editeurs/$"))
    expect(page.locator("h1")).to_have_text("Espace éditeurs")
    screenshot(page, "editeurs-tableau-de-bord")
    cookie = next(c for c in page.context.cookies() if c["name"] == "session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/editeurs/connexion$"))


@pytest.mark.parametrize("path", ["/editeurs/", "/editeurs/retours", "/editeurs/revue", "/editeurs/arbres"])
def test_editor_pages_have_no_serious_accessibility_violation(axe_page, axe, editor_account, path):
    axe_page.goto("/editeurs/connexion")
    axe_page.get_by_label("Nom d'éditeur").fill(EDITOR)
    axe_page.get_by_label("Mot de passe").fill(PASSWORD)
    axe_page.get_by_role("button", name="Se connecter").click()
    expect(axe_page.locator("h1")).to_have_text("Espace éditeurs")
    axe_page.goto(path)
    assert not [v["id"] for v in axe(axe_page) if v["impact"] in {"serious", "critical"}]
