"""The editor area (/editeurs): login, reports from users, fiches due for review, orientation counts, trees."""

import posixpath
from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for

from portal import accounts
from portal.counts import result_counts
from portal.feedback import REASONS, REPORT_ID_MAX, close_report, list_reports
from portal.mail import MailError, send_invitation, smtp_configured
from portal.review import due_items, editor_notes
from portal.serving import current_catalog, current_places
from portal.store import get_session
from portal.territory_edits import scope_label
from portal.treegraph import tree_mermaid
from portal.web.csrf import check_csrf
from portal.web.rate_limits import limit_login, limit_rate, record_login_failure, remember_device
from portal.web.security import CONTENT_SECURITY_POLICY_INLINE_STYLES

bp = Blueprint("editors", __name__, url_prefix="/editeurs")

SESSION_HOURS = 8  # an editor logs in again each working day
PUBLIC_ENDPOINTS = {"editors.login", "editors.login_submit", "editors.invitation_form", "editors.invitation_submit"}
NATIONAL_ENDPOINTS = {"editors.reports_page", "editors.close", "editors.invitations", "editors.invite"}


def current_editor() -> str | None:
    """The logged-in editor's name, if the session is recent, the account still exists and its sessions were not
    ended since this one began (logout, new password)."""
    name, since, generation = session.get("editeur"), session.get("editeur_depuis"), session.get("editeur_generation")
    if not isinstance(name, str) or not isinstance(since, str) or not isinstance(generation, int):
        return None
    try:
        started = datetime.fromisoformat(since)
    except ValueError:
        return None
    if datetime.now(UTC) - started > timedelta(hours=SESSION_HOURS):
        return None
    return name if accounts.session_is_current(get_session(), name, generation) else None


def current_scope() -> str:
    """The logged-in editor's scope (« national », « departement:56 »…), read once per request; "" for nobody."""
    if "editor_scope" not in g:
        g.editor_scope = accounts.account_scope(get_session(), current_editor() or "") or ""
    return g.editor_scope


def is_national() -> bool:
    return current_scope() == accounts.NATIONAL


@bp.before_request
def _require_editor():
    # Every route of the area but the login form refuses an anonymous visitor: it is sent to log in.
    request.max_content_length = 16 * 1024
    check_csrf()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    name = current_editor()
    if name is None:
        session.pop("editeur", None)
        target = request.full_path if request.method == "GET" else url_for("editors.dashboard")
        return redirect(url_for("editors.login", suivant=target), code=303)
    if request.endpoint in NATIONAL_ENDPOINTS and not is_national():
        abort(
            403,
            description="Cette page est réservée aux éditeurs nationaux : vos territoires sont sous « Territoires ».",
        )
    return None


@bp.context_processor
def _scope_in_templates() -> dict:
    # The navigation shows a territory editor only what their account opens (not « Signalements », « Invitations »).
    return {"national_editor": is_national}


@bp.after_request
def _no_store(response):
    # Editor pages show reports: never kept by a shared cache or the browser's back-forward cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next(target: str | None) -> str:
    """Only a printable path of this area: an open redirect to another site would help a phishing page, and a
    line break would forge a header (Werkzeug refuses it: that was a 500)."""
    target = target or ""
    printable = target.isprintable() and not any(char.isspace() or char == "\\" for char in target)
    # A path of this area has no scheme nor host, and stays in the area once « .. » are resolved.
    areas = ("/editeurs", "/tableau-de-bord")  # the dashboard shares this area's login (portal/web/dashboard.py)
    if printable and target.startswith(areas) and posixpath.normpath(target).startswith(areas):
        return target
    return url_for("editors.dashboard")


@bp.get("/connexion")
def login():
    """The login form."""
    return render_template("editors/login.html", suivant=request.args.get("suivant", ""), error=None)


@bp.post("/connexion")
def login_submit():
    """Check the name and password; too many attempts are refused for a while (portal/web/rate_limits.py): from
    one address, on one name from one address, on one name from everywhere unless this browser logged in to it
    before."""
    db = get_session()
    name, password = request.form.get("nom", "").strip(), request.form.get("mot_de_passe", "")
    limit_login(name)
    suivant = request.form.get("suivant", "")
    if not accounts.check_login(db, name, password):
        record_login_failure(name)
        error = "Nom ou mot de passe incorrect."
        return render_template("editors/login.html", suivant=suivant, error=error, nom=name), 401
    _open_session(name)
    response = redirect(_safe_next(suivant), code=303)
    remember_device(response, name)
    return response


def _open_session(name: str) -> None:
    session.clear()  # a fresh session (and a fresh CSRF token) for the logged-in editor
    session["editeur"], session["editeur_depuis"] = name, datetime.now(UTC).isoformat()
    session["editeur_generation"] = accounts.session_generation(get_session(), name)


@bp.post("/deconnexion")
def logout():
    """Log out, in every browser of this account (a copied cookie is refused from now on), and go back to the
    login form."""
    name = current_editor()
    if name:
        accounts.end_sessions(get_session(), name)
    session.clear()
    return redirect(url_for("editors.login"), code=303)


@bp.get("/")
def dashboard():
    """The editor's home: open reports, fiches and contacts due for review, orientation counts; a territory editor's
    home is their territories."""
    if not is_national():
        return redirect(url_for("editors.territoires.index"), code=303)
    catalog = current_catalog()
    return render_template(
        "editors/dashboard.html",
        editor=current_editor(),
        reports=list_reports(get_session(), "ouvert"),
        reasons=REASONS,
        due=due_items(catalog),
        counts=result_counts(),
        trees=catalog.trees,
        fiches=catalog.fiches,
    )


@bp.get("/retours")
def reports_page():
    """All reports, open or closed (?etat=ouvert|clos|tous)."""
    state = request.args.get("etat", "ouvert")
    status = {"ouvert": "ouvert", "clos": "clos", "tous": None}.get(state, "ouvert")
    reports = list_reports(get_session(), status)
    return render_template(
        "editors/reports.html",
        editor=current_editor(),
        reports=reports,
        reasons=REASONS,
        state=state if state in {"ouvert", "clos", "tous"} else "ouvert",
        fiches=current_catalog().fiches,
    )


# Report ids are SQL integers: a larger number is no report (a 404), never an overflow in the database (a 500).
@bp.post(f"/retours/<int(max={REPORT_ID_MAX}):report_id>/fermer")
def close(report_id: int):
    """Close a report (it stays listed under « clos »)."""
    if close_report(get_session(), report_id, current_editor() or "?") is None:
        abort(404)
    return redirect(_safe_next(request.form.get("suivant")), code=303)


@bp.get("/revue")
def review_page():
    """Fiches and contacts due for review, oldest first; then the doubts and the editors' notes."""
    catalog = current_catalog()
    return render_template(
        "editors/review.html", editor=current_editor(), due=due_items(catalog), notes=editor_notes(catalog)
    )


@bp.get("/arbres")
def trees_page():
    """Each orientation tree drawn by Mermaid (static/js/trees.js), its Mermaid text shown without JavaScript."""
    graphs = [(tree, tree_mermaid(tree)) for tree in current_catalog().trees.values()]
    page = render_template("editors/trees.html", editor=current_editor(), graphs=graphs, counts=result_counts())
    return page, {"Content-Security-Policy": CONTENT_SECURITY_POLICY_INLINE_STYLES}


@bp.get("/invitations")
def invitations():
    """Invite a territory editor: a one-time link for an account of a département or a région."""
    return _invitations_page({}, None)


def _invitations_page(values: dict, link: str | None, error: str | None = None, sent: str | None = None, status=200):
    page = render_template(
        "editors/invitations.html",
        editor=current_editor(),
        values=values,
        link=link,
        error=error,
        sent=sent,
        smtp=smtp_configured(current_app.config),
        accounts=accounts.accounts_with_scopes(get_session()),
        days=accounts.INVITATION_DAYS,
    )
    return page, status


@bp.post("/invitations")
def invite():
    """Create the link, show it once, and send it when an SMTP server is configured and an address given (the
    address is not kept)."""
    kind, code = request.form.get("type", ""), request.form.get("code", "").strip()
    email = request.form.get("courriel", "").strip()
    values = {"type": kind, "code": code, "courriel": email}
    try:
        scope = accounts.scope_for(kind, code)
        token = accounts.create_invitation(get_session(), scope, current_editor() or "?")
    except accounts.AccountError as error:
        return _invitations_page(values, None, f"Invitation non créée : {error}.", status=400)
    link = invitation_link(token)
    sent = None
    if email and smtp_configured(current_app.config):
        try:
            label = scope_label(scope, current_places())
            send_invitation(current_app.config, email, link, label, accounts.INVITATION_DAYS)
            sent = email
        except MailError as error:
            return _invitations_page(values, link, f"Le lien est créé mais {error}.", status=502)
    return _invitations_page({}, link, sent=sent)


def invitation_link(token: str) -> str:
    """The address of the invitation form: the public address of the settings when there is one."""
    base = current_app.config.get("PUBLIC_URL")
    path = url_for("editors.invitation_form", token=token)
    return f"{base}{path}" if base else url_for("editors.invitation_form", token=token, _external=True)


def _open_invitation(token: str):
    """The open invitation of `token`, or a 404 that says to ask for another link."""
    invitation = accounts.open_invitation(get_session(), token)
    if invitation is None:
        abort(
            404, description="Ce lien d'invitation n'est plus valable (déjà utilisé ou expiré) : demandez-en un autre."
        )
    return invitation


@bp.get("/invitation/<token>")
def invitation_form(token: str):
    """The invited person chooses a name and a password."""
    invitation = _open_invitation(token)
    return _invitation_page(token, invitation.scope, {}, None)


def _invitation_page(token: str, scope: str, values: dict, error: str | None, status: int = 200):
    page = render_template(
        "editors/invitation.html",
        token=token,
        territory=scope_label(scope, current_places()),
        values=values,
        error=error,
        minimum=accounts.PASSWORD_MIN,
    )
    return page, status


@bp.post("/invitation/<token>")
def invitation_submit(token: str):
    """Create the account of the invitation and log in."""
    db = get_session()
    limit_rate("invitation", current_app.config.get("LOGINS_PER_15_MIN", 10), timedelta(minutes=15))
    invitation = _open_invitation(token)
    name, password = request.form.get("nom", "").strip(), request.form.get("mot_de_passe", "")
    if password != request.form.get("confirmation", ""):
        return _invitation_page(token, invitation.scope, {"nom": name}, "Les deux mots de passe diffèrent.", 400)
    try:
        accounts.accept_invitation(db, token, name, password)
    except accounts.AccountError as error:
        return _invitation_page(token, invitation.scope, {"nom": name}, f"Compte non créé : {error}.", 400)
    _open_session(name)
    flash(f"Bienvenue : votre compte « {name} » est créé.")
    return redirect(url_for("editors.territoires.index"), code=303)


# The territories' pages share this area's login, CSRF check and no-store (portal/web/territories.py).
from portal.web import territories  # noqa: E402

bp.register_blueprint(territories.bp)
