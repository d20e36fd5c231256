"""The editors' spreadsheet commands: `portal contacts importer FICHIER` and `portal contacts exporter`."""

import sys
from datetime import date
from pathlib import Path

import click

from portal.atomic import write_atomically
from portal.cli_options import content_option, places_option


def _iso_date(_context, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"« {value} » n'est pas une date AAAA-MM-JJ (ex. 2026-11-22)") from None


@click.group("contacts")
def contacts_group() -> None:
    """Importer un tableur de contacts locaux et régionaux, ou exporter tous les contacts."""


@contacts_group.command("importer")
@click.argument("fichier", type=click.Path(path_type=Path))
@click.option(
    "--ecrire", is_flag=True, help="Écrire les fichiers ; sans cette option, montrer seulement les changements."
)
@click.option(
    "--vu-le",
    "vu_le",
    callback=_iso_date,
    metavar="AAAA-MM-JJ",
    help="Date de lecture de la source, pour les lignes sans colonne « vu_le ».",
)
@content_option
@places_option
def import_command(fichier: Path, ecrire: bool, vu_le: date | None, content_dir: Path, places_dir: Path) -> None:
    """Importer les contacts du tableur FICHIER (CSV ou XLSX, ou l'extrait officiel de l'Annuaire de
    l'administration) dans content/territoires et content/regions : chaque ligne est vérifiée, les changements
    sont montrés, et écrits seulement avec --ecrire."""
    from portal.contact_import import plan_import, write_changes
    from portal.editor_cli import _load_or_exit
    from portal.places import official_departements
    from portal.spreadsheet import SpreadsheetError

    if not fichier.is_file():
        click.echo(f"Le fichier « {fichier} » n'existe pas.", err=True)
        sys.exit(1)
    catalog = _load_or_exit(content_dir, None)
    try:
        plan = plan_import(fichier, content_dir, catalog, official_departements(places_dir), vu_le)
    except SpreadsheetError as error:
        click.echo(f"{fichier} : {error}.", err=True)
        sys.exit(1)
    for problem in plan.problems:
        click.echo(str(problem))
    if plan.errors:
        click.echo(f"{len(plan.errors)} erreur(s) : rien n'a été écrit. Corrigez le tableur et relancez.", err=True)
        sys.exit(1)
    for number, change in enumerate(plan.changes):
        what = "nouveau fichier" if change.old is None else "modifié"
        counts = f"{len(change.added)} contact(s) ajouté(s), {len(change.changed)} modifié(s)"
        separator = "\n" if number or plan.problems else ""  # a blank line between blocks, none at the top
        click.echo(f"{separator}{change.shown} ({what}) : {counts}")
        click.echo(change.diff(), nl=False)
    summary = f"{plan.contacts} contact(s) lu(s), {plan.unchanged} déjà à jour"
    if not plan.changes:
        click.echo(f"{summary} : aucun changement.")
    elif ecrire:
        write_changes(plan)
        click.echo(f"\n{summary} ; {len(plan.changes)} fichier(s) écrit(s). Vérifiez avec « portal check ».")
    else:
        click.echo(
            f"\n{summary} ; {len(plan.changes)} fichier(s) à changer. Rien n'a été écrit : relancez avec --ecrire "
            "pour enregistrer."
        )


@contacts_group.command("exporter")
@click.option(
    "--sortie",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Le fichier CSV à écrire ; sans cette option, la sortie standard.",
)
@content_option
def export_command(sortie: Path | None, content_dir: Path) -> None:
    """Exporter tous les contacts (nationaux, régionaux, locaux) en CSV pour un tableur : séparateur « ; »,
    UTF-8 avec BOM. Les lignes locales et régionales se réimportent telles quelles."""
    from portal.contact_rows import EXPORT_COLUMNS, export_row
    from portal.editor_cli import _load_or_exit
    from portal.spreadsheet import csv_bytes

    entries = _load_or_exit(content_dir, None).contact_entries
    data = csv_bytes(EXPORT_COLUMNS, [export_row(entry) for entry in entries])
    if sortie is None:
        click.get_binary_stream("stdout").write(data)
        return
    write_atomically(sortie, data)
    click.echo(f"{len(entries)} contact(s) écrit(s) dans {sortie}.")


COMMANDS = (contacts_group,)
