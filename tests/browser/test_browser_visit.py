"""The médecin's minutes, on the real content: after the place, the page lands on the numbers to call, on a desktop
and on a phone, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from portal.config import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENS = {"bureau": {"width": 1280, "height": 800}, "telephone": {"width": 390, "height": 844}}
CARISTE = "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=reconversion&rqth=en-cours"


def real_context_page(browser, real_live_server, request, problems, screen: str, javascript: bool = True):
    """A page on the real content at one of the two screen sizes."""
    context = browser.new_context(
        base_url=real_live_server, locale="fr-FR", viewport=SCREENS[screen], java_script_enabled=javascript
    )
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    if javascript:
        problems.watch(page)
    return page


def first_screen(page, name: str) -> None:
    """Save what the screen shows, without scrolling, into tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), caret="initial")


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "sans-js"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_after_the_place_the_first_number_is_in_view(browser, real_live_server, request, problems, screen, javascript):
    page = real_context_page(browser, real_live_server, request, problems, screen, javascript)
    page.goto(CARISTE)
    field = page.get_by_label("Commune, code postal ou département")
    field.fill("Vannes")
    field.press("Enter")
    expect(page.locator(".place-result")).to_contain_text("Vannes, Morbihan (56)")
    first_phone = page.locator('#contacts a[href^="tel:"]').first
    expect(first_phone).to_be_in_viewport()
    assert in_view(page, first_phone), first_phone.bounding_box()
    first_screen(page, f"visite-contacts-vannes-{screen}-{'htmx' if javascript else 'sans-js'}")
    if javascript:
        expect(page.locator("#titre-contacts")).to_be_focused()  # the screen reader hears where it landed
    page.keyboard.press("Tab")  # without JavaScript too, Tab goes on from the contacts
    assert page.evaluate("() => document.getElementById('contacts').contains(document.activeElement)")


HANDOUT = "/orientation/{}/pour-le-salarie?"
HANDOUTS = {
    "cariste-vannes": HANDOUT.format("medecin-du-travail")
    + "etape=pendant-arret&statut=salarie&situation=reconversion&rqth=en-cours&lieu=Vannes",
    "cariste-autre-poste-vannes": HANDOUT.format("medecin-du-travail")
    + "etape=pendant-arret&statut=salarie&situation=autre-poste&rqth=en-cours&lieu=Vannes",
    "patient-arret-dijon": HANDOUT.format("medecin-traitant") + "etape=pendant-arret&statut=salarie&lieu=Dijon",
    "artisan-sans-arret": HANDOUT.format("medecin-du-travail") + "etape=sans-arret&statut=independant&rqth=non",
}


@pytest.mark.parametrize("persona", list(HANDOUTS))
def test_the_handout_prints_on_one_or_two_a4_pages(real_page, persona):
    """Headless Chromium prints each persona's handout to PDF: two A4 pages at most, the date on the first."""
    from io import BytesIO

    from pypdf import PdfReader

    real_page.goto(HANDOUTS[persona])
    expect(real_page.locator(".handout-date")).to_contain_text("Remis le")
    ARTIFACTS.mkdir(exist_ok=True)
    real_page.screenshot(path=str(ARTIFACTS / f"feuille-salarie-{persona}.png"), full_page=True, caret="initial")
    real_page.emulate_media(media="print")
    expect(real_page.locator(".site-header")).to_be_hidden()
    expect(real_page.locator(".handout-tools")).to_be_hidden()
    pdf = real_page.pdf(format="A4")
    (ARTIFACTS / f"feuille-salarie-{persona}.pdf").write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2, f"{persona} : {len(reader.pages)} pages"
    first = reader.pages[0].extract_text()
    assert "Remis le" in first and "Vos prochaines démarches" in first
    assert "vérifier" not in "".join(page.extract_text() for page in reader.pages)
