"""A new content version, then a broken one, published while gunicorn answers: no 5xx, no answer mixing versions."""

import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from apps import edit

from bench.http_load import Server
from portal.content_files import read_content_files

FIXTURES = Path(__file__).parent / "fixtures"
LISTED = "/api/fiches?etape=reprise"


@pytest.mark.slow  # gunicorn under load while the content changes
def test_reload_under_load_serves_whole_versions_only(tmp_path):
    content, trees = tmp_path / "content", tmp_path / "trees"
    shutil.copytree(FIXTURES / "content", content)
    shutil.copytree(FIXTURES / "trees", trees)
    server = Server(content, trees, workers=2)
    server.env["PORTAL_RELOAD_SECONDS"] = "0.2"
    server.env["PORTAL_PAGE_CACHE_MB"] = "0"
    first = read_content_files(content, trees).version
    answers: list[tuple[int, str | None, bool]] = []  # status, version named by the answer, essai-encadre listed
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(server.base + LISTED, timeout=30) as response:
                    data = json.loads(response.read())
                    ids = {fiche["id"] for fiche in data["fiches"]}
                    answers.append((response.status, data["version"], "essai-encadre" in ids))
            except urllib.error.HTTPError as error:
                answers.append((error.code, None, False))

    server.start()
    clients = [threading.Thread(target=load) for _ in range(4)]
    try:
        for client in clients:
            client.start()
        time.sleep(1)
        fiche = content / "dispositifs" / "essai-encadre.yaml"
        edit(fiche, "etapes: [pendant-arret]", "etapes: [pendant-arret, reprise]")
        second = read_content_files(content, trees).version
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(1 for a in answers[-40:] if a[1] == second) < 40:
            time.sleep(0.2)  # until both workers serve the new version
        edit(content / "dispositifs" / "crpe.yaml", "statut: a-verifier", "statut: a-verfier")
        seen_before_broken = len(answers)
        time.sleep(2)
    finally:
        stop.set()
        for client in clients:
            client.join()
        server.stop()
    assert answers and all(status == 200 for status, _, _ in answers), {a[0] for a in answers}
    assert {version for _, version, _ in answers} == {first, second}
    # Each answer is one whole version: its version's fiches, never the other's.
    assert all(listed == (version == second) for _, version, listed in answers)
    # The broken files are never served: the last good version stays.
    assert {version for _, version, _ in answers[seen_before_broken:]} == {second}
