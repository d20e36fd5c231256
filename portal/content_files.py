"""Content files read and validated: the bytes of every file read once and hashed as read (the version's name),
YAML into a model, references to fiches checked, every problem in French.

Shared by the catalog (fiches, places, glossary, vocabulary), the trees and the editors' tree commands."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from portal.diagnostics import Problem, nearest, problem_at, relative, validation_problems
from portal.public_wording import wording_problems
from portal.yamlsource import MAX_BYTES, YamlDocument, YamlSyntaxError, load_yaml

_CHUNK = 1 << 16


@dataclass(frozen=True)
class ContentFiles:
    """The bytes of every YAML file of the content and trees folders (cas types included), read once. The loader
    parses these bytes and nothing else, and `version` is the hash of these bytes: a file saved while a version
    is built is in both or in neither, never stored under a name its content does not have."""

    files: Mapping[Path, bytes]
    version: str

    def listing(self, folder: Path) -> list[Path]:
        """The YAML files directly in `folder`, sorted."""
        return sorted(path for path in self.files if path.parent == folder)

    def exists(self, path: Path) -> bool:
        return path in self.files

    def read(self, path: Path) -> bytes:
        return self.files[path]


def read_content_files(content_dir: Path | str | None, trees_dir: Path | str | None) -> ContentFiles:
    """Read every content and tree file, hashing each as it is read: what the loader parses, what the watcher
    compares (4 ms on the real content). Names, not times and sizes: a file system that stamps times by the
    second, or an edit that keeps the size, would hide a save made in the same second."""
    digest = hashlib.sha256()
    files: dict[Path, bytes] = {}
    for label, folder in (("content", content_dir), ("trees", trees_dir)):
        folder = Path(folder) if folder else None
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.yaml")):
            try:
                data = _read_hashed(path, label, folder, digest)
            except (FileNotFoundError, IsADirectoryError):  # removed while we listed: the next look sees it gone
                continue
            files[path] = data
    return ContentFiles(MappingProxyType(files), digest.hexdigest()[:16])


def _read_hashed(path: Path, label: str, folder: Path, digest) -> bytes:
    """The bytes of `path`, fed to `digest` after its folder, name and length (no two sets of files hash the same
    by moving bytes from one file to the next, or a file from content/ to trees/). A file larger than a fiche
    can be is hashed whole but kept only up to the size the parser refuses."""
    with open(path, "rb") as file:
        data = file.read(MAX_BYTES + 1)
        if len(data) <= MAX_BYTES:
            digest.update(f"{label}/{path.relative_to(folder)}\0{len(data)}\0".encode())
            digest.update(data)
            return data
        rest = hashlib.sha256(data)
        size = len(data)
        while chunk := file.read(_CHUNK):
            rest.update(chunk)
            size += len(chunk)
        digest.update(f"{label}/{path.relative_to(folder)}\0{size}\0".encode())
        digest.update(rest.digest())
        return data


def read_document(
    path: Path, root: Path, problems: list[Problem], files: ContentFiles | None = None
) -> YamlDocument | None:
    """The parsed file (its bytes from `files` when given, else from disk), or None with its problems added
    (syntax errors, or no « clé: valeur » at the top); a public text with the editors' words is a problem too."""
    try:
        document = load_yaml(path, files.read(path) if files is not None else None)
    except YamlSyntaxError as error:
        problems.extend(
            Problem(
                relative(path, root),
                found.line,
                found.column,
                "",
                found.message,
                "corrigez la syntaxe YAML à cette ligne",
            )
            for found in error.problems
        )
        return None
    if not isinstance(document.data, dict):
        problems.append(
            problem_at(
                document,
                (),
                "le fichier doit contenir des clés (« clé: valeur »)",
                "partez d'une fiche existante comme modèle",
                root=root,
            )
        )
        return None
    if not path.name.endswith(".cas.yaml"):  # worked cases are the editors' own, never shown
        problems.extend(wording_problems(document, root))
    return document


def validate_document(
    model: type[BaseModel], document: YamlDocument, data: dict[str, Any], root: Path, problems: list[Problem]
) -> Any:
    """`data` as a `model`, or None with a French problem per invalid key, at its line."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems.extend(validation_problems(error, model, document, root))
        return None


def _missing_fiche(document: YamlDocument, key: tuple, target: str, known, kind: str | None, root: Path) -> Problem:
    guess = nearest(target, known)
    what = {"acteur": "la fiche acteur", "dispositif": "la fiche dispositif"}.get(kind or "", "la fiche")
    message = f"{what} « {target} » n'existe pas"
    hint = f"vouliez-vous dire « {guess} » ?" if guess else "vérifiez l'id dans content/acteurs ou content/dispositifs"
    return replace(problem_at(document, key, message, hint, root=root), target=target)


def check_reference(
    document: YamlDocument, key: tuple, target: str, fiches: dict, kind: str | None, root: Path
) -> Problem | None:
    """A problem when `target` is not a fiche (of `kind`, if given)."""
    found = fiches.get(target)
    if found is not None and (kind is None or found.type == kind):
        return None  # the common case, a dict lookup: the list of candidates is built only to suggest a fix
    candidates = [fid for fid, f in fiches.items() if kind is None or f.type == kind]
    return _missing_fiche(document, key, target, candidates, kind, root)
