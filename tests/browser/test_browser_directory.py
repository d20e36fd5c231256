"""The directory in a real browser: filters with htmx and without JavaScript, Back after a swap, print view."""

import re

from playwright.sync_api import expect


def test_home_leads_to_a_fiche(page, screenshot):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Maintenir en emploi")
    screenshot(page, "accueil")
    page.get_by_role("link", name="Toutes les fiches").click()
    page.get_by_role("link", name="Essai encadré").first.click()
    expect(page).to_have_url("/fiches/essai-encadre")
    expect(page.locator("h1")).to_contain_text("Essai encadré")
    screenshot(page, "fiche")


def test_filter_swaps_the_list_and_back_restores_it(page, screenshot):
    page.goto("/fiches")
    expect(page.locator("#titre-liste")).to_have_text("5 fiches")
    screenshot(page, "annuaire")
    page.select_option("#filtre-type", "acteur")
    expect(page.locator("#titre-liste")).to_have_text("2 fiches")
    expect(page).to_have_url(re.compile(r"/fiches\?type=acteur(&etape=)?(&public=)?(&lieu=)?$"))
    expect(page.locator("h1")).to_have_count(1)  # the list was swapped, not a page nested in the page
    page.select_option("#filtre-etape", "reprise")
    expect(page).to_have_url(re.compile(r"/fiches\?type=acteur&etape=reprise(&public=)?(&lieu=)?$"))
    expect(page.locator("#titre-liste")).to_have_text("1 fiche")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/fiches\?type=acteur(&etape=)?(&public=)?(&lieu=)?$"))
    expect(page.locator("#titre-liste")).to_have_text("2 fiches")
    expect(page.locator("#filtre-type")).to_have_value("acteur")
    page.go_back()
    expect(page).to_have_url("/fiches")
    expect(page.locator("#titre-liste")).to_have_text("5 fiches")


def test_filter_works_without_javascript(page_without_js):
    page = page_without_js
    page.goto("/fiches")
    page.select_option("#filtre-type", "dispositif")
    page.select_option("#filtre-etape", "pendant-arret")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url("/fiches?type=dispositif&etape=pendant-arret&public=&lieu=")
    expect(page.locator("#titre-liste")).to_have_text("2 fiches")


def test_fiche_print_view_hides_navigation_and_shows_source_urls(page, screenshot):
    page.goto("/fiches/essai-encadre")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".sources .print-only").first).to_be_visible()
    screenshot(page, "fiche-impression")
    assert page.pdf()[:4] == b"%PDF"  # Chromium's own print path renders the page


def test_unknown_page_is_a_french_error_with_a_way_out(page, screenshot):
    response = page.goto("/fiches/nulle-part")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Fiche introuvable")
    screenshot(page, "erreur-404")
    page.get_by_role("link", name="parcourir toutes les fiches").click()
    expect(page).to_have_url("/fiches")
