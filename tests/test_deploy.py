"""The production files of deploy/ agree with the portal: nginx proxies to where gunicorn listens, lets the
largest form through, and (where nginx is installed) accepts the file; systemd runs gunicorn.conf.py."""

import re
import shutil
import subprocess

import pytest

from portal.config import ROOT
from portal.web.reports import FORM_BYTES_MAX

NGINX_CONF = ROOT / "deploy" / "nginx.conf"
UNIT = ROOT / "deploy" / "portail-pdp.service"


def gunicorn_bind() -> str:
    return re.search(r'^bind = "([^"]+)"', (ROOT / "gunicorn.conf.py").read_text(), flags=re.M).group(1)


def test_nginx_proxies_to_gunicorn_and_lets_the_largest_form_through():
    conf = NGINX_CONF.read_text()
    assert f"server {gunicorn_bind()};" in conf
    size = re.search(r"client_max_body_size (\d+)k;", conf)
    assert size and int(size.group(1)) * 1024 > FORM_BYTES_MAX  # the portal, not nginx, refuses in French
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in conf
    assert "proxy_request_buffering on;" in conf and "proxy_buffering on;" in conf


def test_systemd_runs_gunicorn_with_the_repository_settings():
    unit = UNIT.read_text()
    assert re.search(r"^ExecStart=\S+/gunicorn -c gunicorn.conf.py portal:create_app\(\)$", unit, flags=re.M)
    assert "ExecReload=/bin/kill -HUP $MAINPID" in unit


def test_nginx_accepts_the_file(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx n'est pas installé ici : deploy/nginx.conf n'est pas vérifié par nginx -t")
    # The file goes in nginx's http block, as sites-enabled/ files do; everything nginx writes stays in tmp_path.
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
        f" include {NGINX_CONF};\n}}\n"
    )
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
