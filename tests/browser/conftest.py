"""Browser fixtures: the portal served on 127.0.0.1 by a real server thread, Debian's Chromium driven by Playwright."""

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from apps import portal_app
from werkzeug.serving import WSGIRequestHandler, make_server

from portal.config import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HTMX = ROOT / "static" / "vendor" / "htmx.min.js"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the test output is for failures, not access logs
        pass


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The portal on the fixture content, with its own database."""
    return portal_app(
        tmp_path_factory.mktemp("live"),
        TESTING=False,
        SECRET_KEY="browser-tests",
        REPORTS_PER_HOUR=1000,
        LOGINS_PER_15_MIN=1000,
    )


@contextmanager
def _serving(app) -> Iterator[str]:
    """`app` served by werkzeug in a thread on a free loopback port, for the time of the block: its address."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """`live_app` served on a free loopback port."""
    if not HTMX.exists():
        pytest.fail(f"{HTMX.relative_to(ROOT)} manque : lancez « make install » (htmx est copié depuis node_modules).")
    with _serving(live_app) as address:
        yield address


@pytest.fixture
def serve_app(request):
    """serve_app(app) serves another app (the editors' preview on a copy of the content…) on a free loopback port
    until the test ends, and returns its address."""

    def serve(app) -> str:
        serving = _serving(app)
        request.addfinalizer(lambda: serving.__exit__(None, None, None))
        return serving.__enter__()

    return serve


@pytest.fixture(scope="session")
def real_live_server(tmp_path_factory) -> Iterator[str]:
    """The portal on the real content of the repository (read only), for the pages users actually see."""
    app = portal_app(tmp_path_factory.mktemp("real-live"), ROOT / "content", TESTING=False, SECRET_KEY="browser-tests")
    with _serving(app) as address:
        yield address


@pytest.fixture
def real_page(browser, real_live_server, request, problems):
    """A desktop page (1280×800) on the real content, JavaScript on, under the real CSP."""
    context = browser.new_context(base_url=real_live_server, locale="fr-FR", viewport={"width": 1280, "height": 800})
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems.watch(page)
    yield page
    assert not problems.messages, "Le navigateur a signalé : " + " | ".join(problems.messages)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (never a downloaded one); skipped with a French reason when absent, except in CI."""
    if not CHROMIUM.exists():
        reason = (
            f"Chromium est absent ({CHROMIUM}) : installez le paquet Debian « chromium » (make test le fait en root)."
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


SUBRESOURCES = {"script", "stylesheet", "image", "font", "media"}


class BrowserProblems:
    """What the browser complained about while a test ran: CSP violations, script errors, failed requests."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"erreur JavaScript : {error}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        # A failed load is reported by _response with its URL; the page's own 404 status is expected.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.messages.append(f"{message.text} ({message.location.get('url')})")

    def _response(self, response) -> None:
        request = response.request
        # Only files the page needs (scripts, styles, images): an htmx answer's status is the view's business.
        if (
            response.status >= 400
            and request.resource_type in SUBRESOURCES
            and not request.url.endswith("/favicon.ico")
        ):
            self.messages.append(f"{request.resource_type} {request.url} : {response.status}")


def _new_page(browser, base_url: str, request, **options):
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport={"width": 1280, "height": 900}, **options)
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture
def page(browser, live_server, request, problems):
    """A page with JavaScript on, under the portal's real CSP; any console error fails the test."""
    page = _new_page(browser, live_server, request)
    problems.watch(page)
    yield page
    assert not problems.messages, "Le navigateur a signalé : " + " | ".join(problems.messages)


@pytest.fixture
def page_at(browser, request, problems):
    """page_at(base_url) opens a page like `page`, on another server (see serve_app)."""

    def open_page(base_url: str):
        page = _new_page(browser, base_url, request)
        problems.watch(page)
        return page

    yield open_page
    assert not problems.messages, "Le navigateur a signalé : " + " | ".join(problems.messages)


@pytest.fixture
def page_without_js(browser, live_server, request):
    """A page with JavaScript off: what a locked-down hospital workstation sees."""
    return _new_page(browser, live_server, request, java_script_enabled=False)


@pytest.fixture
def axe_page(browser, live_server, request):
    """A page where axe-core can be injected (Playwright adds it as an inline script, which the CSP forbids)."""
    return _new_page(browser, live_server, request, bypass_csp=True)


def _axe_violations(page, record: bool = True) -> list[dict]:
    """Run axe-core on the page; print every violation (and list it at the end of the run); return them."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core manque : lancez « make install ».")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    path = page.url.split("/", 3)[-1]
    for violation in violations:
        targets = ", ".join(json.dumps(node["target"]) for node in violation["nodes"])
        line = f"/{path} [{violation['impact']}] {violation['id']} : {violation['help']} → {targets}"
        print(line)
        if record:
            AXE_REPORT.append(line)
    return violations


AXE_REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    """List every axe violation of the run, blocking or not, at the end of the test output."""
    if AXE_REPORT:
        terminalreporter.section("axe-core : violations relevées")
        for line in AXE_REPORT:
            terminalreporter.write_line(line)


def _screenshot(page, name: str) -> Path:
    """Save a full-page screenshot into tests/artifacts/ (git-ignored) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # caret="hide" would leave style="" on fields, which htmx then copies on a swap and the CSP refuses.
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


@pytest.fixture
def axe():
    """axe(page) runs axe-core on the page, prints every violation and returns them."""
    return _axe_violations


@pytest.fixture
def screenshot():
    """screenshot(page, name) saves tests/artifacts/<name>.png."""
    return _screenshot
