"""`python -m bench`: a synthetic national directory loaded, indexed and searched, beside SQLite FTS5."""

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.synthetic import generate
from portal.catalog import load_catalog
from portal.config import ROOT
from portal.search import fiche_texts, folded_terms
from portal.version import ensure_version, open_version

# What médecins type: old names, acronyms, no accents, typos, several words.
QUERIES = [
    "Sameth",
    "mi temps therapeutique",
    "mi-temps thérapeutique",
    "temps partiel thérapeutique",
    "esai encadré",
    "essai encadre entreprise",
    "PREO",
    "CRP",
    "pre reprise",
    "visite de pré-reprise",
    "visite de reprise",
    "rqth",
    "reconnaissance travailleur handicapé",
    "aménagement de poste",
    "amenagement poste ergonome",
    "inaptitude reclassement",
    "licenciement pour inaptitude",
    "bilan de compétences",
    "formation pendant l'arrêt",
    "projet de transition professionnelle",
    "transitions pro",
    "conseil en evolution professionnelle",
    "CEP",
    "PMSMP",
    "immersion professionnelle",
    "ESRP",
    "réadaptation professionnelle",
    "préorientation",
    "Comète France",
    "service social assurance maladie",
    "cellule PDP",
    "SPST",
    "SST",
    "médecin du travail",
    "rendez-vous de liaison",
    "visite mi carriere",
    "travailleur indépendant",
    "indemnités journalières",
    "CRPE",
    "contrat de rééducation",
    "Pôle emploi",
    "France Travail",
    "MDPH",
    "Agefiph aide",
    "maintien dans l'emploi",
    "désinsertion professionnelle",
    "reconversion",
    "arret maladie long",
    "accident du travail",
    "MOAIJ",
    "PREMIJ",
    "medecin conseil",
    "reprise progressive",
    "therapeutiqe",
    "handicap reconnu employeur",
    # The doctor's words: situations of the vocabulary, plain questions, numbers, real words near others.
    "AVC",
    "burn-out",
    "mal de dos",
    "fonctionnaire",
    "qui appeler pour un arrêt long",
    "visite de reprise 45 jours maladie",
    "combien de temps dure un essai encadré",
    "36 46",
    "paie",
    "rqht",
]
WEIGHTS = (4.0, 4.0, 2.0, 1.0)  # title, aliases, tags, body: the same weights as the project's search


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark; `--http` and `--soak` run the HTTP load test instead, `--rechargements` the reloads."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--http" in argv or "--soak" in argv:
        from bench import http_load

        http_load.main(argv)
        return
    if any(arg.startswith("--rechargements") for arg in argv):
        from bench import reload

        reload.main(argv)
        return
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--graine", type=int, default=2024, help="graine du générateur (défaut : 2024)")
    parser.add_argument("--requetes-generees", type=int, default=60, help="requêtes « acteur + commune » en plus")
    parser.add_argument("--garder", type=Path, help="dossier où garder le contenu synthétique généré")
    parser.add_argument("--departements", type=int, help="ne générer que les N premiers départements (essai rapide)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    try:
        report = run(folder, args.graine, args.requetes_generees, args.departements)
        if args.garder:
            shutil.copytree(folder / "content", args.garder, dirs_exist_ok=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False))


def run(folder: Path, seed: int, generated_queries: int, departements: int | None = None) -> dict:
    """Generate, load, index, search; print the report and return the figures."""
    started = time.perf_counter()
    places = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
    corpus = generate(folder, places, seed, departements)
    generate_s = time.perf_counter() - started
    print(f"Annuaire synthétique : {corpus.fiches} fiches, {corpus.contacts} contacts ({generate_s:.1f} s)")

    files = sorted(corpus.content_dir.rglob("*.yaml"))
    _, compose_s = _timed(
        lambda: [yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for path in files]
    )
    catalog, load_s = _timed(lambda: load_catalog(corpus.content_dir))
    print(
        f"Chargement et validation (portal check) : {load_s:.2f} s ({len(catalog.fiches)} fiches, "
        f"{catalog.contact_count} contacts, {len(files)} fichiers)"
    )
    print(
        f"  témoin, le composeur YAML en C seul sur les mêmes fichiers : {compose_s:.2f} s "
        f"-> portal check = {load_s / compose_s:.1f} × le composeur"
    )

    trees_dir, versions_dir = folder / "trees", folder / "versions"
    trees_dir.mkdir(exist_ok=True)
    version, build_s = _timed(lambda: ensure_version(corpus.content_dir, trees_dir, versions_dir))
    size_mb = sum(p.stat().st_size for p in (versions_dir / version).rglob("*") if p.is_file()) / 1e6
    print(
        f"Version construite (portal build : vérification, index, catalogue stocké) : {build_s:.2f} s, {size_mb:.1f} Mo"
    )
    worker = _worker_opening(corpus.content_dir, trees_dir, folder)
    print(
        f"Un worker ouvre la version (create_app, processus neuf) : {worker['open_s']:.2f} s, "
        f"{worker['rss_mb']:.0f} Mo de mémoire (dont {worker['python_rss_mb']:.0f} Mo pour Python et les modules)"
    )

    search_index, open_s = _timed(lambda: open_version(versions_dir, version, places).search)
    _, first_s = _timed(lambda: search_index.search("ouverture de l'index"))
    print(f"Ouverture dans ce processus : {open_s * 1000:.0f} ms, première requête : {first_s * 1000:.0f} ms")

    fts, fts_build_s = _timed(lambda: _fts5_database(catalog))
    queries = QUERIES + random.Random(seed).sample(corpus.queries, min(generated_queries, len(corpus.queries)))
    queries = list(dict.fromkeys(queries))  # each distinct query once: no cache can help
    # Each query goes to both engines one after the other, so that both meet the same load of the machine;
    # the CPU time of this process is printed too: on a busy machine it is the steadier figure.
    load_before = os.getloadavg()[0]
    timings: dict[str, list[float]] = {"search": [], "search_cpu": [], "fts5": [], "fts5_cpu": []}
    results = {}
    for query in queries:
        results[query], wall, cpu = _measured(lambda q=query: search_index.search(q))
        timings["search"].append(wall)
        timings["search_cpu"].append(cpu)
        _, wall, cpu = _measured(lambda q=query: _fts5_search(fts, q))
        timings["fts5"].append(wall)
        timings["fts5_cpu"].append(cpu)
    figures = {name: _percentiles(values) for name, values in timings.items()}

    print(f"\n{len(queries)} requêtes distinctes, chacune une fois (à froid, sans cache de résultats) :")
    print("                          p50 (ms)   p95 (ms)   max (ms)   p95 CPU (ms)")
    for name, label in (("search", "recherche du portail"), ("fts5", "SQLite FTS5 (témoin)")):
        (p50, p95), values = figures[name], timings[name]
        print(f"  {label}  {p50:9.2f}  {p95:9.2f}  {max(values):9.2f}  {figures[name + '_cpu'][1]:12.2f}")
    print(f"  charge de la machine (moyenne 1 min) : {load_before:.1f} avant, {os.getloadavg()[0]:.1f} après")
    print(f"  construction FTS5 : {fts_build_s:.2f} s")
    print("  Les deux donnent la page 1 (10 résultats, extraits surlignés), le total et les facettes ;")
    print("  mêmes mots (mots vides retirés), tous exigés puis, si rien, l'un ou l'autre ; mêmes poids par champ ;")
    print("  le portail met en plus en tête les fiches que la requête nomme (vocabulaire des situations, glossaire).")
    slowest = sorted(zip(timings["search"], queries, strict=True), reverse=True)[:5]
    print("  Requêtes les plus lentes : " + " ; ".join(f"« {q} » {ms:.1f} ms" for ms, q in slowest))
    for query in ("Sameth", "esai encadré", "PREO", "CRP", "mi temps therapeutique", "pre reprise", "AVC"):
        top = [hit.fiche.id for hit in results[query].hits[:3]]
        print(f"  « {query} » -> {', '.join(top)}")
    print(f"Durée totale : {time.perf_counter() - started:.0f} s")
    return {
        "fiches": len(catalog.fiches),
        "contacts": catalog.contact_count,
        "queries": len(queries),
        "files": len(files),
        "c_composer_s": round(compose_s, 2),
        "load_s": round(load_s, 2),
        "load_vs_c_composer": round(load_s / compose_s, 1),
        "build_s": round(build_s, 2),
        "worker_open_s": round(worker["open_s"], 2),
        "worker_rss_mb": round(worker["rss_mb"]),
        "search_p50_ms": round(figures["search"][0], 2),
        "search_p95_ms": round(figures["search"][1], 2),
        "search_p95_cpu_ms": round(figures["search_cpu"][1], 2),
        "fts5_p50_ms": round(figures["fts5"][0], 2),
        "fts5_p95_ms": round(figures["fts5"][1], 2),
        "search_vs_fts5": round(figures["search"][1] / figures["fts5"][1], 2),
    }


# A fresh process does what a gunicorn worker does at start: import the portal, then create_app, which finds
# the version built and opens it. It prints the seconds create_app took and the memory it then holds.
_WORKER = """
import json, re, sys, time
from pathlib import Path
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)) / 1024
from portal import create_app
import portal.web, portal.cli
python_rss = rss()
start = time.perf_counter()
create_app()
print(json.dumps({"open_s": time.perf_counter() - start, "rss_mb": rss(), "python_rss_mb": python_rss}))
"""


def _worker_opening(content_dir: Path, trees_dir: Path, folder: Path) -> dict:
    env = {
        **os.environ,
        "PORTAL_CONTENT_DIR": str(content_dir),
        "PORTAL_TREES_DIR": str(trees_dir),
        "PORTAL_INSTANCE_DIR": str(folder),
        "PORTAL_SECRET_KEY": "bench",
    }
    done = subprocess.run([sys.executable, "-c", _WORKER], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _timed(action):
    start = time.perf_counter()
    value = action()
    return value, time.perf_counter() - start


def _measured(action):
    """The value, the wall-clock milliseconds and the CPU milliseconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[94]


def _fts5_database(catalog) -> sqlite3.Connection:
    """The same texts in an FTS5 table (accents removed by its tokenizer) and the facets in an indexed table."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE fiche USING fts5(id UNINDEXED, title, aliases, tags, body,"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("CREATE TABLE facet (doc INTEGER, name TEXT, value TEXT)")
    db.execute("CREATE INDEX facet_doc ON facet (doc)")
    for doc, fiche in enumerate(catalog.fiches.values(), start=1):
        texts = fiche_texts(fiche, catalog)
        db.execute(
            "INSERT INTO fiche (rowid, id, title, aliases, tags, body) VALUES (?, ?, ?, ?, ?, ?)",
            (doc, fiche.id, texts["title"], texts["aliases"], texts["tags"], texts["body"]),
        )
        values = [("type", fiche.type)] + [("etape", e) for e in fiche.etapes] + [("public", p) for p in fiche.publics]
        db.executemany("INSERT INTO facet VALUES (?, ?, ?)", [(doc, name, value) for name, value in values])
    db.commit()
    return db


def _fts5_search(db: sqlite3.Connection, query: str) -> tuple[list, int, list]:
    """What the portal's search computes, in SQL: all the words (else any of them, as the portal does), page 1
    ranked by bm25 with the same field weights and with highlighted snippets, the total, the facet counts."""
    words = folded_terms(query)  # the same words as the portal (stop words dropped), unstemmed
    if not words:
        return [], 0, []
    rows: list = []
    for operator in (" ", " OR "):
        match = operator.join(f'"{word}"' for word in words)
        rows = db.execute(
            "SELECT id, snippet(fiche, 4, '<mark>', '</mark>', ' … ', 24) FROM fiche WHERE fiche MATCH ?"
            f" ORDER BY bm25(fiche, 0, {', '.join(map(str, WEIGHTS))}) LIMIT 10",
            (match,),
        ).fetchall()
        if rows:
            break
    total = db.execute("SELECT count(*) FROM fiche WHERE fiche MATCH ?", (match,)).fetchone()[0]
    facets = db.execute(
        "SELECT name, value, count(*) FROM facet WHERE doc IN (SELECT rowid FROM fiche WHERE fiche MATCH ?)"
        " GROUP BY name, value",
        (match,),
    ).fetchall()
    return rows, total, facets


if __name__ == "__main__":
    main()
