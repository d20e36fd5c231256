"""The editors' and operators' commands: schema, revue, liens, serve, retours, migrer, editeur."""

import sys
from datetime import date
from pathlib import Path

import click

from portal.cli_options import content_option, trees_option
from portal.config import ROOT


def database_url() -> str:
    """The portal's database (DATABASE_URL, else the instance folder's SQLite file), read as the portal does;
    no secret key is needed, so none is created."""
    from portal.config import instance_dir, settings_from_env

    return settings_from_env(instance_dir(), secret=False)["DATABASE_URL"]


def store_session():
    """A session on the portal's database, brought up to date, without loading the content: an operator manages
    accounts and reports even while the content is broken."""
    from sqlmodel import Session

    from portal.migrations import upgrade
    from portal.store import make_engine

    engine = make_engine(database_url())
    upgrade(engine)
    return Session(engine)


def _load_or_exit(content_dir: Path, trees_dir: Path):
    from portal.catalog import load_catalog
    from portal.diagnostics import ContentError

    try:
        return load_catalog(content_dir, trees_dir)
    except ContentError as error:
        for problem in error.errors:
            click.echo(str(problem))
        click.echo("Le contenu a des erreurs : corrigez-les d'abord (portal check).", err=True)
        sys.exit(1)


@click.command("schema")
@click.option(
    "--dossier",
    type=click.Path(path_type=Path),
    default=ROOT / "schemas",
    show_default=True,
    help="Où écrire les schémas.",
)
def schema_command(dossier: Path) -> None:
    """Écrire les schémas JSON des formats (fiche, territoire, glossaire, arbre) pour les éditeurs de texte."""
    from portal.schema import write_schemas

    for path in write_schemas(dossier):
        click.echo(f"Écrit : {path}")


@click.command("revue")
@content_option
@trees_option
@click.option(
    "--dans", "within", type=click.IntRange(0, 365), default=0, help="Inclure ce qui arrive à échéance dans N jours."
)
def review_command(content_dir: Path, trees_dir: Path, within: int) -> None:
    """Lister les fiches et contacts à relire, les plus anciens d'abord, avec leur responsable ; puis les doutes,
    les points à vérifier et les notes des éditeurs, que le public ne voit pas ainsi."""
    from portal.review import due_items, editor_notes
    from portal.web.filters import date_fr

    catalog = _load_or_exit(content_dir, trees_dir)
    items = due_items(catalog, within_days=within)
    if not items:
        click.echo("Rien à relire : toutes les fiches et tous les contacts sont à jour.")
    today = date.today()
    for item in items:
        when = "à relire depuis" if item.due <= today else "à relire le"
        owner = f" — responsable : {item.owner}" if item.owner else " — sans responsable"
        to_check = f" — à vérifier : {item.a_verifier}" if item.a_verifier else ""
        note = f" — note des éditeurs : {item.note_editeurs}" if item.note_editeurs else ""
        click.echo(
            f"{when} le {date_fr(item.due)} : {item.kind_label} « {item.label} » ({item.fiche_id}), "
            f"relu le {date_fr(item.checked)}{owner} — {item.file}{to_check}{note}"
        )
    if items:
        click.echo(f"{len(items)} élément(s) à relire.")
    notes = editor_notes(catalog)
    if notes:
        click.echo(f"\nDoutes et notes des éditeurs ({len(notes)}) :")
    for found in notes:
        click.echo(f"{found.kind_label} « {found.label} » ({found.fiche_id}) — {found.file}")
        if found.a_verifier:
            label = "à vérifier avant d'agir" if found.kind == "fiche" else "à vérifier"
            click.echo(f"  {label} : {found.a_verifier}")
        for champ, texte in found.points:
            click.echo(f"  à vérifier ({champ}) : {texte}")
        if found.note_editeurs:
            click.echo(f"  note des éditeurs : {found.note_editeurs}")


@click.command("liens")
@content_option
@trees_option
@click.option(
    "--delai",
    type=click.FloatRange(0, 60),
    default=2.0,
    show_default=True,
    help="Pause (s) entre deux requêtes à un même site.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 120),
    default=10.0,
    show_default=True,
    help="Attente maximale (s) d'une réponse.",
)
def links_command(content_dir: Path, trees_dir: Path, delai: float, timeout: float) -> None:
    """Vérifier les adresses des sources et des sites (à lancer chaque semaine) ; code 1 si des liens sont cassés."""
    from portal.links import check_links, collect_links, internet_reachable

    places = collect_links(_load_or_exit(content_dir, trees_dir))
    if not places:
        click.echo("Aucune adresse web dans le contenu.")
        return
    if not internet_reachable(list(places)):
        click.echo(
            "Pas d'accès à internet depuis cette machine (aucun nom de site ne se résout) : "
            "la vérification des liens n'a pas été faite. Relancez-la depuis une machine connectée."
        )
        return
    click.echo(f"Vérification de {len(places)} adresse(s), une requête à la fois par site…")
    results = check_links(list(places), delay=delai, timeout=timeout)
    broken = [result for result in results if not result.ok]
    for result in broken:
        click.echo(f"CASSÉ {result.url} : {result.problem}")
        for where in places[result.url]:
            click.echo(f"    utilisé dans {where}")
    click.echo(f"{len(results) - len(broken)} lien(s) valide(s), {len(broken)} cassé(s).")
    if broken:
        sys.exit(1)


@click.command("serve")
@click.option("--dev", is_flag=True, help="Aperçu des éditeurs : recharge le contenu à chaque modification.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", type=int, default=5000, show_default=True, help="Port d'écoute.")
def serve_command(dev: bool, host: str, port: int) -> None:
    """Servir le portail (avec --dev : aperçu en direct, problèmes du contenu affichés en français)."""
    from werkzeug.serving import run_simple

    from portal import create_app

    app = create_app({"DEV": True} if dev else None)
    mode = "aperçu (--dev) : le contenu se recharge à chaque enregistrement" if dev else "service"
    click.echo(f"Portail PDP, {mode}, sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    # Not app.run(): Flask ignores it inside its own CLI. The debugger stays off: it would run typed code.
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


@click.command("retours")
@click.option(
    "--etat",
    type=click.Choice(["ouvert", "clos", "tous"]),
    default="ouvert",
    show_default=True,
    help="Quels signalements lister.",
)
@click.option("--fermer", "close_id", type=int, help="Clore le signalement de ce numéro.")
@click.option("--par", "editor", default="ligne de commande", show_default=True, help="Qui clôt (avec --fermer).")
def reports_command(etat: str, close_id: int | None, editor: str) -> None:
    """Lister les signalements des utilisateurs, ou en clore un (--fermer N)."""
    from portal.feedback import REASONS, close_report, list_reports

    session = store_session()
    if close_id is not None:
        report = close_report(session, close_id, editor)
        if report is None:
            click.echo(f"Aucun signalement n° {close_id}.", err=True)
            sys.exit(1)
        click.echo(f"Signalement n° {close_id} clos.")
        return
    reports = list_reports(session, None if etat == "tous" else etat)
    for report in reports:
        about = f"{report.fiche_id}" + (f" / contact « {report.contact} »" if report.contact else "")
        state = "ouvert" if report.status == "ouvert" else f"clos par {report.closed_by}"
        text = " ".join(report.text.split()) or "(sans texte)"
        click.echo(
            f"n° {report.id} du {report.created_at:%d/%m/%Y %H:%M} [{state}] {about} — "
            f"{REASONS.get(report.reason, report.reason)} : {text}"
        )
    click.echo(f"{len(reports)} signalement(s) {'' if etat == 'tous' else etat + '(s)'}".rstrip() + ".")


@click.command("migrer")
def migrate_command() -> None:
    """Mettre la base (DATABASE_URL) à la dernière version de ses tables : signalements, limites de débit, comptes
    des éditeurs, comptes des orientations. Rien n'est perdu ; sans charger le contenu. Le portail le fait aussi à
    chaque démarrage ; plusieurs instances qui démarrent ensemble migrent chacune à son tour."""
    from portal.migrations import upgrade_database

    before, after = upgrade_database(database_url())
    if before == after:
        click.echo(f"La base est déjà à jour (révision {after}).")
    else:
        click.echo(f"Base mise à jour : révision {before or 'aucune'} -> {after}.")


@click.group("editeur")
def editor_group() -> None:
    """Gérer les comptes des éditeurs (espace /editeurs)."""


def _scope_options(command):
    command = click.option(
        "--departement", default=None, help="Limiter le compte aux contacts d'un département (ex. 56, 2A, 974)."
    )(command)
    return click.option(
        "--region", default=None, help="Limiter le compte aux contacts d'une région et de ses départements (ex. 53)."
    )(command)


def _scope(departement: str | None, region: str | None, national: bool) -> str | None:
    """The account's scope from the options (None: none given)."""
    from portal.accounts import NATIONAL, AccountError, scope_for

    if sum(map(bool, (departement, region, national))) > 1:
        raise click.UsageError("Donnez un seul territoire : --departement, --region ou --national.")
    if national:
        return NATIONAL
    try:
        return scope_for("departement", departement) if departement else scope_for("region", region) if region else None
    except AccountError as error:
        raise click.UsageError(str(error)) from None


@editor_group.command("ajouter")
@click.argument("nom")
@click.password_option(
    "--mot-de-passe",
    prompt="Mot de passe",
    confirmation_prompt="Répétez le mot de passe",
    help="Demandé s'il n'est pas donné.",
)
@_scope_options
@click.option("--national", is_flag=True, help="Rendre au compte tous les territoires (compte national).")
def editor_add(nom: str, mot_de_passe: str, departement: str | None, region: str | None, national: bool) -> None:
    """Créer le compte NOM, ou changer son mot de passe (ses sessions ouvertes sont alors fermées) ; le mot de
    passe est demandé et stocké haché. Un nouveau compte est national sauf --departement ou --region."""
    from portal.accounts import AccountError, set_account

    scope = _scope(departement, region, national)
    try:
        created = set_account(store_session(), nom, mot_de_passe, scope)
    except AccountError as error:
        click.echo(f"Compte non enregistré : {error}.", err=True)
        sys.exit(1)
    click.echo(f"Compte « {nom} » créé." if created else f"Compte « {nom} » mis à jour : ses sessions sont fermées.")


@editor_group.command("retirer")
@click.argument("nom")
def editor_remove(nom: str) -> None:
    """Supprimer le compte NOM (ses sessions ouvertes cessent aussitôt)."""
    from portal.accounts import remove_account

    if not remove_account(store_session(), nom):
        click.echo(f"Aucun compte « {nom} ».", err=True)
        sys.exit(1)
    click.echo(f"Compte « {nom} » supprimé : ses sessions sont fermées.")


@editor_group.command("liste")
def editor_list() -> None:
    """Lister les comptes des éditeurs."""
    from portal.accounts import accounts_with_scopes

    accounts = accounts_with_scopes(store_session())
    for name, scope in accounts:
        click.echo(f"{name} ({scope})")
    click.echo(f"{len(accounts)} compte(s).")


@editor_group.command("inviter")
@_scope_options
@click.option("--national", is_flag=True, help="Inviter un éditeur national (tous les territoires).")
@click.option(
    "--par", "by", default="ligne de commande", show_default=True, help="Qui invite (gardé avec l'invitation)."
)
def editor_invite(departement: str | None, region: str | None, national: bool, by: str) -> None:
    """Créer un lien d'invitation à usage unique pour un éditeur de territoire (--departement ou --region) ; la
    personne y choisit son nom et son mot de passe. Le lien commence par PORTAL_PUBLIC_URL."""
    from portal.accounts import INVITATION_DAYS, AccountError, create_invitation
    from portal.config import instance_dir, settings_from_env

    scope = _scope(departement, region, national)
    if scope is None:
        raise click.UsageError("Donnez le territoire : --departement 56, --region 53 ou --national.")
    try:
        token = create_invitation(store_session(), scope, by)
    except AccountError as error:
        click.echo(f"Invitation non créée : {error}.", err=True)
        sys.exit(1)
    base = settings_from_env(instance_dir(), secret=False)["PUBLIC_URL"] or "http://127.0.0.1:5000"
    click.echo(f"Invitation ({scope}), valable {INVITATION_DAYS} jours, une seule fois :")
    click.echo(f"{base}/editeurs/invitation/{token}")


COMMANDS = (
    schema_command,
    review_command,
    links_command,
    serve_command,
    reports_command,
    migrate_command,
    editor_group,
)
