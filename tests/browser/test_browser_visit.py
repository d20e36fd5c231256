"""The médecin's minutes, on the real content: after the place, the page lands on the numbers to call, on a desktop
and on a phone, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from portal.config import ROOT
from scripts.print_pages import CASES

ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENS = {"bureau": {"width": 1280, "height": 800}, "telephone": {"width": 390, "height": 844}}
CARISTE = (
    "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&contrat=en-cours&situation=reconversion"
    "&rqth=en-cours"
)


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


# The walks of the sources (a cariste in arrêt in Vannes, a patient in long arrêt in Dijon, an artisan without arrêt)
# and the invalidité case, as scripts/print_pages.py prints them: the result's URL; the handout has the same answers.
PRINTED = {
    name: CASES[name]
    for name in (
        "cariste-autre-poste-vannes",
        "cariste-reconversion-vannes",
        "patient-arret-dijon",
        "artisan-sans-arret",
        "invalidite-dijon",
    )
}


def printed_pages(page, url: str, name: str):
    """The page at `url` printed by Chromium on A4 (kept in tests/artifacts): its pages, read by pypdf."""
    from io import BytesIO

    from pypdf import PdfReader

    page.goto(url)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    return PdfReader(BytesIO(pdf)).pages


@pytest.mark.parametrize("persona", list(PRINTED))
def test_the_handout_is_one_a4_page_and_the_doctors_print_three_at_most(real_page, persona):
    """Headless Chromium prints each case to PDF: the salarié's sheet on one A4 page, dated, doubts marked at their
    point; the médecin's print of the result on three pages at most, « À faire maintenant » on the first."""
    result = PRINTED[persona]
    path, _, query = result.partition("?")
    real_page.goto(f"{path}/pour-le-salarie?{query}")
    expect(real_page.locator(".handout-date")).to_contain_text("Remis le")
    real_page.screenshot(path=str(ARTIFACTS / f"feuille-salarie-{persona}.png"), full_page=True, caret="initial")
    sheet = printed_pages(real_page, f"{path}/pour-le-salarie?{query}", f"feuille-salarie-{persona}")
    expect(real_page.locator(".site-header")).to_be_hidden()
    expect(real_page.locator(".handout-tools")).to_be_hidden()
    assert len(sheet) == 1, f"{persona} : feuille de {len(sheet)} pages"
    text = sheet[0].extract_text().replace("ﬁ", "fi")  # the PDF's ligature
    assert "Remis le" in text and "Vos prochaines démarches" in text
    assert "39 49" not in text and "http" not in text
    doubts = re.sub(r"\(à\s+vérifier\)|« à vérifier » : pas encore confirmé|\bà\s+vérifier\b(?!\s+par)", "", text)
    assert "vérifi" not in doubts  # « à vérifier » only beside a contact or a fact, and in the note that explains it
    pages = printed_pages(real_page, result, f"impression-resultat-{persona}")
    assert len(pages) <= 3, f"{persona} : impression du résultat sur {len(pages)} pages"
    assert "À faire maintenant" in pages[0].extract_text()


def question_urls() -> list[str]:
    """The URL of every question of both real trees (each step, reached by the answers that lead to it)."""
    from urllib.parse import urlencode

    from portal.catalog import _load_fiches
    from portal.trees import load_trees, walk_paths

    fiches, _documents = _load_fiches(ROOT / "content", ROOT, [])
    trees, _problems = load_trees(ROOT / "trees", fiches, ROOT)
    urls, steps = [], set()
    for tree in trees.values():
        for path in walk_paths(tree):
            asked = [(question, code, node) for question, code, node in path.answers if node]
            for index, (_question, _code, node) in enumerate(asked):
                query = urlencode([(question, code) for question, code, _node in asked[:index]])
                url = f"/orientation/{tree.id}" + (f"?{query}" if query else "")
                steps.add((tree.id, node))
                if url not in urls:
                    urls.append(url)
    assert steps == {(tree.id, node) for tree in trees.values() for node in tree.noeuds}  # every question
    return urls


def test_on_a_phone_every_answer_of_every_question_is_in_the_first_screen(browser, real_live_server, request, problems):
    page = real_context_page(browser, real_live_server, request, problems, "telephone")
    urls = question_urls()
    lowest = (0.0, "")
    for url in urls:
        page.goto(url)
        choices = page.locator(".walk-choice")
        assert choices.count() >= 2, url
        for box in (choice.bounding_box() for choice in choices.all()):
            assert box["y"] >= 0 and box["y"] + box["height"] <= 844, (url, box)
            lowest = max(lowest, (box["y"] + box["height"], url))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.goto(lowest[1])
    first_screen(page, "visite-question-la-plus-longue-telephone")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_home_page_shows_search_and_the_two_ways_in_the_first_screen(
    browser, real_live_server, request, problems, screen
):
    page = real_context_page(browser, real_live_server, request, problems, screen)
    page.goto("/")
    first_screen(page, f"visite-accueil-{screen}")
    for element in [
        page.get_by_role("searchbox"),
        page.get_by_role("link", name="Orienter un salarié"),
        page.get_by_role("link", name="Médecin du travail"),
        page.get_by_role("link", name="Médecin traitant"),
        page.get_by_role("heading", name="Qui contacter ?"),
    ]:
        assert in_view(page, element), element
    expect(page.get_by_role("link", name="Toutes les fiches")).to_be_visible()
    assert page.locator('main a[href^="/fiches/"]').count() == 0  # no longer the 47 fiches


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_long_fiche_opens_with_the_essentials_and_a_sommaire(browser, real_live_server, request, problems, screen):
    page = real_context_page(browser, real_live_server, request, problems, screen)
    page.goto("/fiches/essai-encadre")
    first_screen(page, f"visite-fiche-essentiel-{screen}")
    assert in_view(page, page.get_by_role("heading", name="L'essentiel"))
    assert in_view(page, page.locator(".essentiel .resume"))
    sommaire = page.get_by_role("navigation", name="Sommaire")
    sommaire.get_by_role("link", name="Comment le mobiliser").click()
    expect(page).to_have_url(re.compile(r"/fiches/essai-encadre#t-mobiliser$"))
    expect(page.get_by_role("heading", name="Comment le mobiliser")).to_be_in_viewport()
