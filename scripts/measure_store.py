"""Figures of issue 22 point 1, before and after, in one short run (about 10 s on the real content):

    python scripts/measure_store.py [content trees]

- opening a stored catalog: JSON through the models (now) against the pickle the store used before (the same
  fields, as the old Catalog.__reduce__ stored them), best of 20;
- memory held by a page cache filled with tiny pages (tracemalloc), counting the whole entry (now) against
  counting the bodies alone (before)."""

import hashlib
import pickle
import sys
import time
import tracemalloc
from types import MappingProxyType

from portal.catalog import Catalog, load_catalog
from portal.config import ROOT
from portal.web.caching import Page, PageCache


def best_ms(open_, data: bytes, expected: Catalog) -> float:
    times = []
    for _ in range(20):
        start = time.perf_counter()
        opened = open_(data)
        times.append(time.perf_counter() - start)
    assert opened == expected
    return min(times) * 1000


def old_open(data: bytes) -> Catalog:
    return Catalog(**{k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in pickle.loads(data).items()})


class BodiesOnly(PageCache):
    """The page cache as it was: only the bodies counted."""

    def put(self, etag: str, page: Page) -> None:
        if len(page.body) * 4 > self.limit:
            return
        with self._lock:
            if etag in self._pages:
                return
            self._pages[etag] = page
            self.size += len(page.body)
            while self.size > self.limit:
                _, old = self._pages.popitem(last=False)
                self.size -= len(old.body)


def held_mb(cache_class: type[PageCache], budget: int) -> tuple[float, int]:
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cache = cache_class(budget)
    for n in range(300_000):  # 404 pages and short fragments: a few bytes of body each
        etag = hashlib.blake2b(str(n).encode(), digest_size=12).hexdigest()
        cache.put(etag, Page(b"<p>%d</p>" % n, "text/html".join(("", "")), ()))
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held / 1e6, len(cache._pages)


def main() -> None:
    content, trees = (sys.argv[1], sys.argv[2] or None) if len(sys.argv) > 2 else (ROOT / "content", ROOT / "trees")
    catalog = load_catalog(content, trees)
    as_json = catalog.to_json()
    fields = {name: getattr(catalog, name) for name in catalog.__dataclass_fields__}
    as_pickle = pickle.dumps({k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in fields.items()}, 5)
    print(f"{len(catalog.fiches)} fiches, {catalog.contact_count} contacts")
    for label, open_, data in (
        ("JSON through the models", Catalog.from_json, as_json),
        ("pickle (before)", old_open, as_pickle),
    ):
        print(f"  {label:24}: {len(data) / 1e3:6.0f} kB, {best_ms(open_, data, catalog):7.1f} ms")
    budget = 4_000_000
    for label, cache_class in (("bodies only (before)", BodiesOnly), ("whole entry (now)   ", PageCache)):
        mb, pages = held_mb(cache_class, budget)
        print(f"page cache of {budget / 1e6:.0f} MB, tiny pages, {label}: {mb:6.1f} MB held, {pages} pages")


if __name__ == "__main__":
    main()
