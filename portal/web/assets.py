"""Static files: each URL carries a hash of the file, so browsers keep it for a year and still see every change."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=256)
def file_version(path: str, mtime_ns: int, size: int) -> str:
    """The first characters of the file's SHA-256 (recomputed only when its time or size changes)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def init_app(app: Flask) -> None:
    """`url_for('static', …)` adds `?v=<hash>`; a request with `v` gets a year-long, immutable cache lifetime."""
    folder = Path(app.static_folder or "static")

    def add_version(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values or "filename" not in values:
            return
        path = folder / values["filename"]
        try:
            stat = path.stat()
        except OSError:  # a missing file: its URL stays plain, and the request gets the French 404
            return
        values["v"] = file_version(str(path), stat.st_mtime_ns, stat.st_size)

    def cache_versioned(response: Response) -> Response:
        # Without `v` (an old link, a hand-typed URL), the browser revalidates with the ETag as before.
        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        return response

    app.url_defaults(add_version)
    app.after_request(cache_versioned)
