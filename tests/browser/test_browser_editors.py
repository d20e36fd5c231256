"""« Signaler une erreur », the editor area and the editors' preview in a real browser, with and without
JavaScript; axe on each."""

import re
import shutil

import pytest
from apps import portal_app
from playwright.sync_api import expect

from portal import accounts
from portal.config import ROOT
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


def log_in(page) -> None:
    page.goto("/editeurs/connexion")
    page.get_by_label("Nom d'éditeur").fill(EDITOR)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("h1")).to_have_text("Espace éditeurs")


def test_trees_page_draws_each_tree_under_its_policy(page, editor_account, screenshot):
    if not (ROOT / "static" / "vendor" / "mermaid.min.js").exists():
        pytest.fail("static/vendor/mermaid.min.js manque : lancez « make install » (copié depuis node_modules).")
    log_in(page)
    page.goto("/editeurs/arbres")
    graph = page.locator("figure.tree-graph svg")
    expect(graph).to_have_count(1)  # the fixture has one tree
    expect(graph).to_have_attribute("aria-label", "Graphe de l'arbre « Médecin du travail (test) »")
    expect(graph.get_by_text("Où en est la personne ?")).to_be_visible()
    expect(graph.get_by_text("En arrêt de travail")).to_be_visible()  # an answer, on its arrow
    box = graph.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300, box
    # Questions are drawn grey, not black: Mermaid's inline styles were applied (no CSP violation either:
    # the `page` fixture fails the test on any console error).
    fill = page.evaluate("() => getComputedStyle(document.querySelector('figure.tree-graph svg .node polygon')).fill")
    assert fill != "rgb(0, 0, 0)", fill
    text = page.locator("details pre.mermaid")
    expect(text).to_be_hidden()
    page.get_by_text("Texte Mermaid de l'arbre").click()
    expect(text).to_contain_text("flowchart LR")
    screenshot(page, "editeurs-arbres")


def test_trees_page_without_javascript_shows_the_mermaid_text(page_without_js, editor_account):
    log_in(page_without_js)
    page_without_js.goto("/editeurs/arbres")
    expect(page_without_js.locator("pre.mermaid")).to_contain_text("flowchart LR")
    expect(page_without_js.locator("pre.mermaid")).to_be_visible()
    expect(page_without_js.locator("svg")).to_have_count(0)


def test_preview_reloads_a_change_saved_before_its_first_look(serve_app, page_at, tmp_path):
    # The preview used to take its first poll (1.5 s after the page) as its starting point: a file saved in
    # between was never shown. The page now knows which content it was made from.
    shutil.copytree(ROOT / "tests" / "fixtures" / "content", tmp_path / "content")
    (tmp_path / "trees").mkdir()
    app = portal_app(tmp_path, tmp_path / "content", TESTING=False, DEV=True, SECRET_KEY="preview-test")
    page = page_at(serve_app(app))
    page.goto("/fiches/essai-encadre")
    expect(page.locator("h1")).to_contain_text("Essai encadré")
    fiche = tmp_path / "content" / "dispositifs" / "essai-encadre.yaml"
    fiche.write_text(fiche.read_text(encoding="utf-8").replace("titre: Essai encadré", "titre: Essai encadré (relu)"))
    expect(page.locator("h1")).to_contain_text("Essai encadré (relu)", timeout=5_000)
