"""README « Production », followed as typed on this machine: one PostgreSQL migrated by `portal migrer` with its
owner role, two gunicorn nodes serving one published archive with a DML-only role, and deploy/nginx.conf with
its TLS and load-balancer lines in front of them. Then: `nginx -t` passes on Debian's nginx, both nodes agree at
/sante (deploy/check_nodes.py), and 12 users behind one load balancer can each report."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg
import pytest

from portal.config import ROOT

FIXTURES = Path(__file__).parent / "fixtures"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
HOST = "portail.example.fr"
PORTAL = [sys.executable, "-c", "from portal.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_binary() -> str:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        if os.environ.get("CI"):
            pytest.fail("nginx est requis en CI : scripts/system-deps.sh l'installe")
        pytest.skip("nginx n'est pas installé ici (scripts/system-deps.sh l'installe)")
    return nginx


def site(tmp: Path, http_port: int, https_port: int, nodes: list[int]) -> str:
    """deploy/nginx.conf as the README has it edited: « #tls » and « #lb » lines on, the balancer's address, a
    certificate, ports free on this machine, the two nodes in the upstream block."""
    text = re.sub(r"(?m)^( *)#(tls|lb) ", r"\1", NGINX_CONF.read_text())
    replaced = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/portail.example.fr/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/letsencrypt/live/portail.example.fr/privkey.pem": str(tmp / "key.pem"),
        "set_real_ip_from 10.0.0.2;": "set_real_ip_from 127.0.0.1;",  # the « load balancer » is this test
        "server 127.0.0.1:8000;": "\n".join(f"server 127.0.0.1:{port};" for port in nodes),
        "root /srv/portail;": f"root {ROOT};",
    }
    for old, new in replaced.items():
        assert old in text, f"deploy/nginx.conf n'a plus « {old} »"
        text = text.replace(old, new)
    return "\n".join(line for line in text.splitlines() if "[::]" not in line)  # no IPv6 in every sandbox


def nginx_main(tmp: Path, site_text: str) -> Path:
    (tmp / "site.conf").write_text(site_text)
    main = tmp / "nginx.conf"
    # As root, nginx's workers would be `nobody`, who cannot enter the test's private folder.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main.write_text(
        f"{user}pid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp}/body;\n proxy_temp_path {tmp}/proxy;\n"
        f" include {tmp}/site.conf;\n}}\n"
    )
    return main


def self_signed(tmp: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}"]
        + ["-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        check=True,
        capture_output=True,
    )


def readme_database(server_url: str) -> tuple[str, str]:
    """Run the SQL of README « La base PostgreSQL » on the test server (names made unique: roles are shared by the
    server's databases); return the owner's and the workers' URLs."""
    sql = (ROOT / "README.md").read_text(encoding="utf-8").split("sudo -u postgres psql <<'SQL'\n", 1)[1]
    sql = sql.split("\nSQL\n", 1)[0]
    suffix = uuid.uuid4().hex[:8]
    names = {"portail_admin": f"portail_admin_{suffix}", "portail_web": f"portail_web_{suffix}"}
    for old, new in names.items():
        sql = sql.replace(old, new)
    database = f"portail_{suffix}"
    sql = sql.replace("CREATE DATABASE portail ", f"CREATE DATABASE {database} ")
    on_server, in_database = sql.split("\\c portail\n")
    plain = server_url.replace("+psycopg", "")
    for where, statements in ((f"{plain}/postgres", on_server), (f"{plain}/{database}", in_database)):
        with psycopg.connect(where, autocommit=True) as connection:
            for statement in filter(str.strip, statements.split(";")):
                connection.execute(statement)
    host = server_url.split("@", 1)[1]
    return tuple(f"postgresql+psycopg://{names[role]}@{host}/{database}" for role in ("portail_admin", "portail_web"))


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"le nœud s'est arrêté :\n{log.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/sante", headers={"Host": HOST})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            time.sleep(0.3)
        finally:
            connection.close()
    raise AssertionError(f"le nœud ne répond pas :\n{log.read_text()}")


@pytest.fixture(scope="module")
def production(tmp_path_factory, postgres_base_url):
    nginx = nginx_binary()
    tmp = tmp_path_factory.mktemp("production")
    owner_url, web_url = readme_database(postgres_base_url)
    base = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "DATABASE_URL")}
    base |= {"PORTAL_SETTINGS_FILE": "", "HOME": "/proc/portail-sans-dossier"}  # a service account without home

    # The build machine: one archive.
    build_env = base | {"PORTAL_INSTANCE_DIR": str(tmp / "build"), "PORTAL_CONTENT_DIR": str(FIXTURES / "content")}
    build_env["PORTAL_TREES_DIR"] = str(FIXTURES / "trees")
    archive = tmp / "version.tar.gz"
    subprocess.run([*PORTAL, "build", "--archive", str(archive)], env=build_env, check=True, capture_output=True)

    # The release step: migrations by the owner role; the workers' role gets the new tables' rows, no DDL.
    migrated = subprocess.run([*PORTAL, "migrer"], env=base | {"DATABASE_URL": owner_url}, capture_output=True)
    assert migrated.returncode == 0, migrated.stderr
    with psycopg.connect(web_url.replace("+psycopg", "")) as web, pytest.raises(psycopg.errors.InsufficientPrivilege):
        web.execute("CREATE TABLE intrus (x int)")

    node_env = base | {
        "DATABASE_URL": web_url,
        "PORTAL_MIGRATE_ON_START": "0",
        "PORTAL_SERVE_PUBLISHED": "1",
        "PORTAL_SECRET_KEY": "la-meme-sur-chaque-noeud",
        "PORTAL_PROXIES": "1",
        "PORTAL_TRUSTED_HOSTS": HOST,
        "PORTAL_SECURE_COOKIES": "1",
        "PORTAL_CONTENT_DIR": str(tmp / "pas-de-contenu-ici"),
    }
    processes, ports, logs = [], [], []
    try:
        for name in ("noeud-1", "noeud-2"):
            env = node_env | {"PORTAL_INSTANCE_DIR": str(tmp / name)}
            published = subprocess.run([*PORTAL, "publish", str(archive)], env=env, capture_output=True, text=True)
            assert published.returncode == 0, published.stderr
            port = free_port()
            log = tmp / f"{name}.log"
            command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
            command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "portal:create_app()"]
            with open(log, "w") as handle:
                processes.append(subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT))
            ports.append(port)
            logs.append(log)
        for port, process, log in zip(ports, processes, logs, strict=True):
            wait_for(port, process, log)

        self_signed(tmp)
        http_port, https_port = free_port(), free_port()
        main = nginx_main(tmp, site(tmp, http_port, https_port, ports))
        checked = subprocess.run(
            [nginx, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(main)], capture_output=True, text=True
        )
        server = subprocess.Popen(
            [nginx, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(main), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)
        yield {"nginx_t": checked, "ports": ports, "https": https_port, "http": http_port, "logs": logs}
        server.terminate()
        server.wait(timeout=30)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def https(port: int, method: str, path: str, headers: dict, body: str | None = None) -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    connection.request(method, path, body=body, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    response.text = response.read().decode()
    connection.close()
    return response


def report(port: int, client: str) -> int:
    """One person behind the load balancer (which says who in X-Forwarded-For) reports a broken link."""
    form = https(port, "GET", "/signaler/crpe", {"X-Forwarded-For": client})
    cookie = form.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "raison": "lien-casse", "texte": ""})
    headers = {"X-Forwarded-For": client, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return https(port, "POST", "/signaler/crpe", headers, body).status


@pytest.mark.slow
def test_nginx_accepts_the_tls_and_load_balancer_lines(production):
    assert production["nginx_t"].returncode == 0, production["nginx_t"].stderr
    assert "syntax is ok" in production["nginx_t"].stderr and "test is successful" in production["nginx_t"].stderr


@pytest.mark.slow
def test_a_page_goes_through_nginx_over_tls_and_http_is_redirected(production):
    page = https(production["https"], "GET", "/", {})
    assert page.status == 200 and "Strict-Transport-Security" in page.headers
    connection = http.client.HTTPConnection("127.0.0.1", production["http"], timeout=30)
    connection.request("GET", "/fiches", headers={"Host": HOST})
    redirect = connection.getresponse()
    redirect.read()
    connection.close()
    assert redirect.status == 301 and redirect.getheader("Location") == f"https://{HOST}/fiches"


@pytest.mark.slow
def test_both_nodes_agree_at_sante(production):
    nodes = [f"http://127.0.0.1:{port}" for port in production["ports"]]
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "check_nodes.py"), "--host", HOST, *nodes],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    assert "Les 2 nœuds servent la même version" in result.stdout and "base joignable" in result.stdout


@pytest.mark.slow
def test_twelve_people_behind_one_load_balancer_can_each_report(production):
    statuses = [report(production["https"], f"198.51.100.{n}") for n in range(1, 13)]
    assert statuses == [303] * 12
    # The limit still holds per person: the same one, ten more times in the hour, is stopped.
    again = [report(production["https"], "198.51.100.1") for _ in range(10)]
    assert again[:9] == [303] * 9 and again[9] == 429


@pytest.mark.slow
def test_gunicorn_logs_no_control_socket_error_without_a_home(production):
    for log in production["logs"]:
        text = log.read_text().lower()
        assert "booting worker" in text and "control" not in text, text
