"""One content version: everything served from the content files, built once, stored, opened without YAML.

A version is stored in its own folder of the versions folder (PORTAL_VERSIONS_DIR), named by the hash of the
content files and of the code that reads them:

    versions/
      3d820e2d4d8144bd-5f0c2a91/   the catalog (pickled, already validated) and the search index
      places-<dataset>.json        the communes lookup (a function of the official dataset, not of the content)
      current-5f0c2a91             the last version this code built without errors: served when the files are broken
      build.lock                   one build at a time among the processes sharing the folder

A folder appears whole or not at all (built under a temporary name, then renamed); it never changes after.
"""

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from portal.catalog import Catalog, content_version, load_catalog
from portal.config import ROOT, exclusive_lock
from portal.places import Places, load_places
from portal.search import SearchIndex, write_index

CATALOG_FILE = "catalog.pickle"
CURRENT_PREFIX = "current-"  # one pointer per code stamp: code never falls back on a version other code stored
KEPT = 3  # versions kept besides the current one: a worker may still serve an older one until it swaps


@dataclass(frozen=True, eq=False)
class ContentVersion:
    """The catalog, its search index (and facets) and the places: one immutable whole, pinned to each request."""

    id: str  # the stored folder's name: content hash and code stamp
    catalog: Catalog
    search: SearchIndex
    places: Places
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def derived(self, name: str, make: Callable[[], Any]) -> Any:
        """What a page computes from the version alone (the coverage table, the data·inclusion lists), made
        once and dropped with the version."""
        with self._lock:
            if name not in self._derived:
                self._derived[name] = make()
            return self._derived[name]

    def fiche_ids(self, kind: str | None = None, etape: str | None = None, public: str | None = None) -> set[str]:
        """Ids of the fiches matching every given filter (all fiches when none is given)."""
        return self.search.fiche_ids({"type": kind, "etape": etape, "public": public})


@cache
def code_stamp() -> str:
    """The hash of the code, templates and static files and of the libraries' versions: a stored catalog is
    pickled Python objects, readable only by the code that wrote it; a page's ETag must change with the code."""
    from importlib.metadata import version

    digest = hashlib.sha256(sys.version.encode())
    for package in ("pydantic", "whoosh-reloaded", "flask", "jinja2"):
        digest.update(f"{package}={version(package)}".encode())
    for folder in (ROOT / "portal", ROOT / "templates", ROOT / "static"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in (".pyc", ".map"):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def version_id(content_dir: str | Path, trees_dir: str | Path | None) -> str:
    """The name of the version the files on disk would make (hashing them, no parsing: 4 ms on the real content)."""
    return f"{content_version(Path(content_dir), Path(trees_dir) if trees_dir else None)}-{code_stamp()}"


@contextmanager
def build_lock(versions_dir: Path) -> Iterator[None]:
    """One build at a time among the processes sharing `versions_dir` (workers starting together, `portal build`)."""
    versions_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(versions_dir / "build.lock", 0o644):  # workers lock what an operator's build created
        yield


def is_stored(versions_dir: Path, version: str) -> bool:
    return (versions_dir / version / CATALOG_FILE).exists()


def ensure_version(content_dir: str | Path, trees_dir: str | Path | None, versions_dir: str | Path) -> str:
    """The id of the stored version of the files on disk, built first if needed (ContentError, in French, when
    they are broken). Another process building the same files at the same time builds it only once. The communes
    lookup is written when a process first opens a version (load_places), once per dataset."""
    versions_dir = Path(versions_dir)
    wanted = version_id(content_dir, trees_dir)
    if not is_stored(versions_dir, wanted):
        with build_lock(versions_dir):
            if not is_stored(versions_dir, wanted):
                catalog = load_catalog(content_dir, trees_dir)
                # Saved while we read: the folder takes the name of what was read, the next look sees the rest
                # (what was read may be a version already stored: it is kept as it is).
                wanted = f"{catalog.version}-{code_stamp()}"
                if not is_stored(versions_dir, wanted):
                    _store(versions_dir, wanted, catalog)
            _publish(versions_dir, wanted)
            _prune(versions_dir)
    elif last_good(versions_dir) != wanted:
        with build_lock(versions_dir):
            _publish(versions_dir, wanted)
    return wanted


def _store(versions_dir: Path, version: str, catalog: Catalog) -> None:
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=versions_dir))
    try:
        write_index(building / "search", catalog)
        (building / CATALOG_FILE).write_bytes(pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
        # Readable by the workers' account when another one (an operator, root) ran `portal build`; writable
        # by its owner only: open_version refuses a catalog others could have changed.
        for path in (building, *building.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        if (versions_dir / version).exists():  # an incomplete folder (a build killed before it was renamed)
            shutil.rmtree(versions_dir / version)
        os.rename(building, versions_dir / version)  # atomic: readers see no version or a whole one
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _publish(versions_dir: Path, version: str) -> None:
    pointer = versions_dir / f"{CURRENT_PREFIX}{code_stamp()}"
    draft = versions_dir / f".{pointer.name}.{os.getpid()}"
    draft.write_text(version + "\n")
    draft.chmod(0o644)
    os.replace(draft, pointer)
    os.utime(versions_dir / version)  # served again: the last to be pruned, however old it is


def last_good(versions_dir: str | Path) -> str | None:
    """The last version this code built without errors, if it is still stored."""
    try:
        version = (Path(versions_dir) / f"{CURRENT_PREFIX}{code_stamp()}").read_text().strip()
    except FileNotFoundError:
        return None
    return version if is_stored(Path(versions_dir), version) else None


def _prune(versions_dir: Path) -> None:
    current = last_good(versions_dir)
    others = [p for p in versions_dir.iterdir() if p.is_dir() and p.name != current]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEPT:]:
        shutil.rmtree(old, ignore_errors=True)


def open_version(versions_dir: str | Path, version: str, places_data_dir: str | Path) -> ContentVersion:
    """The stored `version`, ready to serve: no YAML read, no check run again."""
    folder = Path(versions_dir) / version
    _check_owner(folder / CATALOG_FILE)
    catalog = pickle.loads((folder / CATALOG_FILE).read_bytes())  # written by this code (see code_stamp)
    return ContentVersion(
        id=version,
        catalog=catalog,
        search=SearchIndex(folder / "search", catalog),
        places=load_places(places_data_dir, versions_dir),
    )


def _check_owner(path: Path) -> None:
    """A stored catalog is Python objects, run as they load: it must be written by this account or root, and by
    nobody else (PORTAL_VERSIONS_DIR pointed at a shared folder would otherwise let anyone run code here)."""
    for checked in (path, path.parent):
        info = checked.stat()
        if info.st_uid not in (os.getuid(), 0) or info.st_mode & 0o022:
            raise PermissionError(
                f"{checked} appartient à un autre compte ou d'autres peuvent y écrire : version refusée "
                "(PORTAL_VERSIONS_DIR doit être un dossier du seul compte du portail)"
            )
