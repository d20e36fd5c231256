"""Public pages are a function of the content version and the URL: each carries an ETag and Cache-Control, a
repeat (`If-None-Match`) is answered 304 before any rendering, so that a browser or a reverse proxy serves it,
and each worker keeps the pages it rendered last (PORTAL_PAGE_CACHE_MB) to serve them again as a file."""

import hashlib
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from flask import Flask, Response, current_app, g, request
from werkzeug.http import quote_etag

from portal.counts import Counted, count
from portal.serving import current_version
from portal.web import wants_fragment

# The areas whose pages depend on nothing but the version and the URL: no session, no form token, no editor.
PUBLIC_BLUEPRINTS = frozenset(
    {
        "directory",
        "api",
        "orientation",
        "orientation_api",
        "search",
        "contacts",
        "coverage",
        "data_inclusion",
        "glossary",
    }
)


def page_etag() -> str | None:
    """The ETag of this request's page, or None when the page is not public. The day is part of it: a fiche
    due for review on a date reads differently the day after, within the same version."""
    if request.method not in ("GET", "HEAD") or request.blueprint not in PUBLIC_BLUEPRINTS:
        return None
    if current_app.config.get("DEV"):  # the preview shows templates as they are saved: never a 304
        return None
    served = g.get("content_version")
    if served is None:
        return None
    key = "\0".join(
        (
            served.id,
            served.places.key,
            date.today().isoformat(),
            request.scheme,
            request.host,
            request.script_root,
            request.full_path,
            "fragment" if wants_fragment() else "page",
        )
    )
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered public page, as sent, and what it counted (an orientation result shown, contacts looked for)."""

    body: bytes
    mimetype: str
    counted: tuple[Counted, ...]


# What the cache's own table costs per page, besides the objects it holds: a slot of the hash table and a link
# of the order (measured: 400,000 tiny pages, tracemalloc, CPython 3.11).
_SLOT_BYTES = 100


def entry_size(etag: str, page: Page) -> int:
    """The memory one cached page holds: its key, body, type, what it counted, the page object and its slot. A
    tiny page costs some 300 bytes beside its body: counting the body alone let a cache of tiny pages hold six
    times its budget."""
    objects = (etag, page, page.body, page.mimetype, page.counted, *page.counted)
    return sum(sys.getsizeof(o) for o in objects) + _SLOT_BYTES


class PageCache:
    """The pages a worker rendered last, keyed by ETag, within `limit` bytes of memory (the whole entry counted,
    see entry_size); the oldest used go first."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str) -> Page | None:
        with self._lock:
            page = self._pages.get(etag)
            if page is not None:
                self._pages.move_to_end(etag)
            return page

    def put(self, etag: str, page: Page) -> None:
        size = entry_size(etag, page)
        if size * 4 > self.limit:  # a page as big as a quarter of the cache is not worth keeping
            return
        with self._lock:
            if etag in self._pages:
                return
            self._pages[etag] = page
            self.size += size
            while self.size > self.limit:
                old_etag, old = self._pages.popitem(last=False)
                self.size -= entry_size(old_etag, old)


def _answer_repeats() -> Response | None:
    g.page_etag = etag = page_etag()
    if etag is None:
        return None
    if not request.if_none_match.star_tag and request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        cache = _page_cache()
        page = cache.get(etag) if cache else None
        if page is None:
            return None
        if page.counted:
            count(list(page.counted))  # served again, shown again: counted as the view would
        response = current_app.response_class(page.body, mimetype=page.mimetype)
    _mark(response, etag)  # and Vary, as on every response (portal/web/__init__.py)
    return response


def _mark(response: Response, etag: str) -> None:
    response.headers["ETag"] = quote_etag(etag, weak=True)
    seconds = current_app.config["CACHE_SECONDS"]
    if "Cache-Control" in response.headers:  # keep what the view said, and add to it
        response.cache_control.public = True
        response.cache_control.max_age = seconds
    else:  # the usual case, written at once: werkzeug's cache_control rewrites the header at each change (0.1 ms)
        response.headers["Cache-Control"] = f"public, max-age={seconds}"


def _mark_public_pages(response: Response) -> Response:
    etag = g.get("page_etag")
    # A page that must not be kept (it shows back a text that may name a patient) is neither marked nor kept.
    kept = "no-store" not in response.headers.get("Cache-Control", "")
    if etag is not None and response.status_code == 200 and "ETag" not in response.headers and kept:
        _mark(response, etag)
        cache = _page_cache()
        if cache is not None and not response.is_streamed:
            cache.put(etag, Page(response.get_data(), response.mimetype, g.get("counted", ())))
    return response


def _page_cache() -> PageCache | None:
    """The pages of the request's version: kept with it, dropped with it (they would never be asked again). None
    when PORTAL_PAGE_CACHE_MB is 0 (the preview has no ETag, so no page is kept there)."""
    megabytes = current_app.config["PAGE_CACHE_MB"]
    if megabytes <= 0:
        return None
    return current_version().derived("pages", lambda: PageCache(megabytes * 1_000_000))


def init_app(app: Flask) -> None:
    """Registered after the version is pinned: the ETag names the version the request sees."""
    app.before_request(_answer_repeats)
    app.after_request(_mark_public_pages)
