"""`portal liens`: broken source and website URLs, checked politely, against a local server on 127.0.0.1 only."""

import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.cli import main
from portal.links import check_links

FIXTURES = Path(__file__).parent / "fixtures"


class Handler(BaseHTTPRequestHandler):
    """/ok answers; /absent is 404; /sans-head refuses HEAD (405) but answers GET; /lent is too slow."""

    log: list = []
    active = 0
    most_at_once = 0
    lock = threading.Lock()

    def _answer(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.active += 1
            cls.most_at_once = max(cls.most_at_once, cls.active)
            cls.log.append((self.command, self.path, self.headers.get("User-Agent", "")))
        try:
            time.sleep(0.05)  # long enough for overlapping requests to show in most_at_once
            if self.path == "/lent":
                time.sleep(1.5)
            status = {"/absent": 404, "/sans-head": 405 if self.command == "HEAD" else 200}.get(self.path, 200)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(b"ok")
        finally:
            with cls.lock:
                cls.active -= 1

    do_HEAD = do_GET = _answer

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def server():
    Handler.log, Handler.active, Handler.most_at_once = [], 0, 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def content(tmp_path, server):
    """The fixture content, with its URLs pointing at the local server."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    (tmp_path / "trees").mkdir()
    replacements = {
        "https://www.ameli.fr/entreprise/vos-salaries/retour-emploi/essai-encadre": f"{server}/ok",
        "https://travail-emploi.gouv.fr./la-convention-de-reeducation-professionnelle-en-entreprise-crpe": (
            f"{server}/absent"
        ),
        "https://www.ameli.fr/assure/droits-demarches/maladie-accident-hospitalisation/prevention-desinsertion-"
        "professionnelle": f"{server}/sans-head",
        # the fixture's other primary sources: answered by the same valid page, so that nothing leaves this machine
        "https://preventionbtp.fr/droit-de-la-prevention/article-r4624-29-du-code-du-travail_rxMHYZRs2VASKpLyAMCUbb": (
            f"{server}/ok"
        ),
        "https://capemploi68-67.com/fr/16425187569302-1731057873814356-presentation-du-reseau-des-cap-emploi-.html": (
            f"{server}/ok"
        ),
    }
    for path in (tmp_path / "content").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for old, new in replacements.items():
            text = text.replace(old, new)
        if path.parent.name in ("acteurs", "dispositifs"):  # the local server stands for each organisation's site
            own = "sites_propres: [127.0.0.1"
            text = text.replace("sites_propres: [", own + ", ") if "sites_propres:" in text else f"{text}{own}]\n"
        path.write_text(text, encoding="utf-8")
    return tmp_path / "content"


def liens(content: Path, *extra: str):
    args = ["liens", "--contenu", str(content), "--arbres", str(content.parent / "trees"), "--delai", "0", *extra]
    return CliRunner().invoke(main, args)


def test_broken_links_are_reported_with_where_they_are_used(content, server):
    result = liens(content)
    assert result.exit_code == 1, result.output
    assert f"CASSÉ {server}/absent : la page n'existe plus (404)" in result.output
    assert "utilisé dans content/dispositifs/crpe.yaml : source « travail-emploi.gouv.fr, la CRPE »" in result.output
    assert f"{server}/ok" not in result.output and f"CASSÉ {server}/sans-head" not in result.output
    assert result.output.splitlines()[-1] == "2 lien(s) valide(s), 1 cassé(s)."


def test_head_first_then_get_when_head_is_refused_one_request_at_a_time(content, server):
    liens(content)
    requests = [(method, path) for method, path, _agent in Handler.log]
    assert requests.count(("HEAD", "/ok")) == 1 and ("GET", "/ok") not in requests  # HEAD was enough
    assert requests.index(("HEAD", "/sans-head")) < requests.index(("GET", "/sans-head"))
    assert Handler.most_at_once == 1  # one host: never two requests at once
    assert all(agent.startswith("PortailPDP") for _method, _path, agent in Handler.log)


def test_pause_between_requests_to_the_same_host(server):
    pauses = []
    check_links([f"{server}/ok", f"{server}/absent", f"{server}/sans-head"], delay=2.5, pause=pauses.append)
    assert pauses == [2.5, 2.5, 2.5]  # between the 3 URLs, and between HEAD and GET of /sans-head


def test_slow_server_is_a_timeout_not_a_hang(server):
    [result] = check_links([f"{server}/lent"], timeout=1, delay=0)
    assert not result.ok and result.problem == "le site ne répond pas dans le délai"


def test_refused_connection_is_explained():
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [result] = check_links([f"http://127.0.0.1:{port}/"], timeout=2, delay=0)
    assert not result.ok and result.problem == "le site refuse la connexion"


def test_without_internet_it_says_so_and_exits_cleanly(tmp_path, monkeypatch):
    import socket

    def no_dns(*_args, **_kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    (tmp_path / "trees").mkdir()
    result = liens(tmp_path / "content")
    assert result.exit_code == 0
    assert "Pas d'accès à internet depuis cette machine" in result.output
