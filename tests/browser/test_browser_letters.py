"""A médecin traitant prepares the pré-reprise letter for his patient in Dijon, prints it on one A4 page, and the
name he typed is nowhere on the server: not in a request, the database, the instance folder, a log or the page
cache. With JavaScript and without."""

import logging
from io import BytesIO
from pathlib import Path

import pytest
from apps import portal_app
from playwright.sync_api import expect

from portal.config import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
DIJON_RESULT = "/orientation/medecin-traitant?etape=pendant-arret&statut=salarie&lieu=Dijon"
NAME = "Quintard-Zébulon Mireille"
WORDING = "Gêne zygovespérale, port de charges à éviter"


class Remember(logging.Handler):
    """Every log record of every logger while the test runs, formatted as a log file would have it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs():
    handler, root = Remember(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def dijon_app(tmp_path):
    """The portal on the real content, its base and built versions in tmp_path, the page cache and counts on."""
    return portal_app(tmp_path / "instance", ROOT / "content", TESTING=False, SECRET_KEY="letters", COUNTS_SECONDS=0.05)


def _fill_and_print(page, sent: list[str], name: str) -> bytes:
    page.goto(DIJON_RESULT)
    page.get_by_role("link", name="Préparer un courrier").click()
    page.get_by_role("link", name="Demande de visite de pré-reprise par le médecin traitant").click()
    expect(page.get_by_role("heading", name="Ce que vous tapez reste dans votre navigateur")).to_be_visible()
    page.get_by_label("Nom, adresse et téléphone du médecin traitant").fill("Dr Médecin Traitant\n21000 Dijon")
    page.get_by_label("Service de prévention et de santé au travail : nom et adresse").fill("Service de santé, Dijon")
    page.get_by_label("Lieu et date de la lettre").fill("Dijon, le 6 décembre 2026")
    page.get_by_label("Nom et prénom du salarié").fill(name)
    page.get_by_label("Entreprise ou employeur").fill("Menuiserie Durand")
    page.get_by_label("Date de début de l'arrêt de travail").fill("2 octobre 2026")
    page.get_by_label("Vos éléments, dans vos mots").fill(WORDING)
    page.get_by_label("Nom et prénom du salarié").press("Enter")  # Enter in a field submits nothing: no form
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".letter-tools")).to_be_hidden()
    return page.pdf(format="A4")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "sans-js"])
def test_the_dijon_pre_reprise_letter_prints_on_one_page_and_leaves_nothing_on_the_server(
    browser, serve_app, dijon_app, logs, request, javascript
):
    from pypdf import PdfReader

    address = serve_app(dijon_app)
    context = browser.new_context(
        base_url=address, locale="fr-FR", viewport={"width": 1280, "height": 800}, java_script_enabled=javascript
    )
    request.addfinalizer(context.close)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url} {r.post_data or ''} {r.headers}"))
    name = f"{NAME} {'js' if javascript else 'html'}"

    pdf = _fill_and_print(page, sent, name)

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"courrier-pre-reprise-dijon-{'js' if javascript else 'sans-js'}.pdf").write_bytes(pdf)
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1, f"{len(reader.pages)} pages"
    text = " ".join(reader.pages[0].extract_text().split())
    assert name in text and WORDING in text  # the browser printed what was typed…
    assert "Demande de visite de pré-reprise (art. R4624-29 du Code du travail)" in text
    assert "Art. R4624-29 du Code du travail" in text and "Côte-d'Or (21)" in text
    assert "Ce que vous tapez" not in text  # …and not the page's explanations

    page.goto(DIJON_RESULT)  # leave the page: the portal is asked for something else afterwards
    dijon_app.extensions["portal_counts"].flush()
    wanted = [name, name.split()[0], "Zébulon", "Menuiserie Durand", "zygovespérale"]
    assert not [w for w in wanted for line in sent if w in line or w.replace(" ", "+") in line], "envoyé"
    assert not [w for w in wanted for line in logs if w in line], "écrit dans un journal"
    database = Path(dijon_app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    files = [path for path in Path(dijon_app.instance_path).rglob("*") if path.is_file()]
    assert database in files
    for path in files:
        data = path.read_bytes()
        for word in wanted:
            for encoding in ("utf-8", "utf-16-le", "latin-1"):
                assert word.encode(encoding, "ignore") not in data, f"{word} dans {path.name}"
    pages = dijon_app.extensions["portal_version"].derived("pages", lambda: None)
    assert pages is not None and pages._pages, "le cache de pages devrait garder les pages publiques vues"
    for cached in pages._pages.values():
        assert not [word for word in wanted if word.encode() in cached.body]
    assert not [page for page in pages._pages.values() if b'class="letter"' in page.body]  # never kept


LONG = "\n".join(
    f"Ligne {i} : une préconisation détaillée, dans les mots du médecin, sur une ligne assez longue."
    for i in range(1, 15)
)


@pytest.mark.parametrize(
    ("letter", "label"),
    [
        ("pre-reprise-medecin-traitant", "Vos éléments, dans vos mots"),
        ("propositions-amenagement", "Les mesures proposées, dans vos mots"),
        ("refus-employeur", "Les motifs, précisément"),
    ],
)
def test_a_letter_with_fourteen_lines_of_wording_still_prints_on_one_page(
    browser, serve_app, dijon_app, request, letter, label
):
    from pypdf import PdfReader

    context = browser.new_context(base_url=serve_app(dijon_app), locale="fr-FR")
    request.addfinalizer(context.close)
    page = context.new_page()
    page.goto(f"/courriers/{letter}?lieu=Dijon")
    page.get_by_label(label).fill(LONG)
    page.emulate_media(media="print")
    reader = PdfReader(BytesIO(page.pdf(format="A4")))
    assert len(reader.pages) == 1
    assert "Ligne 14 :" in reader.pages[0].extract_text()  # the textarea grew: nothing typed is cut
