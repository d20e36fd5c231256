"""The `--contenu`, `--arbres` and `--communes` options of the commands: the folders the portal itself would use."""

from pathlib import Path

import click

from portal.config import PLACES_DATA_DIR, ROOT

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
places_option = click.option(
    "--communes",
    "places_dir",
    type=click.Path(path_type=Path),
    envvar="PORTAL_PLACES_DATA_DIR",
    default=PLACES_DATA_DIR,
    show_default=True,
    help="Dossier du jeu officiel des communes et départements (ou variable PORTAL_PLACES_DATA_DIR).",
)
