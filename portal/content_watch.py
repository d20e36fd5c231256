"""Live content: notice when content files change and reload them, keeping the last good version if broken."""

import sys
import threading
import time
from pathlib import Path

from flask import Flask

from portal.catalog import load_catalog
from portal.content import serve_catalog
from portal.diagnostics import ContentError, Problem


def content_fingerprint(content_dir: str | Path, trees_dir: str | Path | None) -> tuple:
    """Name, time and size of every content file: cheap to compute, changes when an editor saves or adds one."""
    entries = []
    for folder in (content_dir, trees_dir):
        if folder and Path(folder).is_dir():
            for path in sorted(Path(folder).rglob("*.yaml")):
                try:
                    stat = path.stat()
                except FileNotFoundError:  # removed while we listed: the next look sees it gone
                    continue
                entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def content_problems(app: Flask) -> tuple[Problem, ...]:
    """The problems of the content on disk when it could not be served (empty when all is well)."""
    return app.extensions.get("portal_problems", ())


def reload_content(app: Flask) -> bool:
    """Load the content again and serve it; if it is broken, keep the last good version and record why."""
    try:
        catalog = load_catalog(app.config["CONTENT_DIR"], app.config["TREES_DIR"])
    except ContentError as error:
        app.extensions["portal_problems"] = tuple(error.problems)
        errors = [p for p in error.problems if p.severity == "erreur"]
        for problem in errors:
            print(problem, file=sys.stderr)
        served = app.extensions.get("portal_catalog")
        kept = f"la version {served.version[:8]} reste servie" if served else "aucune version n'est servie"
        print(f"Contenu modifié mais invalide ({len(errors)} erreur(s)) : {kept}.", file=sys.stderr)
        return False
    serve_catalog(app, catalog)
    app.extensions["portal_problems"] = ()
    print(f"Contenu rechargé : version {catalog.version[:8]}, {catalog.summary()}.", file=sys.stderr)
    return True


class ContentWatcher:
    """Checks the content files at most every `interval` seconds (on requests) and reloads them on change."""

    def __init__(self, app: Flask, interval: float):
        self.app, self.interval = app, interval
        self.fingerprint = content_fingerprint(app.config["CONTENT_DIR"], app.config["TREES_DIR"])
        self.checked_at = time.monotonic()
        self._lock = threading.Lock()

    def poll(self) -> None:
        """Reload if a file changed since the last look (one thread reloads; the others go on serving)."""
        if time.monotonic() - self.checked_at < self.interval or not self._lock.acquire(blocking=False):
            return
        try:
            self.checked_at = time.monotonic()
            fingerprint = content_fingerprint(self.app.config["CONTENT_DIR"], self.app.config["TREES_DIR"])
            if fingerprint != self.fingerprint:
                self.fingerprint = fingerprint
                reload_content(self.app)
        finally:
            self._lock.release()
