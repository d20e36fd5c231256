"""JSON Schemas of the content formats, from the pydantic models, for editors' YAML language servers."""

import json
import os
from pathlib import Path

from pydantic import BaseModel

from portal import models, trees
from portal.atomic import write_atomically
from portal.config import ROOT

SCHEMA_DIR = ROOT / "schemas"

# Schema name -> (model class name, French title, French description).
FORMATS: dict[str, tuple[str, str, str]] = {
    "fiche": ("Fiche", "Fiche PDP", "Une fiche dispositif ou acteur (content/dispositifs/, content/acteurs/)."),
    "territoire": (
        "Territoire",
        "Territoire",
        "Les contacts d'un département (content/territoires/<code>.yaml).",
    ),
    "region": (
        "Region",
        "Région",
        "Les contacts d'une région, pour chacun de ses départements (content/regions/<code>.yaml).",
    ),
    "glossaire": ("Glossaire", "Glossaire", "Les sigles et synonymes du portail (content/glossaire.yaml)."),
    "vocabulaire": (
        "Vocabulaire",
        "Vocabulaire des situations",
        "Les situations et pathologies dans les mots des médecins, et leurs fiches utiles (content/vocabulaire.yaml).",
    ),
    "arbre": (
        "Arbre",
        "Arbre d'orientation",
        "Un arbre d'orientation : questions, étapes, résultats (trees/).",
    ),
    "cas": ("CasTypes", "Cas types", "Les cas types d'un arbre, vérifiés par les tests (trees/<id>.cas.yaml)."),
}
# Keys the loader sets from the file's place, never written in YAML: the schema leaves them out.
LOADER_KEYS = {"fiche": "type", "arbre": "id"}

# The first line of each content file, so that an editor's YAML language server checks it while typing.
MODELINE = "# yaml-language-server: $schema={}"


def _model(class_name: str) -> type[BaseModel] | None:
    found = getattr(models, class_name, None) or getattr(trees, class_name, None)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def format_schema(name: str) -> dict | None:
    """The JSON Schema of one format; None when its model does not exist (yet)."""
    class_name, title, description = FORMATS[name]
    model = _model(class_name)
    if model is None:
        return None
    schema = model.model_json_schema(mode="validation")
    if name in LOADER_KEYS:
        schema["properties"].pop(LOADER_KEYS[name], None)
        schema["required"] = [key for key in schema.get("required", []) if key != LOADER_KEYS[name]]
    # The models' docstrings are English notes for developers, and pydantic's titles English-looking
    # names (« Publie Le »): editors see the key and its French description instead.
    for definition in [schema, *schema.get("$defs", {}).values()]:
        definition.pop("description", None)
        definition.pop("title", None)
        for prop in definition.get("properties", {}).values():
            prop.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{name}.schema.json",
        **schema,
        "title": title,
        "description": description,
    }


def all_schemas() -> dict[str, dict]:
    """File name -> schema, for every format that has a model."""
    schemas = {}
    for name in FORMATS:
        schema = format_schema(name)
        if schema is not None:
            schemas[f"{name}.schema.json"] = schema
    return schemas


def schema_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema into `folder`; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, schema in all_schemas().items():
        path = folder / file_name
        write_atomically(path, schema_text(schema))
        written.append(path)
    return written


_FOLDER_FORMATS = {"dispositifs": "fiche", "acteurs": "fiche", "territoires": "territoire", "regions": "region"}


def expected_schema_for(path: Path, content_dir: Path, trees_dir: Path) -> str | None:
    """The schema file a content file must point to; None for a file of no known format."""
    if trees_dir in path.parents:
        if path.parent != trees_dir:
            return None
        return "cas.schema.json" if path.name.endswith(".cas.yaml") else "arbre.schema.json"
    parts = path.relative_to(content_dir).parts
    if parts in (("glossaire.yaml",), ("vocabulaire.yaml",)):
        return parts[0].replace(".yaml", ".schema.json")
    name = _FOLDER_FORMATS.get(parts[0]) if len(parts) == 2 else None
    return f"{name}.schema.json" if name else None


def modeline_for(path: Path, schema_file: str, schema_dir: Path = SCHEMA_DIR) -> str:
    """The modeline `path` should start with: a path to the schema relative to the file's folder."""
    return MODELINE.format(Path(os.path.relpath(schema_dir / schema_file, path.parent)).as_posix())
