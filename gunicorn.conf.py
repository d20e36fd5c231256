"""gunicorn settings for production and for `python -m portal.bench --http` (command-line options win)."""

bind = "127.0.0.1:8000"
workers = 2
