"""The `--contenu` and `--arbres` options of every command: the folders the portal itself would serve."""

from pathlib import Path

import click

from portal.config import ROOT

# Same defaults as the app (PORTAL_CONTENT_DIR, PORTAL_TREES_DIR): `portal check` checks what `portal build` serves.
content_option = click.option(
    "--contenu",
    "content_dir",
    type=click.Path(path_type=Path),
    envvar="PORTAL_CONTENT_DIR",
    default=ROOT / "content",
    show_default=True,
    help="Dossier des fiches (ou variable PORTAL_CONTENT_DIR).",
)
trees_option = click.option(
    "--arbres",
    "trees_dir",
    type=click.Path(path_type=Path),
    envvar="PORTAL_TREES_DIR",
    default=ROOT / "trees",
    show_default=True,
    help="Dossier des arbres d'orientation (ou variable PORTAL_TREES_DIR).",
)
