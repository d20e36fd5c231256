"""gunicorn settings for production and for `python -m bench --http` (command-line options win: -b, -w)."""

from portal.config import environment, proxy_count
from portal.logs import GunicornLogger

bind = "127.0.0.1:8000"
workers = 2

# Sync workers: every view is CPU-bound Python, so threads only add GIL contention. Measured with wrk at 32
# clients on 2 cores (python -m bench --http), gthread with 4 threads had the same rates but a p99 up to
# twice as long, and its keep-alive connections stuck to one worker while the other idled. Behind a reverse
# proxy that buffers requests, slow clients never hold a sync worker.
worker_class = "sync"
threads = 1

# PORTAL_PROXIES, the number of trusted reverse proxies, rules gunicorn as it rules the portal (Flask's ProxyFix):
# with none, gunicorn believes no X-Forwarded-* header (https, script name), not even from 127.0.0.1, which it
# trusts by default, nor from a UNIX socket, which it always trusts. With proxies, gunicorn's own default holds:
# 127.0.0.1, or the addresses in FORWARDED_ALLOW_IPS.
if not proxy_count(environment().get("PORTAL_PROXIES", "0")):
    forwarded_allow_ips = ""
    secure_scheme_headers = {}
    forwarder_headers = ""

# No control socket (gunicorn ≥ 25.1): its default path is under $XDG_RUNTIME_DIR or $HOME, which a service account
# without a home lacks (an error in the log at each start); systemd's `reload` (HUP) is the control used here.
control_socket_disable = True

# What a client sends (the URL-decoded path, its user agent) is escaped in the access and error logs: a path
# with « %0A » cannot forge a log line.
logger_class = GunicornLogger


def worker_exit(server, worker) -> None:
    """A stopping worker writes the orientation counts it kept in memory (see portal/counts.py)."""
    from portal.counts import flush_all

    flush_all()
