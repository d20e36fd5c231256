"""Contacts written from the editors' form: the new file text, checked as `portal check` checks it, shown as a diff,
written atomically against the contact as it was read, kept in the history with its author and reason (and a git
commit when the content folder is a git checkout), and undone.

YAML stays the source of truth: the form is one more way to write content/territoires/<code>.yaml and
content/regions/<code>.yaml. Two editors never overwrite each other: a save names the contact as it was read
(its fingerprint); if someone changed or removed it meanwhile, the save is a conflict that shows both versions,
and nothing is written. A change to another contact of the same file is not a conflict: it is kept.
"""

import difflib
import hashlib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from portal.atomic import write_atomically
from portal.catalog import load_catalog
from portal.config import exclusive_lock
from portal.diagnostics import ContentError, Problem
from portal.place_files import place_contacts, render_contact_data, replace_contact
from portal.places import Places


@dataclass(frozen=True)
class PlaceRef:
    """One territoire or région file."""

    kind: str  # « territoires » or « regions »
    code: str

    def path(self, content_dir: str | Path) -> Path:
        return Path(content_dir) / self.kind / f"{self.code}.yaml"

    @property
    def shown(self) -> str:
        return f"content/{self.kind}/{self.code}.yaml"

    def label(self, places: Places) -> str:
        if self.kind == "territoires":
            departement = places.departements.get(self.code)
            return f"{departement.nom} ({self.code})" if departement else self.code
        name = next((d.region_nom for d in places.departements.values() if d.region == self.code), self.code)
        return f"Région {name}"


def place_ref(kind: str, code: str, places: Places) -> PlaceRef | None:
    """The file of `kind`/`code` if that place exists (a département of the communes dataset, a région of one)."""
    if kind == "territoires" and code in places.departements:
        return PlaceRef(kind, code)
    if kind == "regions" and any(d.region == code for d in places.departements.values()):
        return PlaceRef(kind, code)
    return None


def scope_refs(scope: str, places: Places) -> list[PlaceRef]:
    """The files an editor of `scope` keeps: a département's; a région's and its départements'; or all."""
    departements = {code: d for code, d in places.departements.items() if d.zone != "com"}
    if scope.startswith("departement:"):
        code = scope.split(":", 1)[1]
        return [PlaceRef("territoires", code)] if code in departements else []
    if scope.startswith("region:"):
        region = scope.split(":", 1)[1]
        mine = sorted(code for code, d in departements.items() if d.region == region)
        return [PlaceRef("regions", region)] * bool(mine) + [PlaceRef("territoires", code) for code in mine]
    regions = sorted({d.region for d in departements.values()})
    return [PlaceRef("regions", r) for r in regions] + [PlaceRef("territoires", c) for c in sorted(departements)]


def allows(scope: str, ref: PlaceRef, places: Places) -> bool:
    return scope == "national" or ref in scope_refs(scope, places)


def scope_label(scope: str, places: Places) -> str:
    if scope.startswith("departement:"):
        return PlaceRef("territoires", scope.split(":", 1)[1]).label(places)
    if scope.startswith("region:"):
        return PlaceRef("regions", scope.split(":", 1)[1]).label(places)
    return "national (tous les départements et régions)"


def fingerprint(contact: dict | None) -> str:
    """What a contact was when the form read it: a save compares it with the file at that moment."""
    if contact is None:
        return ""
    text = json.dumps(contact, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


@dataclass
class Edit:
    """What an editor asks: contact number `index` as it was read (`original`, a fingerprint) replaced by `data`,
    removed (`data` None), or `data` added (`index` None)."""

    ref: PlaceRef
    index: int | None
    original: str
    data: dict | None
    reason: str


@dataclass
class Proposal:
    """The file as it would be after the edit, its diff, and what the check found wrong in it."""

    old: str | None
    new: str
    problems: list[Problem] = field(default_factory=list)  # errors of the edited file (others' are not its own)

    def diff(self, shown: str) -> str:
        lines = difflib.unified_diff(
            (self.old or "").splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            "/dev/null" if self.old is None else shown,
            shown,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass
class Conflict:
    """Someone changed or removed the contact since the form read it: theirs (None: removed), and where it is."""

    theirs: dict | None
    theirs_index: int | None


@dataclass
class Saved:
    before: dict | None
    after: dict | None
    commit: str | None


def locate(text: str | None, edit: Edit) -> int | None | Conflict:
    """Where the edited contact is in `text` now (it may have moved), or a Conflict."""
    contacts = place_contacts(text)
    if edit.index is None:
        same = _same_service(contacts, edit.data or {})
        return Conflict(contacts[same], same) if same is not None else None
    if edit.index < len(contacts) and fingerprint(contacts[edit.index]) == edit.original:
        return edit.index
    moved = [number for number, contact in enumerate(contacts) if fingerprint(contact) == edit.original]
    if len(moved) == 1:
        return moved[0]
    return Conflict(*_theirs(contacts, edit))


def _same_service(contacts: list[dict], data: dict) -> int | None:
    key = (data.get("acteur"), data.get("nom"))
    return next((n for n, c in enumerate(contacts) if (c.get("acteur"), c.get("nom")) == key), None)


def _theirs(contacts: list[dict], edit: Edit) -> tuple[dict | None, int | None]:
    # The contact at the same place, if it is still of the same acteur; else none (removed).
    if edit.index < len(contacts) and contacts[edit.index].get("acteur") == (edit.data or {}).get("acteur"):
        return contacts[edit.index], edit.index
    return None, None


def propose(
    content_dir: Path, trees_dir: Path | None, edit: Edit, today: date, old: str | None, at: int | None
) -> Proposal:
    """The file `old` after `edit`, applied at contact number `at` (where the contact is now), checked like
    `portal check`."""
    new = edited_text(edit, old, at, today)
    return Proposal(old, new, check_file(content_dir, trees_dir, edit.ref, new))


def edited_text(edit: Edit, old: str | None, at: int | None, today: date) -> str:
    """The file `old` after `edit`, applied at contact number `at`; not checked."""
    lines = render_contact_data(edit.data) if edit.data is not None else None
    return replace_contact(edit.ref.kind, edit.ref.code, old, at, lines, today)


def check_file(content_dir: Path, trees_dir: Path | None, ref: PlaceRef, text: str) -> list[Problem]:
    """Check the whole content with `text` in place of the file, as `portal check` would: the errors of that file
    (other files' errors are already there, not the editor's to fix here)."""
    with tempfile.TemporaryDirectory(prefix="portal-edit-") as folder:
        copy = Path(folder) / "content"
        shutil.copytree(content_dir, copy, ignore=shutil.ignore_patterns(".git"))
        target = ref.path(copy)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, text)
        try:
            load_catalog(copy, trees_dir)
        except ContentError as error:
            return [p for p in error.errors if p.file == ref.shown]
    return []


def save(
    content_dir: Path, trees_dir: Path | None, lock_dir: Path, edit: Edit, author: str, today: date
) -> Saved | Conflict | Proposal:
    """Apply `edit` to the file as it is now, under a lock shared by every process: a Conflict when the contact
    changed since it was read, the Proposal when the check finds errors (nothing written), else Saved."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(lock_dir / "edition.lock"):
        path = edit.ref.path(content_dir)
        old = read_text(path)
        at = locate(old, edit)
        if isinstance(at, Conflict):
            return at
        proposal = propose(content_dir, trees_dir, edit, today, old, at)
        if proposal.problems:
            return proposal
        before = place_contacts(proposal.old)[at] if at is not None else None
        write_atomically(path, proposal.new)
        commit = git_commit(content_dir, path, author, edit.reason)
        return Saved(before, edit.data, commit)


def git_commit(content_dir: Path, path: Path, author: str, reason: str) -> str | None:
    """Commit `path` alone when the content folder is in a git checkout; its id, or None (no checkout, or git
    refused: the change is written and kept in the history all the same)."""

    def git(*args: str) -> subprocess.CompletedProcess:
        identity = ["-c", "user.name=Portail PDP (espace éditeurs)", "-c", "user.email=editeurs@portail-pdp.invalid"]
        return subprocess.run(
            ["git", *identity, *args], cwd=content_dir, capture_output=True, text=True, timeout=30, check=False
        )

    try:
        if git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
            return None
        message = f"{reason}\n\nModifié depuis l'espace éditeurs par {author}."
        done = git("add", "--", str(path))
        if done.returncode == 0:
            done = git(
                "commit",
                "--only",
                "-m",
                message,
                f"--author={author} <{author}@editeurs.portail-pdp.invalid>",
                "--",
                str(path),
            )
        if done.returncode != 0:
            return None
        return git("rev-parse", "HEAD").stdout.strip() or None
    except (OSError, subprocess.TimeoutExpired):
        return None
