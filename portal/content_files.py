"""One content file read and validated: YAML into a model, references to fiches checked, every problem in French.

Shared by the catalog (fiches, places, glossary, vocabulary), the trees and the editors' tree commands."""

from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from portal.diagnostics import Problem, nearest, problem_at, relative, validation_problems
from portal.yamlsource import YamlDocument, YamlSyntaxError, load_yaml


def read_document(path: Path, root: Path, problems: list[Problem]) -> YamlDocument | None:
    """The parsed file, or None with its problems added (syntax errors, or no « clé: valeur » at the top)."""
    try:
        document = load_yaml(path)
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
