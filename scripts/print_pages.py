"""Print the handout and the doctor's result of the sources' walks to A4 PDFs in headless Chromium, and count the
pages with pypdf.

    PYTHONPATH=$PWD .venv/bin/python scripts/print_pages.py [--out DIR] [--png] [--all]

Serves the real content (read only; the database and built versions go to a temporary folder) on a loopback port.
With --out, the PDFs are kept in DIR; with --png, a screenshot of each page in print media at A4 width too (the
sheet as printed, without the page breaks), to look at. With --all, the handout of every result of both trees too,
without a place and in Vannes and Dijon: how many sheets take one page, and which take more.
"""

import argparse
import os
import sys
import tempfile
import threading
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app
from portal.config import ROOT

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
MDT, MT = "/orientation/medecin-du-travail", "/orientation/medecin-traitant"
# The walks of the sources (a cariste in arrêt in Vannes, a patient in long arrêt in Dijon, an artisan without
# arrêt) and the invalidité case: the result's URL; the handout is the same answers under /pour-le-salarie.
ARRET = f"{MDT}?etape=pendant-arret&statut=salarie&contrat=en-cours"  # a cariste in arrêt, still under contract
CASES = {
    "cariste-autre-poste-vannes": f"{ARRET}&situation=autre-poste&rqth=en-cours&lieu=Vannes",
    "cariste-reconversion-vannes": f"{ARRET}&situation=reconversion&rqth=en-cours&lieu=Vannes",
    "patient-arret-dijon": f"{MT}?etape=pendant-arret&statut=salarie&lieu=Dijon",
    "artisan-sans-arret": f"{MDT}?etape=sans-arret&statut=independant&rqth=non",
    "artisan-sans-arret-vannes": f"{MDT}?etape=sans-arret&statut=independant&rqth=non&lieu=Vannes",
    "invalidite": f"{MDT}?etape=invalidite&statut=salarie&activite=travaille",
    "invalidite-dijon": f"{MDT}?etape=invalidite&statut=salarie&activite=travaille&lieu=Dijon",
}


def handout_url(result_url: str) -> str:
    path, _, query = result_url.partition("?")
    return f"{path}/pour-le-salarie?{query}"


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def pdf_of(page, url: str) -> bytes:
    page.goto(url)
    page.emulate_media(media="print")
    return page.pdf(format="A4")


def every_handout(app, page, base: str) -> None:
    """The handout and the result of every result of both trees, without a place and in Vannes and Dijon: how
    many take how many pages, and which sheets take more than one page or prints more than three."""
    from collections import Counter

    from portal.serving import current_catalog
    from portal.trees import walk_paths

    with app.app_context():
        trees = list(current_catalog().trees.values())
    pages = {"feuille": Counter(), "resultat": Counter()}
    longer = []
    for tree in trees:
        for node in tree.resultats:
            path = next(path for path in walk_paths(tree) if path.end == node)
            query = "&".join(f"{q}={c}" for q, c, step in path.answers if step)
            for lieu in ("", "Vannes", "Dijon"):
                for kind, url, most in (
                    ("feuille", f"/orientation/{tree.id}/pour-le-salarie?{query}&lieu={lieu}", 1),
                    ("resultat", f"/orientation/{tree.id}?{query}&lieu={lieu}", 3),
                ):
                    count = len(PdfReader(BytesIO(pdf_of(page, base + url))).pages)
                    pages[kind][count] += 1
                    if count > most:
                        longer.append(f"{kind} de {count} pages : {tree.id} › {node} › {lieu or 'sans lieu'}")
    for kind, counts in pages.items():
        shares = ", ".join(f"{n} sur {p} page(s)" for p, n in sorted(counts.items()))
        print(f"\n{kind} des {sum(counts.values())} résultats × lieux : {shares}")
    for item in longer:
        print("  ", item)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder where the PDFs (and PNGs) are kept")
    parser.add_argument("--png", action="store_true", help="also a screenshot of each sheet in print media")
    parser.add_argument("--all", action="store_true", help="also the handout of every result, in three places")
    args = parser.parse_args()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "CONTENT_DIR": str(ROOT / "content"),
                "TREES_DIR": str(ROOT / "trees"),
                "INSTANCE_DIR": folder,
                "SECRET_KEY": "print-pages",
            }
        )
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
            print(f"{'cas':30} {'feuille':>8} {'résultat':>9}")
            for name, url in CASES.items():
                counts = []
                for kind, address in (("feuille", handout_url(url)), ("resultat", url)):
                    pdf = pdf_of(page, base + address)
                    counts.append(len(PdfReader(BytesIO(pdf)).pages))
                    if args.out:
                        (args.out / f"{name}-{kind}.pdf").write_bytes(pdf)
                        if args.png:
                            page.set_viewport_size({"width": 703, "height": 1047})  # A4 less its margins
                            page.screenshot(path=str(args.out / f"{name}-{kind}.png"), full_page=True)
                            page.set_viewport_size({"width": 1280, "height": 900})
                print(f"{name:30} {counts[0]:>8} {counts[1]:>9}")
            if args.all:
                every_handout(app, page, base)
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
