"""One content version: everything served from the content files, built once, stored, opened without YAML.

A version is stored in its own folder of the versions folder (PORTAL_VERSIONS_DIR), named by the hash of the
bytes the loader read (cas types included) and of the code that reads them:

    versions/
      3d820e2d4d8144bd-5f0c2a91/   the search index, then the catalog (JSON through the models, validated again
                                   when opened: data, never code)
      places-<dataset>.json        the communes lookup (a function of the official dataset, not of the content)
      current-5f0c2a91             the last version this code built without errors: served when the files are broken
      build.lock                   one build at a time among the processes sharing the folder (0600: nobody else
                                   can open it, so nobody else can hold it)

A folder appears whole or not at all (written, synced to disk, the catalog last, then renamed); it never changes
after. The versions folder, and each version in it, must belong to the portal's account (or root) and be
writable by nobody else: otherwise it is refused whole, before anything in it is read.
"""

import hashlib
import os
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

from portal.atomic import sync_folder, sync_tree, write_atomically
from portal.catalog import Catalog, load_catalog
from portal.config import ROOT, exclusive_lock
from portal.content_files import ContentFiles, read_content_files
from portal.places import Places, load_places
from portal.search import SearchIndex, write_index

CATALOG_FILE = "catalog.json"
CURRENT_PREFIX = "current-"  # one pointer per code stamp: code never falls back on a version other code stored
KEPT = 3  # versions kept besides the current one: a worker may still serve an older one until it swaps
LOCK_FILE = "build.lock"


class UnusableVersion(Exception):
    """A stored version that cannot be opened (truncated, corrupt, missing, invalid): never served, never a crash."""


@dataclass(frozen=True, eq=False)
class ContentVersion:
    """The catalog, its search index (and facets) and the places: one immutable whole, pinned to each request."""

    id: str  # the stored folder's name: content hash and code stamp
    catalog: Catalog
    search: SearchIndex
    places: Places
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def derived(self, name: str, make: Callable[[], Any], valid_for: Any = None) -> Any:
        """What a page computes from the version alone (the coverage table, the data·inclusion lists), made once
        and dropped with the version. `valid_for`: what else it depends on (the day): another value replaces it,
        so one `name` holds one value whatever the requests ask."""
        with self._lock:
            kept = self._derived.get(name)
            if kept is None or kept[0] != valid_for:
                kept = self._derived[name] = (valid_for, make())
            return kept[1]

    def fiche_ids(self, kind: str | None = None, etape: str | None = None, public: str | None = None) -> set[str]:
        """Ids of the fiches matching every given filter (all fiches when none is given)."""
        return self.search.fiche_ids({"type": kind, "etape": etape, "public": public})


@cache
def code_stamp() -> str:
    """The hash of the code, templates and static files and of the versions of Python (major.minor: nodes on two
    patch releases agree, see issue 21) and of the libraries: a stored version is read by the code that wrote it,
    and a page's ETag must change with the code."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"python {sys.version_info.major}.{sys.version_info.minor}".encode())
    for package in ("pydantic", "pyyaml", "whoosh-reloaded", "flask", "jinja2"):
        digest.update(f"{package}={version(package)}".encode())
    for folder in (ROOT / "portal", ROOT / "templates", ROOT / "static"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in (".pyc", ".map"):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def version_name(files: ContentFiles) -> str:
    """The name of the version made from `files`: the hash of their bytes and the code stamp."""
    return f"{files.version}-{code_stamp()}"


@contextmanager
def build_lock(versions_dir: Path) -> Iterator[None]:
    """One build at a time among the processes sharing `versions_dir` (workers starting together, `portal build`).
    The lock file is the portal account's, 0600: another account cannot open it, so cannot hold every start."""
    path = versions_dir / LOCK_FILE
    try:
        created = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_uid == os.getuid():
            path.chmod(0o600)  # a lock file of an older release (0644): closed to others from now on
    else:
        owner = versions_dir.stat().st_uid
        if os.getuid() == 0 and owner != 0:  # root's `portal build`: the workers' account must lock it too
            os.fchown(created, owner, -1)
        os.fchmod(created, 0o600)
        os.close(created)
    with exclusive_lock(path, 0o600):
        yield


def is_stored(versions_dir: Path, version: str) -> bool:
    return (versions_dir / version / CATALOG_FILE).exists()


def ensure_version(
    content_dir: str | Path, trees_dir: str | Path | None, versions_dir: str | Path, files: ContentFiles | None = None
) -> str:
    """The id of the stored version of the files on disk (or of `files`, their bytes already read), built first
    if needed (ContentError, in French, when they are broken). Another process building the same files at the
    same time builds it only once. The version is named from the bytes the loader parses: a file saved meanwhile
    makes the next version, never this one. The communes lookup is written when a process first opens a version
    (load_places), once per dataset."""
    versions_dir = Path(versions_dir)
    if not versions_dir.exists():
        versions_dir.mkdir(parents=True, exist_ok=True)
        versions_dir.chmod(0o755)  # whatever the umask (002 gives 0775, which check_versions_folder refuses)
    check_versions_folder(versions_dir)
    files = files or read_content_files(content_dir, trees_dir)
    wanted = version_name(files)
    if not is_stored(versions_dir, wanted):
        with build_lock(versions_dir):
            if not is_stored(versions_dir, wanted):
                _store(versions_dir, wanted, load_catalog(content_dir, trees_dir, files))
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
        sync_tree(building / "search")
        # The catalog last: a folder holding it holds everything (is_stored).
        write_atomically(building / CATALOG_FILE, catalog.to_json(), 0o644)
        # Readable by the workers' account when another one (an operator, root) ran `portal build`; writable
        # by its owner only: open_version refuses a version others could have changed.
        for path in (building, *building.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        if (versions_dir / version).exists():  # an unusable folder (see discard)
            shutil.rmtree(versions_dir / version)
        os.rename(building, versions_dir / version)  # atomic: readers see no version or a whole one
        sync_folder(versions_dir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _publish(versions_dir: Path, version: str) -> None:
    write_atomically(versions_dir / f"{CURRENT_PREFIX}{code_stamp()}", version + "\n", 0o644)
    os.utime(versions_dir / version)  # served again: the last to be pruned, however old it is


def last_good(versions_dir: str | Path) -> str | None:
    """The last version this code built without errors, if it is still stored."""
    try:
        version = (Path(versions_dir) / f"{CURRENT_PREFIX}{code_stamp()}").read_text().strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return version if version and is_stored(Path(versions_dir), version) else None


def fallbacks(versions_dir: str | Path) -> list[str]:
    """The versions this code stored, the last good one first, then the newest: each was valid when built."""
    versions_dir = Path(versions_dir)
    current = last_good(versions_dir)
    others = [
        p
        for p in versions_dir.iterdir()
        if p.name.endswith(f"-{code_stamp()}") and p.name != current and is_stored(versions_dir, p.name)
    ]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return ([current] if current else []) + [p.name for p in others]


def _prune(versions_dir: Path) -> None:
    current = last_good(versions_dir)
    others = [p for p in versions_dir.iterdir() if p.is_dir() and p.name != current]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEPT:]:
        shutil.rmtree(old, ignore_errors=True)


def discard(versions_dir: str | Path, version: str) -> None:
    """Remove an unusable version of this account, so that the next look builds it again."""
    versions_dir = Path(versions_dir)
    with build_lock(versions_dir):
        folder = versions_dir / version
        if folder.is_dir() and folder.stat().st_uid == os.getuid():
            shutil.rmtree(folder, ignore_errors=True)


def open_version(versions_dir: str | Path, version: str, places_data_dir: str | Path) -> ContentVersion:
    """The stored `version`, ready to serve: no YAML read, no check run again. UnusableVersion (in French) when
    it cannot be opened, whatever the reason: a refused folder, a truncated or corrupt file, a missing one."""
    folder = Path(versions_dir) / version
    try:
        check_versions_folder(Path(versions_dir))  # before any file is read: Whoosh's table of contents is a pickle
        catalog = Catalog.from_json((folder / CATALOG_FILE).read_bytes())
        if f"{catalog.version}-{code_stamp()}" != version:
            raise ValueError(f"le catalogue est celui de la version {catalog.version}")
        search = SearchIndex(folder / "search", catalog)
        places = load_places(places_data_dir, versions_dir)
    except Exception as error:  # noqa: BLE001 — a version that does not open is not served, the start goes on
        raise UnusableVersion(f"la version {version[:8]} est inutilisable : {_reason(error)}") from error
    return ContentVersion(id=version, catalog=catalog, search=search, places=places)


def _reason(error: Exception) -> str:
    if isinstance(error, PermissionError) and error.filename is None:
        return str(error)  # ours, in French (check_versions_folder)
    if isinstance(error, OSError):
        return f"{error.strerror or error} ({error.filename})" if error.filename else str(error)
    return f"{type(error).__name__} : {str(error).splitlines()[0] if str(error) else ''}"


def _entries(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """The folder and everything in it, with its own status (a link's, not its target's). An entry another process
    renames or removes meanwhile (the temporary file of a pointer being published, a version being pruned) is
    passed over: it is no longer there to be trusted or not."""
    yield folder, folder.stat()
    for root, dirs, files in os.walk(folder, onerror=lambda _error: None):
        for name in (*dirs, *files):
            path = Path(root) / name
            try:
                yield path, path.lstat()
            except FileNotFoundError:
                continue


def check_versions_folder(folder: Path) -> None:
    """Refuse `folder` and everything in it unless it belongs to this account (or root) and nobody else can write
    it: in a versions folder others can write, they would choose the text served or the communes table. Links
    are refused too (a link's own mode lets everybody write)."""
    for checked, info in _entries(folder):
        if info.st_uid not in (os.getuid(), 0):
            why, fix = "appartient à un autre compte", "videz-le ou choisissez-en un autre"
        elif info.st_mode & 0o022:
            why, fix = (
                "peut être modifié par d'autres comptes",
                f"si personne d'autre n'y a écrit : chmod -R go-w {folder}",
            )
        else:
            continue
        raise PermissionError(
            f"{checked} {why} : dossier des versions refusé en entier (PORTAL_VERSIONS_DIR doit être un dossier "
            f"du seul compte du portail, que personne d'autre ne peut modifier ; {fix})"
        )
