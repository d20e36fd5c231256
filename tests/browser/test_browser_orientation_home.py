"""From the home page to local contacts in at most six choices, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect


def walk_from_home(page) -> int:
    """Click from the home page to a result with contacts in Vannes; return the number of choices made."""
    choices = 0

    def click(locator) -> None:
        nonlocal choices
        choices += 1
        locator.click()

    page.goto("/")
    click(page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Orienter"))
    expect(page.locator("h1")).to_have_text("Orienter un salarié")
    click(page.get_by_role("button", name=re.compile("^En arrêt de travail")))
    click(page.get_by_role("button", name=re.compile("^Salarié")))
    click(page.get_by_role("button", name=re.compile("^Un autre poste")))
    expect(page.locator("#titre-resultat")).to_have_text("Pendant l'arrêt, préparer un autre poste")
    page.get_by_label("Commune, code postal ou département").fill("Vannes")
    click(page.get_by_role("button", name="Afficher les contacts"))
    expect(page.locator(".place-result")).to_contain_text("Vannes, Morbihan (56)")
    # Cap emploi is known in Vannes by name only: named in the first screen, what to do one tap away.
    expect(page.get_by_text("Sans coordonnées ici, que faire : Cap emploi")).to_be_visible()
    return choices


@pytest.mark.slow  # a browser (its page fixture is chosen inside the test)
@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "sans-js"])
def test_home_to_local_contacts_in_at_most_six_choices(request, javascript):
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    assert walk_from_home(page) <= 6
    expect(page).to_have_url(re.compile(r"situation=autre-poste&lieu=Vannes(#contacts)?$"))
    page.go_back()  # Back leaves the place out, on the same result
    expect(page).to_have_url(re.compile(r"situation=autre-poste$"))
    expect(page.locator("#titre-resultat")).to_have_text("Pendant l'arrêt, préparer un autre poste")


def test_homonyms_are_offered_never_picked(page):
    page.goto("/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=autre-poste")
    page.get_by_label("Commune, code postal ou département").fill("Saint-Denis")
    page.get_by_role("button", name="Afficher les contacts").click()
    expect(page.get_by_text("Plusieurs lieux s'appellent « Saint-Denis » : lequel ?")).to_be_visible()
    page.get_by_role("link", name="Saint-Denis (La Réunion, 974)").click()
    expect(page).to_have_url(re.compile(r"lieu=Saint-Denis\+%28974%29$"))
    expect(page.get_by_text("Qui appeler pour")).to_be_visible()
