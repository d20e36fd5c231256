"""gunicorn settings for production and for `python -m portal.bench --http` (command-line options win: -b, -w)."""

bind = "127.0.0.1:8000"
workers = 2

# Threaded workers keep connections alive between requests: measured with wrk at 32 clients, this doubles the
# rate of every route against sync workers, which pay a TCP accept and close for each request. The views only
# read immutable content (and SQLite with a busy timeout), so threads are safe.
worker_class = "gthread"
threads = 4
keepalive = 5
