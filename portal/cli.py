"""The `portal` command: the front door for editors and operators (every command has help text)."""

import sys
from pathlib import Path
from typing import NoReturn

import click

from portal.catalog import load_catalog
from portal.cli_options import content_option, trees_option
from portal.contacts_cli import COMMANDS as contacts_commands
from portal.diagnostics import ContentError
from portal.editor_cli import COMMANDS as editor_commands
from portal.retention import purge_command
from portal.tree_cli import COMMANDS as tree_commands


def _create_app():
    from portal import create_app

    return create_app()


# A plain click group: `portal --help`, `portal <commande> --help` and every command that does not serve build no
# app (no database, secret key or version written, broken content or not). Only `serve` and `couverture` build it.
@click.group(help="Portail PDP : vérifier le contenu, construire l'index, servir le portail.")
def main() -> None:
    """Entry point of the `portal` console script."""


# check must run (and say what is wrong) precisely when the content is broken: it never builds the app.
@main.command("check")
@content_option
@trees_option
@click.option("--avertissements/--sans-avertissements", default=True, help="Afficher aussi les avertissements.")
def check_command(content_dir: Path, trees_dir: Path, avertissements: bool) -> None:
    """Vérifier les fiches, les territoires, le glossaire et les arbres ; lister tous les problèmes."""
    try:
        catalog = load_catalog(content_dir, trees_dir)
    except ContentError as error:
        _exit_with(error, "le contenu ne peut pas être publié.", warnings=avertissements)
    if avertissements:
        for warning in catalog.warnings:
            click.echo(str(warning))
        _legal_warnings()  # the operator's settings, not the content: not counted with its warnings
    warnings = f", {len(catalog.warnings)} avertissement(s)" if catalog.warnings else ""
    click.echo(f"{catalog.summary()} : aucun problème{warnings}")


def _legal_warnings() -> None:
    """Print the legal notices' settings the operator left empty (the pages then say « non renseigné »)."""
    from portal.config import instance_dir, settings_from_env
    from portal.web.legal import missing_settings

    for warning in missing_settings(settings_from_env(instance_dir(), secret=False)):
        click.echo(warning)


@main.command("build")
@content_option
@trees_option
@click.option(
    "--archive",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Écrire aussi la version construite dans cette archive (tar.gz, et sa somme .sha256), pour portal publish.",
)
def build_command(content_dir: Path, trees_dir: Path, archive: Path | None) -> None:
    """Construire la version du contenu (catalogue vérifié, index de recherche, communes) que les workers ouvrent."""
    from portal.config import instance_dir, settings_from_env
    from portal.places import write_lookup
    from portal.version import UnusableVersion, discard, ensure_version, open_version

    settings = settings_from_env(instance_dir(), secret=False)
    versions_dir, places = settings["VERSIONS_DIR"], settings["PLACES_DATA_DIR"]
    try:
        version = ensure_version(content_dir, trees_dir, versions_dir)
        write_lookup(places, versions_dir)  # the communes lookup the workers will read, if not there yet
        try:
            catalog = open_version(versions_dir, version, places).catalog
        except UnusableVersion:  # stored but damaged: built again
            discard(versions_dir, version)
            version = ensure_version(content_dir, trees_dir, versions_dir)
            catalog = open_version(versions_dir, version, places).catalog
    except ContentError as error:
        _exit_with(error, "rien n'a changé, la version servie reste la même.")
    except (OSError, UnusableVersion) as error:
        click.echo(f"La version n'a pas pu être construite ou ouverte : {error}", err=True)
        sys.exit(1)
    click.echo(f"Version {version} prête dans {versions_dir} : {catalog.summary()}.")
    if archive is not None:
        from portal.release import checksum_path, pack

        digest = pack(versions_dir, version, archive)
        click.echo(f"Archive {archive} (sha256 {digest[:16]}…, dans {checksum_path(archive).name}) : copiez les deux")
        click.echo(f"fichiers sur chaque nœud, puis `portal publish {archive.name}`.")


@main.command("publish")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def publish_command(archive: Path) -> None:
    """Installer sur ce nœud la version d'une archive de portal build --archive : somme de contrôle vérifiée,
    version ouverte une fois, puis mise en place d'un coup et rendue courante (servie avec PORTAL_SERVE_PUBLISHED=1)."""
    from portal.config import instance_dir, settings_from_env
    from portal.release import ReleaseError, install

    settings = settings_from_env(instance_dir(), secret=False)
    try:
        version = install(archive, settings["VERSIONS_DIR"], settings["PLACES_DATA_DIR"])
    except ReleaseError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"Version {version} publiée dans {settings['VERSIONS_DIR']}.")
    click.echo(
        "Les workers la servent au prochain rechargement (systemctl reload portail-pdp), ou d'eux-mêmes avec "
        "PORTAL_RELOAD_SECONDS ; vérifiez les nœuds avec deploy/check_nodes.py."
    )


def _exit_with(error: ContentError, closing: str, warnings: bool = False) -> NoReturn:
    """Print the errors (and the warnings if asked), their number and `closing`; exit with code 1."""
    for problem in error.problems if warnings else error.errors:
        click.echo(str(problem))
    click.echo(f"{len(error.errors)} erreur(s) : {closing}", err=True)
    sys.exit(1)


@main.command("couverture")
@click.option(
    "--departement", "departement", default=None, help="Détailler un département, acteur par acteur (ex. 56)."
)
def coverage_command(departement: str | None) -> None:
    """Afficher, pour chaque département, comment chaque acteur peut être joint, et les totaux."""
    from portal.coverage import LEVELS
    from portal.web.coverage import current_coverage

    app = _create_app()
    with app.app_context():
        data = current_coverage()
    if departement:
        found = next((d for d in data.departements if d.code == departement.upper().zfill(2)), None)
        if found is None:
            raise click.UsageError(f"Département inconnu : « {departement} » (exemples : 56, 2A, 974).")
        click.echo(f"{found.code} {found.nom} ({found.region_nom})")
        for cell in found.cells:
            since = f" ; source du {cell.oldest:%d/%m/%Y}" if cell.oldest else ""
            click.echo(f"  {cell.acteur.titre} : {LEVELS[cell.level]}{since}")
        return
    total = ", ".join(f"{count} {LEVELS[level]}" for level, count in data.totals.items())
    click.echo(f"{len(data.departements)} départements, {data.cells} couples département-acteur : {total}.")
    for d in data.departements:
        counts = ", ".join(f"{count} {LEVELS[level]}" for level, count in d.counts.items() if count)
        oldest = f" ; source la plus ancienne : {d.oldest:%d/%m/%Y}" if d.oldest else ""
        click.echo(f"{d.code} {d.nom} : {counts}{oldest}")


for _command in (*editor_commands, *tree_commands, *contacts_commands, purge_command):
    main.add_command(_command)


@main.command("reglages")
@click.option("--readme", is_flag=True, help="Réécrire le tableau « Réglages » du README au lieu de l'afficher.")
def settings_command(readme: bool) -> None:
    """Afficher le tableau des réglages (variable, type, défaut, rôle), celui du README."""
    from portal.config import settings_table, write_readme_table

    if not readme:
        click.echo(settings_table(), nl=False)
        return
    click.echo("README.md : tableau des réglages " + ("réécrit." if write_readme_table() else "déjà à jour."))


def init_app(app) -> None:
    """Make every `portal` command reachable as `flask --app portal <command>` too (each builds what it needs)."""
    for name, command in main.commands.items():
        app.cli.add_command(command, name)
