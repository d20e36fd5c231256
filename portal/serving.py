"""Serve content versions: open one at start, pin it to each request, swap to a newer one outside requests.

The served version is one attribute of the app, replaced by one assignment: a request pins it when it starts
(`current_version`) and sees that version to its end, whatever happens meanwhile. In production, a watcher
thread of each process looks for changed content files every PORTAL_RELOAD_SECONDS, builds the new version
(or finds it built by `portal build` or another worker) and swaps; broken files leave the last good version
served. In the editors' preview the same look runs before each request, so that a save shows at once.
"""

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app, g, has_request_context

from portal.catalog import Catalog, content_version
from portal.diagnostics import ContentError, Problem
from portal.places import Places, Resolution
from portal.search import SearchIndex
from portal.version import ContentVersion, ensure_version, last_good, open_version


def install(app: Flask) -> None:
    """Serve the version of the content files (built now if no process built it yet). Broken files: the last
    good version is served if there is one; else the start stops with the problems in French (in dev mode, the
    preview shows them until they are fixed)."""
    if not refresh(app):
        if app.config.get("SERVE_PUBLISHED"):
            raise SystemExit(
                f"Aucune version publiée ne s'ouvre dans {app.config['VERSIONS_DIR']} (PORTAL_SERVE_PUBLISHED=1) : "
                "publiez-en une (portal publish ARCHIVE) puis relancez le portail."
            )
        served = last_good(app.config["VERSIONS_DIR"])
        if served:
            try:
                _serve(app, open_version(app.config["VERSIONS_DIR"], served, app.config["PLACES_DATA_DIR"]))
            except OSError as error:
                raise SystemExit(
                    f"La dernière version valide ({served[:8]}) ne s'ouvre pas non plus : {error}"
                ) from None
            print(f"La dernière version valide ({served[:8]}) est servie.", file=sys.stderr)
        elif not app.config.get("DEV"):
            raise SystemExit("Le contenu a des erreurs : corrigez-les (portal check) puis relancez le portail.")
        else:
            print("Le contenu a des erreurs : l'aperçu les affiche jusqu'à leur correction.", file=sys.stderr)
    app.before_request(_pin)


def refresh(app: Flask) -> bool:
    """Serve the version of the files on disk if it is valid (True); else keep the served one and record why."""
    config = app.config
    try:
        version = _wanted_version(config)
        served = app.extensions.get("portal_version")
        if served is None or served.id != version:
            _serve(app, open_version(config["VERSIONS_DIR"], version, config["PLACES_DATA_DIR"]))
            if served is not None:
                print(f"Contenu rechargé : version {version[:8]}.", file=sys.stderr)
    except OSError as error:  # disk full, a folder that cannot be written or read: the served version stays
        print(f"La version du contenu n'a pas pu être construite ou ouverte ({error}) : {_kept(app)}.", file=sys.stderr)
        return False
    except ContentError as error:
        app.extensions["portal_problems"] = tuple(error.problems)
        for problem in error.errors:
            print(problem, file=sys.stderr)
        print(f"Contenu invalide ({len(error.errors)} erreur(s)) : {_kept(app)}.", file=sys.stderr)
        return False
    app.extensions["portal_problems"] = ()
    return True


def _wanted_version(config) -> str:
    """The published version (PORTAL_SERVE_PUBLISHED: one build for every node, no content read here), else the
    version of the files on disk, built if needed."""
    if config.get("SERVE_PUBLISHED"):
        published = last_good(config["VERSIONS_DIR"])
        if published is None:
            raise OSError("aucune version publiée (portal publish)")
        return published
    return ensure_version(config["CONTENT_DIR"], config["TREES_DIR"], config["VERSIONS_DIR"])


def _kept(app: Flask) -> str:
    served = app.extensions.get("portal_version")
    return f"la version {served.id[:8]} reste servie" if served else "aucune version n'est servie"


def _serve(app: Flask, version: ContentVersion) -> None:
    app.extensions["portal_version"] = version  # one assignment: a request pins the old version or the new


def _pin() -> None:
    g.content_version = current_app.extensions.get("portal_version")


def current_version() -> ContentVersion:
    """The version of this request (pinned when it started), or the app's, out of a request (CLI commands)."""
    if has_request_context():
        pinned = g.get("content_version")
        if pinned is not None:
            return pinned
    return current_app.extensions["portal_version"]


def current_catalog() -> Catalog:
    return current_version().catalog


def current_search() -> SearchIndex:
    return current_version().search


def current_places() -> Places:
    return current_version().places


def resolve_place(text: str) -> Resolution:
    """Resolve what a user typed (commune, code postal, département code or name, région) to a département;
    homonyms come back as `candidats`, unknown places with `suggestions`. Accent, case and hyphen blind."""
    return current_places().resolve(text)


def content_problems(app: Flask) -> tuple[Problem, ...]:
    """The problems of the content on disk when it could not be served (empty when all is well)."""
    return app.extensions.get("portal_problems", ())


def content_fingerprint(content_dir: str | Path, trees_dir: str | Path | None) -> str:
    """The hash of every content file's name and bytes, cas types included. Not times and sizes: a file system
    that stamps times by the second, or an edit that keeps the size, would hide a save made in the same second."""
    return content_version(Path(content_dir), Path(trees_dir) if trees_dir else None, with_cases=True)


class ContentWatcher:
    """Looks at the content files at most every `interval` seconds and serves their new version on change.

    Created before the content is first loaded, so that a file saved while the portal starts is seen at the
    next look; `clock` is there for the tests."""

    def __init__(self, app: Flask, interval: float, clock: Callable[[], float] = time.monotonic):
        self.app, self.interval, self.clock = app, interval, clock
        self.fingerprint = self._fingerprint()
        self.checked_at = clock()
        self._lock = threading.Lock()
        self._thread_pid: int | None = None

    def poll(self) -> bool:
        """Look (below) unless the last look is less than `interval` seconds old."""
        return self.clock() - self.checked_at >= self.interval and self.look()

    def look(self) -> bool:
        """Serve the new version if a file changed since the last look (one thread at a time); True when a
        change was found."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            self.checked_at = self.clock()
            fingerprint = self._fingerprint()
            if fingerprint == self.fingerprint:
                return False
            refresh(self.app)
            # Only now: a page served meanwhile from the old content carries the old fingerprint, so the
            # preview sees the change when it polls.
            self.fingerprint = fingerprint
            return True
        finally:
            self._lock.release()

    def _fingerprint(self) -> str:
        """What changes when there is a new version to serve: the content files, or the published version."""
        config = self.app.config
        if config.get("SERVE_PUBLISHED"):
            return last_good(config["VERSIONS_DIR"]) or ""
        return content_fingerprint(config["CONTENT_DIR"], config["TREES_DIR"])

    def run_in_background(self) -> None:
        """Start this process's watcher thread unless it runs (called at each request: a server that forks its
        workers after loading the app gets one thread per worker, not one in the parent)."""
        if self._thread_pid == os.getpid():
            return
        with self._lock:
            if self._thread_pid == os.getpid():
                return
            self._thread_pid = os.getpid()
        threading.Thread(target=self._loop, name="portal-content-watcher", daemon=True).start()

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.poll()
            except Exception as error:  # noqa: BLE001 — the watcher must outlive one failed look
                print(f"Relecture du contenu impossible : {error!r}", file=sys.stderr)
