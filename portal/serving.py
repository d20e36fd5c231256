"""Serve content versions: open one at start, pin it to each request, swap to a newer one outside requests.

The served version is one attribute of the app, replaced by one assignment: a request pins it when it starts
(`current_version`) and sees that version to its end, whatever happens meanwhile. In production, a watcher
thread of each process looks for changed content files every PORTAL_RELOAD_SECONDS, builds the new version
(or finds it built by `portal build` or another worker) and swaps; broken files leave the last good version
served. In the editors' preview the same look runs before each request, so that a save shows at once.
"""

import enum
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from functools import lru_cache, partial

from flask import Flask, current_app, g, has_request_context

from portal.catalog import Catalog
from portal.contacts import ActeurContacts, contacts_for
from portal.content_files import ContentFiles, read_content_files
from portal.diagnostics import ContentError, Problem, cannot_start
from portal.places import Departement, Places, Resolution
from portal.search import SearchIndex
from portal.version import (
    ContentVersion,
    UnusableVersion,
    discard,
    ensure_version,
    fallbacks,
    last_good,
    open_version,
)


def install(app: Flask) -> None:
    """Serve the version of the content files (built now if no process built it yet). Broken files, or a version
    that does not open: the last good version is served (or, if it does not open either, the newest one that
    does); else the start stops with the reason in French (in dev mode, the preview shows the problems until
    they are fixed)."""
    if refresh(app) is not Refresh.SERVED:
        served = _open_fallback(app)
        if served:
            print(f"La dernière version valide ({served[:8]}) est servie.", file=sys.stderr)
        elif not app.config.get("DEV") or not content_problems(app):
            cannot_start(_why_nothing(app))
        else:
            print("Le contenu a des erreurs : l'aperçu les affiche jusqu'à leur correction.", file=sys.stderr)
    app.before_request(_pin)


def _open_fallback(app: Flask) -> str | None:
    """Serve the last good version, else the newest stored one that opens; its id, or None."""
    config = app.config
    try:
        candidates = fallbacks(config["VERSIONS_DIR"])
    except OSError as error:
        app.extensions["portal_failure"] = str(error)
        return None
    for candidate in candidates:
        try:
            _serve(app, open_version(config["VERSIONS_DIR"], candidate, config["PLACES_DATA_DIR"]))
        except UnusableVersion as error:
            print(f"{error} : elle n'est pas servie.", file=sys.stderr)
            app.extensions["portal_failure"] = str(error)
            continue
        return candidate
    return None


def _why_nothing(app: Flask) -> str:
    if app.config.get("SERVE_PUBLISHED"):
        return (
            f"Aucune version publiée ne s'ouvre dans {app.config['VERSIONS_DIR']} (PORTAL_SERVE_PUBLISHED=1) : "
            "publiez-en une (portal publish ARCHIVE) puis relancez le portail."
        )
    if content_problems(app):
        return "Le contenu a des erreurs : corrigez-les (portal check) puis relancez le portail."
    failure = app.extensions.get("portal_failure") or "aucune version valide n'est enregistrée"
    return f"Le portail ne démarre pas : {failure}."


class Refresh(enum.Enum):
    """What a look at the files gave: their version served, broken files (kept until they change), or a failure
    to build or open (tried again at the next look)."""

    SERVED = "servie"
    BROKEN = "contenu invalide"
    FAILED = "échec"

    def __bool__(self) -> bool:
        return self is Refresh.SERVED


def refresh(app: Flask, files: ContentFiles | None = None) -> Refresh:
    """Serve the version of the files on disk (or of `files`, already read) if it is valid; else keep the served
    one and record why."""
    config = app.config
    try:
        version = _wanted_version(config, files)
        served = app.extensions.get("portal_version")
        if served is None or served.id != version:
            try:
                opened = open_version(config["VERSIONS_DIR"], version, config["PLACES_DATA_DIR"])
            except UnusableVersion:
                discard(config["VERSIONS_DIR"], version)  # built again at the next look
                raise
            _serve(app, opened)
            if served is not None:
                print(f"Contenu rechargé : version {version[:8]}.", file=sys.stderr)
    except (OSError, UnusableVersion) as error:  # disk full, a folder refused, a version that does not open
        app.extensions["portal_failure"] = str(error)
        print(f"La version du contenu n'a pas pu être construite ou ouverte ({error}) : {_kept(app)}.", file=sys.stderr)
        return Refresh.FAILED
    except ContentError as error:
        app.extensions["portal_problems"] = tuple(error.problems)
        for problem in error.errors:
            print(problem, file=sys.stderr)
        print(f"Contenu invalide ({len(error.errors)} erreur(s)) : {_kept(app)}.", file=sys.stderr)
        return Refresh.BROKEN
    except Exception as error:  # noqa: BLE001 — a fault of the loader itself: the served version stays all the same
        app.extensions["portal_failure"] = f"erreur inattendue ({type(error).__name__})"
        traceback.print_exc(file=sys.stderr)
        print(f"La version du contenu n'a pas pu être construite (erreur inattendue) : {_kept(app)}.", file=sys.stderr)
        return Refresh.FAILED
    app.extensions["portal_problems"] = ()
    return Refresh.SERVED


def _wanted_version(config, files: ContentFiles | None = None) -> str:
    """The published version (PORTAL_SERVE_PUBLISHED: one build for every node, no content read here), else the
    version of the files on disk (or of `files`, already read), built if needed."""
    if config.get("SERVE_PUBLISHED"):
        published = last_good(config["VERSIONS_DIR"])
        if published is None:
            raise OSError("aucune version publiée (portal publish)")
        return published
    return ensure_version(config["CONTENT_DIR"], config["TREES_DIR"], config["VERSIONS_DIR"], files)


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


CONTACTS_KEPT = 8192  # per worker and version: (département, fiche) pairs in use (the real content has ~5,800)


def contacts_in(departement: Departement, pour: str | None = None) -> list[ActeurContacts]:
    """Who to call in `departement` for `pour` (portal.contacts.contacts_for) in the request's version, worked out
    once per version for the pairs in use: a result page asks it for each of its fiches, and the answer depends on
    nothing else. The list is shared: callers never change it. An unknown `pour` finds nobody."""
    catalog = current_catalog()
    if pour is not None and pour not in catalog.fiches:
        return []
    kept = current_version().derived(
        "contacts-in", lambda: lru_cache(maxsize=CONTACTS_KEPT)(partial(contacts_for, catalog))
    )
    return kept(departement.code, departement.region, pour)


def content_problems(app: Flask) -> tuple[Problem, ...]:
    """The problems of the content on disk when it could not be served (empty when all is well)."""
    return app.extensions.get("portal_problems", ())


class ContentWatcher:
    """Looks at the content files at most every `interval` seconds and serves their new version on change.

    Created before the content is first loaded, so that a file saved while the portal starts is seen at the
    next look; `clock` is there for the tests."""

    def __init__(self, app: Flask, interval: float, clock: Callable[[], float] = time.monotonic):
        self.app, self.interval, self.clock = app, interval, clock
        self.fingerprint = self._look_at()[0]
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
            fingerprint, files = self._look_at()
            if fingerprint == self.fingerprint:
                return False
            outcome = refresh(self.app, files)
            # Only now: a page served meanwhile from the old content carries the old fingerprint, so the
            # preview sees the change when it polls. After a failure (a full disk, a version that did not
            # open), the next look tries again: a worker never stays on old content until the next edit.
            if outcome is not Refresh.FAILED:
                self.fingerprint = fingerprint
            return True
        finally:
            self._lock.release()

    def _look_at(self) -> tuple[str, ContentFiles | None]:
        """What changes when there is a new version to serve: the published version, or the content files (read
        as the loader reads them: the version built is named from these very bytes, which are passed on)."""
        config = self.app.config
        if config.get("SERVE_PUBLISHED"):
            return last_good(config["VERSIONS_DIR"]) or "", None
        files = read_content_files(config["CONTENT_DIR"], config["TREES_DIR"])
        return files.version, files

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
