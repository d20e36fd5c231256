"""Live content: notice when content files change and reload them, keeping the last good version if broken."""

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from portal.catalog import content_version, load_catalog
from portal.content import serve_catalog
from portal.diagnostics import ContentError, Problem


def content_fingerprint(content_dir: str | Path, trees_dir: str | Path | None) -> str:
    """The hash of every content file's name and bytes, cas types included (4 ms on the real content). Not
    times and sizes: a file system that stamps times by the second, or an edit that keeps the size, would hide
    a save made in the same second as the previous one."""
    return content_version(Path(content_dir), Path(trees_dir) if trees_dir else None, with_cases=True)


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
    """Checks the content files at most every `interval` seconds (on requests) and reloads them on change.

    Created before the content is first loaded, so that a file saved while the portal starts is seen at the
    first request; `clock` is there for the tests."""

    def __init__(self, app: Flask, interval: float, clock: Callable[[], float] = time.monotonic):
        self.app, self.interval, self.clock = app, interval, clock
        self.fingerprint = content_fingerprint(app.config["CONTENT_DIR"], app.config["TREES_DIR"])
        self.checked_at = clock()
        self._lock = threading.Lock()

    def poll(self) -> bool:
        """Reload if a file changed since the last look (one thread reloads; the others go on serving);
        True when a change was found."""
        if self.clock() - self.checked_at < self.interval or not self._lock.acquire(blocking=False):
            return False
        try:
            self.checked_at = self.clock()
            fingerprint = content_fingerprint(self.app.config["CONTENT_DIR"], self.app.config["TREES_DIR"])
            if fingerprint == self.fingerprint:
                return False
            reload_content(self.app)
            # Only now: a page served meanwhile from the old content carries the old fingerprint, so the
            # preview sees the change when it polls.
            self.fingerprint = fingerprint
            return True
        finally:
            self._lock.release()
