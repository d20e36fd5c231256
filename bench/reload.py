"""`python -m bench --rechargements N`: a worker's memory while N new versions of the real content are served."""

import argparse
import gc
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

from portal.config import ROOT

PAGES = ("/", "/fiches/essai-encadre", "/recherche?q=essai+encadre", "/contacts?lieu=Vannes", "/couverture")


def rss_mb() -> float:
    """This process's resident memory, in megabytes."""
    return int(re.search(r"VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) / 1024


def run(reloads: int) -> dict:
    """Serve the real content, then `reloads` times: change one fiche, serve the new version, show pages."""
    from portal import create_app
    from portal.serving import refresh

    folder = Path(tempfile.mkdtemp(prefix="portal-bench-reload-"))
    try:
        content, trees = folder / "content", folder / "trees"
        shutil.copytree(ROOT / "content", content)
        shutil.copytree(ROOT / "trees", trees)
        app = create_app(
            {
                "INSTANCE_DIR": str(folder / "instance"),
                "CONTENT_DIR": str(content),
                "TREES_DIR": str(trees),
                "SECRET_KEY": "bench",
            }
        )
        client = app.test_client()
        fiche = content / "dispositifs" / "essai-encadre.yaml"
        original = fiche.read_text(encoding="utf-8")
        measures, started = [], time.perf_counter()
        for n in range(reloads + 1):
            if n:
                fiche.write_text(
                    original.replace("titre: Essai encadré", f"titre: Essai encadré {n}"), encoding="utf-8"
                )
                assert refresh(app), "la version modifiée n'a pas pu être servie"
            for page in PAGES:
                assert client.get(page).status_code == 200, page
            if n % 10 == 0:
                gc.collect()
                measures.append((n, rss_mb()))
                print(f"après {n:3d} rechargements : {measures[-1][1]:6.1f} Mo")
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    growth = measures[-1][1] - measures[1][1] if len(measures) > 1 else 0.0
    print(
        f"{reloads} rechargements en {elapsed:.0f} s ; mémoire de 10 à {reloads} rechargements : {growth:+.1f} Mo "
        f"(le premier palier compte les caches qui se remplissent)"
    )
    return {"reloads": reloads, "rss_mb": {n: round(mb, 1) for n, mb in measures}, "growth_mb": round(growth, 1)}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench --rechargements", description=__doc__)
    parser.add_argument("--rechargements", type=int, default=50, help="nombre de nouvelles versions (défaut : 50)")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.rechargements), ensure_ascii=False))
