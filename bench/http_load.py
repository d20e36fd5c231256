"""`python -m bench --http|--soak`: the production server under load from wrk, beside a static file."""

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from portal.catalog import Catalog, load_catalog
from portal.config import ROOT

HOST = "127.0.0.1"  # the bench only ever targets this machine
STATIC_PATH = "/static/css/portal.css"
TREE_PATH = "/orientation/{tree}"

# wrk runs this script: each connection walks the route's list of paths, and the run ends with one JSON line.
WRK_SCRIPT = """
local paths = {%(paths)s}
local etags = {%(etags)s}
local index = math.random(#paths)
request = function()
  index = index %% #paths + 1
  if #etags > 0 then
    return wrk.format("GET", paths[index], {["If-None-Match"] = etags[index]})
  end
  return wrk.format("GET", paths[index])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class Measure:
    """One wrk run against one route."""

    name: str
    paths: int
    req_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    generator_cpu: float  # cores wrk used on average
    server_cpu: float  # cores the gunicorn workers used on average


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def route_paths(catalog: Catalog, rng: random.Random) -> dict[str, list[str]]:
    """The paths of each route, drawn from the real content: every fiche, every tree step, several places."""
    fiche_ids = list(catalog.fiches)
    words = sorted(
        {alias for fiche in catalog.fiches.values() for alias in (fiche.titre, fiche.sigle, *fiche.alias) if alias}
    )
    words += [terme.terme for terme in catalog.glossaire]
    places = sorted(catalog.territoires) or ["75"]
    steps, results = [], []
    for tree in catalog.trees.values():
        tree_steps, tree_results = _walks(tree)
        steps += [_tree_url(tree.id, params) for params in tree_steps]
        results += [_tree_url(tree.id, [*params, ("lieu", rng.choice(places))]) for params in tree_results]
    return {
        "accueil": ["/"],
        "fiche": [f"/fiches/{fiche_id}" for fiche_id in fiche_ids],
        "recherche": [f"/recherche?{urlencode({'q': word})}" for word in words],
        "etape-arbre": steps,
        "resultat-arbre": results,
        "contacts": [f"/contacts?{urlencode({'lieu': place})}" for place in places],
    }


def _tree_url(tree_id: str, params: list[tuple[str, str]]) -> str:
    path = TREE_PATH.format(tree=quote(tree_id))
    return f"{path}?{urlencode(params)}" if params else path


def _walks(tree) -> tuple[list[list[tuple[str, str]]], list[list[tuple[str, str]]]]:
    """The answers leading to every step and to every result of `tree` (depth first, as written)."""
    steps, results = [], []
    pending = [(tree.debut, [])]
    while pending:
        node_id, params = pending.pop()
        steps.append(params)
        node = tree.noeuds[node_id]
        for code, following in node.suites.items():
            walk = [*params, (node.question, code)]
            if following in tree.resultats:
                results.append(walk)
            elif following in tree.noeuds and len(walk) < 12:
                pending.append((following, walk))
    return steps, results


class Server:
    """gunicorn, as in production (gunicorn.conf.py), bound to the loopback on a free port."""

    def __init__(self, content_dir: Path, trees_dir: Path, workers: int, page_cache: bool = True) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="portal-bench-http-"))
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.env = {
            **os.environ,
            "PORTAL_CONTENT_DIR": str(content_dir),
            "PORTAL_TREES_DIR": str(trees_dir),
            "DATABASE_URL": f"sqlite:///{self.folder / 'portal.sqlite3'}",
            "PORTAL_SECRET_KEY": "bench",
            "PORTAL_INSTANCE_DIR": str(self.folder),
            "PORTAL_PAGE_CACHE_MB": os.environ.get("PORTAL_PAGE_CACHE_MB", "32") if page_cache else "0",
        }
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{self.port}",
            "--chdir",
            str(ROOT),
            "portal:create_app()",
        ]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # Build the tables and the index first, as `make build` does before production workers start.
        build = [sys.executable, "-c", "from portal.cli import main; main()", "build"]
        subprocess.run(build, env=self.env, check=True, cwd=ROOT)
        self.log = open(self.folder / "gunicorn.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(self.command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) >= 1:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise SystemExit(f"Le serveur ne répond pas ; journal : {self.folder / 'gunicorn.log'}")

    def worker_pids(self) -> list[int]:
        assert self.process
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def cpu_seconds(self) -> float:
        """User + system CPU time of the master and its workers."""
        assert self.process
        total = 0.0
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def worker_rss_mb(self) -> dict[int, float]:
        rss = {}
        for pid in self.worker_pids():
            match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
            if match:
                rss[pid] = int(match.group(1)) / 1024
        return rss

    def etag(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            return response.headers["ETag"]

    def status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def run_wrk(
    server: Server,
    name: str,
    paths: list[str],
    seconds: float,
    connections: int,
    threads: int,
    etags: list[str] | None = None,
) -> Measure:
    """Drive `paths` with wrk for `seconds` (each with its `etags`, as a browser asking again, if given); the
    generator's and the server's CPU use come with the figures."""
    lua = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(path) for path in paths),
        "etags": ", ".join(json.dumps(etag) for etag in etags or ()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", script.name]
    generator_before = _children_cpu_seconds()
    cpu_before, started = server.cpu_seconds(), time.monotonic()
    output = subprocess.run([*command, server.base], stdout=subprocess.PIPE, text=True, check=False).stdout
    elapsed = time.monotonic() - started
    server_cpu = (server.cpu_seconds() - cpu_before) / elapsed
    generator = _children_cpu_seconds() - generator_before  # wrk is the only child reaped meanwhile
    os.unlink(script.name)
    line = next((line for line in output.splitlines() if line.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk n'a pas rendu de mesure pour {name} :\n{output}")
    data = json.loads(line[4:])
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Measure(
        name=name,
        paths=len(paths),
        req_s=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
        generator_cpu=generator / elapsed,
        server_cpu=server_cpu,
    )


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def print_table(measures: list[Measure], static: Measure) -> None:
    print(f"{'route':<16}{'chemins':>8}{'req/s':>9}{'/statique':>10}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}", end="")
    print(f"{'erreurs':>8}{'CPU wrk':>9}{'CPU serveur':>12}")
    for m in [static, *measures]:
        ratio = m.req_s / static.req_s if static.req_s else 0
        print(
            f"{m.name:<16}{m.paths:>8}{m.req_s:>9.0f}{ratio:>10.2f}{m.p50_ms:>8.1f}{m.p95_ms:>8.1f}{m.p99_ms:>8.1f}"
            f"{m.errors:>8}{m.generator_cpu:>9.2f}{m.server_cpu:>12.2f}"
        )


def check_routes(server: Server, routes: dict[str, list[str]]) -> dict[str, list[str]]:
    """Keep the routes whose first path answers 200; say which are left out and why."""
    kept = {}
    for name, paths in routes.items():
        if not paths:
            print(f"{name} : aucun chemin (pas d'arbre dans le contenu ?) — route ignorée")
            continue
        status = server.status(paths[0])
        if status == 200:
            kept[name] = paths
        else:
            print(f"{name} : {paths[0]} répond {status} — route ignorée (pas encore en service ?)")
    return kept


def bench(args: argparse.Namespace) -> dict:
    """Static baseline, then each dynamic route, on one server; returns the summary."""
    catalog = load_catalog(args.contenu, args.arbres)
    routes = route_paths(catalog, random.Random(2024))
    server = Server(args.contenu, args.arbres, args.workers, page_cache=not args.sans_cache)
    server.start()
    try:
        print(f"Serveur : {' '.join(server.command[2:])}")
        print(
            "Cache de pages des workers : aucun (chaque page refaite à chaque requête, à froid)"
            if args.sans_cache
            else "Cache de pages des workers : actif (PORTAL_PAGE_CACHE_MB) : chiffres « en cache »"
        )
        print(
            f"Contenu : {catalog.summary()} ; {args.connexions} connexions, {args.duree} s par route, "
            f"wrk -t{args.threads}"
        )
        routes = check_routes(server, routes)
        for name, paths in routes.items():  # warm-up: imports, templates, caches of the content version
            run_wrk(server, name, paths, 1, 4, 1)
        static = run_wrk(server, "statique", [STATIC_PATH], args.duree, args.connexions, args.threads)
        measures = [run_wrk(server, n, p, args.duree, args.connexions, args.threads) for n, p in routes.items()]
        # A browser or proxy asking again for pages it has (If-None-Match): 304 without rendering.
        repeats = routes.get("resultat-arbre") or next(iter(routes.values()))
        etags = [server.etag(path) for path in repeats]
        measures.append(
            run_wrk(server, "conditionnel", repeats, args.duree, args.connexions, args.threads, etags=etags)
        )
    finally:
        server.stop()
    print_table(measures, static)
    summary = {
        "page_cache": not args.sans_cache,
        "connections": args.connexions,
        "duration_s": args.duree,
        "workers": args.workers,
        "static_req_s": round(static.req_s, 1),
        "static_p99_ms": round(static.p99_ms, 2),
        "routes": {
            m.name: {
                "req_s": round(m.req_s, 1),
                "ratio_to_static": round(m.req_s / static.req_s, 3),
                "p50_ms": round(m.p50_ms, 2),
                "p95_ms": round(m.p95_ms, 2),
                "p99_ms": round(m.p99_ms, 2),
                "errors": m.errors,
                "paths": m.paths,
            }
            for m in measures
        },
        "min_ratio_to_static": round(min((m.req_s / static.req_s for m in measures), default=0), 3),
        "max_p99_ms": round(max((m.p99_ms for m in measures), default=0), 2),
        "errors": sum(m.errors for m in [static, *measures]),
        "max_generator_cpu": round(max(m.generator_cpu for m in [static, *measures]), 2),
    }
    return summary


def soak(args: argparse.Namespace) -> dict:
    """Every dynamic route mixed, for a long run; the workers' memory at start and at end."""
    catalog = load_catalog(args.contenu, args.arbres)
    routes = route_paths(catalog, random.Random(2024))
    server = Server(args.contenu, args.arbres, args.workers)
    server.start()
    try:
        routes = check_routes(server, routes)
        mixed = [path for paths in routes.values() for path in paths]
        random.Random(7).shuffle(mixed)
        run_wrk(server, "échauffement", mixed, 10, args.connexions, args.threads)
        start = server.worker_rss_mb()
        print(f"Mémoire des workers au début (Mo) : {_rss_text(start)} ; {len(mixed)} chemins, {args.duree} s")
        measure = run_wrk(server, "endurance", mixed, args.duree, args.connexions, args.threads)
        end = server.worker_rss_mb()
        print(f"Mémoire des workers à la fin (Mo) : {_rss_text(end)}")
    finally:
        server.stop()
    growth = {pid: (end[pid] - start[pid]) / start[pid] for pid in start if pid in end}
    print(
        f"{measure.req_s:.0f} req/s, p99 {measure.p99_ms:.1f} ms, {measure.errors} erreurs ; "
        f"croissance mémoire max {max(growth.values(), default=0):+.1%}"
    )
    return {
        "duration_s": args.duree,
        "connections": args.connexions,
        "req_s": round(measure.req_s, 1),
        "p99_ms": round(measure.p99_ms, 2),
        "errors": measure.errors,
        "rss_start_mb": [round(v, 1) for v in start.values()],
        "rss_end_mb": [round(v, 1) for v in end.values()],
        "workers_replaced": sorted(start) != sorted(end),
        "max_rss_growth": round(max(growth.values(), default=0), 4),
    }


def _rss_text(rss: dict[int, float]) -> str:
    return ", ".join(f"{value:.1f}" for value in rss.values())


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench --http",
        description="Charge HTTP du serveur de production (gunicorn) par wrk, comparée à un fichier statique.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--http", action="store_true", help="mesurer chaque route puis le fichier statique")
    mode.add_argument("--soak", action="store_true", help="endurance : toutes les routes mêlées, mémoire des workers")
    parser.add_argument(
        "--sans-cache", action="store_true", help="sans cache de pages dans les workers : chaque page refaite (à froid)"
    )
    parser.add_argument("--duree", type=int, help="secondes par route (défaut : 10 ; 300 en endurance)")
    parser.add_argument("--connexions", type=int, default=32, help="clients simultanés (défaut : 32)")
    parser.add_argument("--threads", type=int, default=2, help="threads de wrk (défaut : 2)")
    parser.add_argument("--workers", type=int, default=2, help="workers gunicorn (défaut : 2)")
    parser.add_argument("--contenu", type=Path, default=ROOT / "content", help="dossier des fiches (défaut : content/)")
    parser.add_argument("--arbres", type=Path, default=ROOT / "trees", help="dossier des arbres (défaut : trees/)")
    args = parser.parse_args(argv)
    if args.duree is None:
        args.duree = 300 if args.soak else 10
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the load test (--http) or the soak (--soak); the last line printed is the JSON summary."""
    args = parse_args(sys.argv[1:] if argv is None else list(argv))
    if shutil.which("wrk") is None:
        print("wrk est absent : installez le paquet Debian « wrk » (scripts/system-deps.sh le fait).", file=sys.stderr)
        return 2
    summary = soak(args) if args.soak else bench(args)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
