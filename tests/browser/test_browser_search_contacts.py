"""Search with live results and « qui contacter » in a real browser, with and without JavaScript."""

import re

from playwright.sync_api import expect


def test_search_shows_results_as_one_types_and_keeps_the_focus_in_the_field(page, screenshot):
    page.goto("/recherche")
    field = page.locator("#q")
    field.click()
    field.press_sequentially("Sameth", delay=40)
    expect(page.get_by_role("link", name="Cap emploi", exact=True).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/recherche\?q=Sameth$"))
    expect(field).to_be_focused()  # live results must not steal the focus from someone typing
    expect(page.locator("#compte-resultats")).not_to_be_empty()
    expect(page.locator("h1")).to_have_count(1)
    screenshot(page, "recherche")
    field.fill("")
    field.press_sequentially("essai encadre", delay=40)
    expect(page.get_by_role("link", name="Essai encadré", exact=True)).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/recherche\?q=Sameth$"))
    expect(page.get_by_role("link", name="Cap emploi", exact=True).first).to_be_visible()


def test_search_without_javascript_from_the_home_page(page_without_js):
    page = page_without_js
    page.goto("/")
    page.get_by_role("searchbox").first.fill("crpe")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche\?q=crpe$"))
    expect(
        page.locator(".results").get_by_role("link", name="Convention de rééducation professionnelle en entreprise")
    ).to_be_visible()


def test_search_for_nonsense_says_so_in_french(page):
    page.goto("/recherche?q=%3Cscript%3Exyzzy")
    expect(page.locator("#resultats")).to_contain_text(re.compile(r"[Aa]ucun"))
    assert page.evaluate("() => document.querySelectorAll('#resultats script').length") == 0


def test_a_situation_heads_the_results_and_nonsense_offers_ways_out(page, screenshot):
    page.goto("/recherche")
    page.locator("#q").press_sequentially("longue maladie", delay=40)
    expect(page.get_by_role("heading", name="Arrêt long : voici les fiches utiles")).to_be_visible()
    expect(page.locator(".results .result").first).to_contain_text("Visite de pré-reprise")
    screenshot(page, "recherche-situation")
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("xyzzyq", delay=40)
    expect(page.locator("#resultats")).to_contain_text("Aucune fiche ne correspond")
    screenshot(page, "recherche-sans-resultat")
    page.locator("#resultats").get_by_role("link", name="Qui contacter ?").click()
    expect(page).to_have_url(re.compile(r"/contacts$"))


def test_contacts_with_htmx_show_local_contacts_and_focus_their_heading(page, screenshot):
    page.goto("/contacts")
    page.get_by_label("Commune, code postal ou département").fill("Vannes")
    page.get_by_role("button", name="Voir les contacts").click()
    expect(page.locator("#titre-contacts")).to_contain_text("Morbihan")
    expect(page.locator("#titre-contacts")).to_be_focused()
    expect(page.get_by_text("Cap emploi du Morbihan", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/contacts\?lieu=Vannes"))
    screenshot(page, "contacts")
    page.get_by_label("Commune, code postal ou département").fill("Nullepartville")
    page.get_by_role("button", name="Voir les contacts").click()
    expect(page.locator("#titre-contacts")).to_have_text("Lieu introuvable")
    page.go_back()
    expect(page.get_by_text("Cap emploi du Morbihan", exact=True)).to_be_visible()


def test_contacts_without_javascript(page_without_js):
    page = page_without_js
    page.goto("/contacts")
    page.get_by_label("Commune, code postal ou département").fill("56")
    page.get_by_role("button", name="Voir les contacts").click()
    expect(page).to_have_url(re.compile(r"/contacts\?lieu=56"))
    expect(page.get_by_text("Cap emploi du Morbihan", exact=True)).to_be_visible()


def test_tree_result_with_a_place_lists_local_contacts(page, screenshot):
    page.goto("/orientation/medecin-du-travail?etape=reprise")
    page.get_by_label("Commune, code postal ou département").fill("56")
    page.get_by_role("button", name="Afficher les contacts").click()
    expect(page).to_have_url(re.compile(r"etape=reprise&lieu=56$"))
    page.get_by_text("Sans coordonnées ici, que faire : Cap emploi").click()  # named first, the detail one tap away
    expect(page.get_by_text("Cap emploi du Morbihan", exact=True)).to_be_visible()
    screenshot(page, "arbre-resultat-contacts")


def test_glossary_letters_lead_to_terms_and_old_names_to_current_fiches(page, screenshot):
    page.goto("/glossaire")
    screenshot(page, "glossaire")
    page.get_by_role("navigation", name="Lettres du glossaire").get_by_role("link", name="S", exact=True).click()
    expect(page).to_have_url(re.compile(r"/glossaire#lettre-S$"))
    sameth = page.locator("dt", has_text="Sameth")
    expect(sameth).to_contain_text("ancien nom")
    sameth.locator("xpath=following-sibling::dd[1]").get_by_role("link", name="Cap emploi").click()
    expect(page).to_have_url("/fiches/cap-emploi")


def test_orientation_home_offers_each_tree_with_its_first_question(page, screenshot):
    page.goto("/orientation")
    screenshot(page, "orientation-choix")
    page.get_by_role("button", name=re.compile("^En arrêt de travail")).first.click()
    expect(page).to_have_url(re.compile(r"/orientation/medecin-du-travail\?etape=pendant-arret$"))
