"""The new pages in a real browser: « Préparer un courrier » (real content, Dijon) and the dashboard (counts of a
scripted set of walks): axe finds no violation, and screenshots at 1280×800 and 390×844 go to tests/artifacts/."""

import pytest
from apps import portal_app
from playwright.sync_api import expect

from portal import accounts
from portal.config import ROOT
from portal.letters import LETTERS
from portal.store import get_session

PASSWORD = "un mot de passe assez long"
SCREENS = {"bureau": {"width": 1280, "height": 800}, "telephone": {"width": 390, "height": 844}}
TREE = "/orientation/medecin-du-travail"
WALKS = {
    "?etape=pendant-arret&statut=salarie&situation=meme-poste": 12,
    "?etape=pendant-arret&statut=salarie&situation=autre-poste": 7,
    "?etape=pendant-arret&statut=independant": 3,
    "?etape=reprise": 5,
    "/contacts?lieu=56": 8,
    "/contacts?lieu=75": 2,
    "/recherche?q=xyzzy+citrouille": 6,
    "/recherche?q=xyzzy+parapluie": 1,
}


@pytest.fixture(scope="module")
def letters_server(tmp_path_factory, request):
    from browser.conftest import _serving

    app = portal_app(tmp_path_factory.mktemp("letters-real"), ROOT / "content", TESTING=False, SECRET_KEY="x")
    serving = _serving(app)
    request.addfinalizer(lambda: serving.__exit__(None, None, None))
    return serving.__enter__()


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory, request):
    """The fixture content after the scripted walks, with a national account."""
    from browser.conftest import _serving

    app = portal_app(tmp_path_factory.mktemp("dashboard"), TESTING=False, SECRET_KEY="x", LOGINS_PER_15_MIN=1000)
    visitor = app.test_client()
    for url, times in WALKS.items():
        for _ in range(times):
            assert visitor.get(url if url.startswith("/") else TREE + url).status_code == 200
    with app.app_context():
        accounts.set_account(get_session(), "prith", PASSWORD, "national")
        get_session().commit()
    serving = _serving(app)
    request.addfinalizer(lambda: serving.__exit__(None, None, None))
    return serving.__enter__()


def _page(browser, base_url, request, viewport, **options):
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport=viewport, **options)
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _login(page) -> None:
    page.goto("/tableau-de-bord")
    page.get_by_label("Nom").fill("prith")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord")).to_be_visible()


LETTER_PAGES = ["/courriers?lieu=Dijon&pour=visite-pre-reprise", *(f"/courriers/{key}?lieu=Dijon" for key in LETTERS)]


@pytest.mark.parametrize("url", LETTER_PAGES)
def test_letter_pages_have_no_accessibility_violation(browser, letters_server, request, axe, url):
    page = _page(browser, letters_server, request, SCREENS["bureau"], bypass_csp=True)
    page.goto(url)
    violations = axe(page)
    assert not violations, "; ".join(f"{v['id']} ({v['impact']}) : {v['help']}" for v in violations)


def test_the_dashboard_has_no_accessibility_violation(browser, dashboard_server, request, axe):
    page = _page(browser, dashboard_server, request, SCREENS["bureau"], bypass_csp=True)
    _login(page)
    expect(page.locator("svg[role=img]")).to_have_count(6)
    violations = axe(page)
    assert not violations, "; ".join(f"{v['id']} ({v['impact']}) : {v['help']}" for v in violations)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screenshots_of_the_new_pages(browser, letters_server, dashboard_server, request, screenshot, problems, screen):
    page = _page(browser, letters_server, request, SCREENS[screen])
    problems.watch(page)
    page.goto("/courriers?lieu=Dijon&pour=visite-pre-reprise&pour=rendez-vous-liaison")
    screenshot(page, f"courriers-{screen}")
    page.goto("/courriers/pre-reprise-medecin-traitant?lieu=Dijon")
    page.get_by_label("Nom et prénom du salarié").fill("Exemple Patient")
    screenshot(page, f"courrier-pre-reprise-{screen}")
    # On a phone the letter stays within the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    board = _page(browser, dashboard_server, request, SCREENS[screen])
    problems.watch(board)
    _login(board)
    screenshot(board, f"tableau-de-bord-{screen}")
    chart = board.locator("#t-resultats-par-issue + p + figure")
    chart.screenshot(path=str(ROOT / "tests" / "artifacts" / f"tableau-de-bord-graphique-{screen}.png"))
    assert chart.locator("text").first.bounding_box()["height"] >= 10  # labels readable, not shrunk to nothing
    assert board.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    assert not problems.messages, " | ".join(problems.messages)
