"""What a médecin traitant sees first: numbers to call, without scrolling, on the real content."""

from portal.config import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"


def first_screen(page, name: str) -> None:
    """Save what the first screen shows (no scrolling) into tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), caret="initial")


def phones_in_first_screen(page) -> list[str]:
    height = page.viewport_size["height"]
    phones = []
    for link in page.locator('a[href^="tel:"]').all():
        box = link.bounding_box()
        if box and box["y"] >= 0 and box["y"] + box["height"] <= height:
            phones.append(link.inner_text())
    return phones


def test_qui_contacter_in_vannes_shows_numbers_in_the_first_screen(real_page):
    real_page.goto("/contacts?lieu=Vannes")
    real_page.wait_for_selector("#titre-contacts")
    first_screen(real_page, "reach-contacts-vannes")
    phones = phones_in_first_screen(real_page)
    assert len(set(phones)) >= 2, phones


def test_an_acteur_fiche_shows_how_to_reach_it_in_the_first_screen(real_page):
    real_page.goto("/fiches/agefiph")
    first_screen(real_page, "reach-fiche-agefiph")
    assert "0 800 11 10 09" in phones_in_first_screen(real_page)
    real_page.goto("/fiches/cpam")
    assert "36 46" in phones_in_first_screen(real_page)


def test_the_coverage_page_lists_every_departement(real_page):
    real_page.goto("/couverture")
    first_screen(real_page, "reach-couverture")
    assert real_page.locator(".coverage-table tbody tr").count() == 101
    assert real_page.get_by_role("heading", name="En tout").is_visible()
