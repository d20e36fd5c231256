"""`python -m bench` (and its thin entry `python -m portal.bench`): a quick run on two départements prints its report
and the JSON figures; the tooling lives outside the package."""

import json
import subprocess
import sys

import pytest

from bench import search as bench
from portal.config import ROOT


@pytest.mark.slow  # runs the benchmark in a process
@pytest.mark.parametrize("module", ["bench", "portal.bench"])
def test_bench_prints_a_report_and_ends_with_its_figures(module):
    run = subprocess.run(
        [sys.executable, "-m", module, "--departements", "2", "--requetes-generees", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = run.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    for key in ("fiches", "build_s", "search_p50_ms", "search_p95_ms", "fts5_p95_ms", "search_vs_fts5"):
        assert key in figures, key
    assert figures["fiches"] > 100
    # Loading is compared with the C YAML composer on the same files, and a fresh worker opens the built version.
    assert figures["load_vs_c_composer"] > 0 and figures["c_composer_s"] > 0
    assert figures["worker_open_s"] > 0 and figures["worker_rss_mb"] > 0
    assert "composeur YAML en C" in run.stdout and "Un worker ouvre la version" in run.stdout
    assert "SQLite FTS5 (témoin)" in run.stdout and "« Sameth » -> cap-emploi" in run.stdout


def test_http_and_soak_go_to_the_http_load_test(monkeypatch):
    seen = []
    monkeypatch.setattr("bench.http_load.main", lambda argv: seen.append(argv))
    bench.main(["--http", "--duree", "1"])
    bench.main(["--soak"])
    assert seen == [["--http", "--duree", "1"], ["--soak"]]


@pytest.mark.slow  # runs the reload benchmark (versions built again and again)
def test_reloads_measure_a_workers_memory(monkeypatch, capsys):
    bench.main(["--rechargements", "2"])
    printed = capsys.readouterr().out
    figures = json.loads(printed.strip().splitlines()[-1])
    assert figures["reloads"] == 2 and set(figures["rss_mb"]) == {"0"} and "rechargements en" in printed


def test_the_benchmarks_are_not_in_the_package():
    shipped = {path.stem for path in (ROOT / "portal").glob("*.py")}
    assert not shipped & {"bench_http", "bench_reload", "synthetic"}
    assert len((ROOT / "portal" / "bench.py").read_text().splitlines()) < 15  # the thin entry only
