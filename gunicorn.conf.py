"""gunicorn settings for production and for `python -m portal.bench --http` (command-line options win: -b, -w)."""

bind = "127.0.0.1:8000"
workers = 2

# Sync workers: every view is CPU-bound Python, so threads only add GIL contention. Measured with wrk at 32
# clients on 2 cores (python -m portal.bench --http), gthread with 4 threads had the same rates but a p99 up to
# twice as long, and its keep-alive connections stuck to one worker while the other idled. Behind a reverse
# proxy that buffers requests, slow clients never hold a sync worker.
worker_class = "sync"
threads = 1
