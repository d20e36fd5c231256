"""`portal schema`: committed JSON Schemas match the models; every content file points to its schema."""

import json
from pathlib import Path

import pytest

from portal.config import ROOT
from portal.schema import SCHEMA_DIR, all_schemas, expected_schema_for, modeline_for, schema_text


def test_committed_schemas_are_up_to_date():
    schemas = all_schemas()
    expected = {"fiche.schema.json", "territoire.schema.json", "region.schema.json", "glossaire.schema.json"}
    assert expected | {"arbre.schema.json"} <= set(schemas)
    for file_name, schema in schemas.items():
        path = SCHEMA_DIR / file_name
        assert path.exists(), f"{path} manque : lancez `portal schema` et versionnez le dossier schemas/"
        assert path.read_text(encoding="utf-8") == schema_text(schema), f"{path} est périmé : lancez `portal schema`"


def test_fiche_schema_leaves_out_the_type_key_and_describes_every_key_in_french():
    schema = json.loads((SCHEMA_DIR / "fiche.schema.json").read_text(encoding="utf-8"))
    assert "type" not in schema["properties"] and "type" not in schema["required"]
    assert schema["additionalProperties"] is False  # an unknown key is flagged while typing
    assert schema["properties"]["etapes"]["items"]["enum"] == [
        "sans-arret",
        "pendant-arret",
        "reprise",
        "apres-inaptitude",
    ]
    for definition in [schema, *schema["$defs"].values()]:
        for key, prop in definition["properties"].items():
            assert prop.get("description"), f"la clé « {key} » n'a pas de description"
    assert schema["properties"]["resume"]["description"] == "Une phrase qu'un médecin lit en cinq secondes."


def content_files():
    for folder in (ROOT / "content", ROOT / "trees"):
        yield from sorted(folder.rglob("*.yaml")) if folder.is_dir() else []


@pytest.mark.parametrize("path", list(content_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_content_file_starts_with_its_schema_modeline(path: Path):
    schema_file = expected_schema_for(path, ROOT / "content", ROOT / "trees")
    first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
    if schema_file is None or schema_file == "cas.schema.json":
        # Files of no known format, and « cas types » (not required), only need a right modeline if they have one.
        assert not first_line.startswith("# yaml-language-server") or "schemas/" in first_line
        return
    expected = modeline_for(path, schema_file)
    assert first_line == expected, f"{path.relative_to(ROOT)} : mettez en première ligne « {expected} »"


def test_modeline_paths_are_relative_to_the_file():
    root = ROOT
    assert modeline_for(root / "content/dispositifs/crpe.yaml", "fiche.schema.json").endswith(
        "$schema=../../schemas/fiche.schema.json"
    )
    assert modeline_for(root / "content/glossaire.yaml", "glossaire.schema.json").endswith(
        "$schema=../schemas/glossaire.schema.json"
    )
    assert expected_schema_for(root / "content/territoires/56.yaml", root / "content", root / "trees") == (
        "territoire.schema.json"
    )
    assert expected_schema_for(root / "content/regions/53.yaml", root / "content", root / "trees") == (
        "region.schema.json"
    )
    assert expected_schema_for(root / "trees/medecin-du-travail.yaml", root / "content", root / "trees") == (
        "arbre.schema.json"
    )


def test_schema_command_writes_the_files(tmp_path):
    from click.testing import CliRunner

    from portal.cli import main

    result = CliRunner().invoke(main, ["schema", "--dossier", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fiche.schema.json").exists() and (tmp_path / "arbre.schema.json").exists()
