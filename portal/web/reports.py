"""« Signaler une erreur »: the form on every fiche and contact, which stores reports and refuses patient data."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from portal.feedback import REASONS, TEXT_MAX, clean_text, save_report
from portal.patient_data import patient_data_problem
from portal.serving import current_catalog
from portal.store import get_session
from portal.web import wants_fragment
from portal.web.csrf import check_csrf
from portal.web.errors import FicheNotFound
from portal.web.rate_limits import limit_rate

bp = Blueprint("reports", __name__, url_prefix="/signaler")

FORM_BYTES_MAX = 16 * 1024  # the form's fields, URL-encoded, with room to spare


@bp.before_request
def _guard() -> None:
    # Bound what a client can send before Werkzeug reads it, then check the form came from the portal.
    request.max_content_length = FORM_BYTES_MAX
    check_csrf()


def _fiche_or_404(fiche_id: str):
    fiche = current_catalog().fiches.get(fiche_id)
    if fiche is None:
        abort(404, description=FicheNotFound(""))
    return fiche


def contact_names(fiche_id: str) -> list[str]:
    """The names of the contacts a report on `fiche_id` may be about: national, regional, then local."""
    catalog = current_catalog()
    fiche = catalog.fiches[fiche_id]
    names = [entry.contact.nom for entry in catalog.contact_entries if entry.acteur == fiche.id]
    return list(dict.fromkeys(names))


def _contact_place(fiche_id: str, name: str | None) -> tuple[str, str] | None:
    """The territoire or région file of the contact a report is about, when it is in exactly one: the report goes
    to that territory's queue."""
    if not name:
        return None
    found = {
        ("territoires" if entry.portee == "local" else "regions", entry.code)
        for entry in current_catalog().contact_entries
        if entry.acteur == fiche_id and entry.contact.nom == name and entry.portee != "national"
    }
    return found.pop() if len(found) == 1 else None


def _known_contact(fiche_id: str, name: str | None) -> str | None:
    # An unknown contact name (an old link, a typed URL) is dropped: the report is then about the fiche.
    return name if name and name in contact_names(fiche_id) else None


def _render_form(fiche, contact, values: dict, errors: dict, status: int = 200):
    template = "partials/report_form.html" if wants_fragment() else "reports/form.html"
    context = {"fiche": fiche, "contact": contact, "values": values, "errors": errors, "reasons": REASONS}
    # The page shows back what was typed (a refused text may hold what it should not): no cache keeps it.
    return render_template(template, text_max=TEXT_MAX, **context), status, {"Cache-Control": "no-store"}


@bp.get("/<fiche_id>")
def report_form(fiche_id: str):
    """The form to report an error on a fiche, or on one of its contacts (?contact=<name>)."""
    fiche = _fiche_or_404(fiche_id)
    return _render_form(fiche, _known_contact(fiche_id, request.args.get("contact")), {}, {})


def _form_errors(reason: str, text: str) -> dict[str, str]:
    errors = {}
    if reason not in REASONS:
        errors["raison"] = "Choisissez ce qui ne va pas dans la liste."
    if len(text) > TEXT_MAX:
        errors["texte"] = f"Votre texte fait {len(text)} caractères : raccourcissez-le à {TEXT_MAX} au plus."
    elif reason == "autre" and not text:
        errors["texte"] = "Avec « Autre », dites en quelques mots ce qui ne va pas."
    elif problem := patient_data_problem(text):
        errors["texte"] = problem
    return errors


@bp.post("/<fiche_id>")
def report_submit(fiche_id: str):
    """Store a report (after the patient-data and rate checks), then say thank you."""
    fiche = _fiche_or_404(fiche_id)
    contact = _known_contact(fiche_id, request.form.get("contact"))
    reason, text = request.form.get("raison", ""), clean_text(request.form.get("texte", ""))
    errors = _form_errors(reason, text)
    if errors:
        return _render_form(fiche, contact, {"raison": reason, "texte": text}, errors, 400)
    limit_rate("signalement", current_app.config.get("REPORTS_PER_HOUR", 10), timedelta(hours=1))
    save_report(
        get_session(), fiche.id, reason, text, current_catalog().version, contact, _contact_place(fiche.id, contact)
    )
    if wants_fragment():
        return render_template("partials/report_thanks.html", fiche=fiche)
    return redirect(url_for("reports.report_thanks", fiche_id=fiche.id), code=303)


@bp.get("/<fiche_id>/merci")
def report_thanks(fiche_id: str):
    """The page shown after a report was stored (post/redirect/get: a reload does not send it twice)."""
    return render_template("reports/thanks.html", fiche=_fiche_or_404(fiche_id))


def init_app(app) -> None:
    """Register the form and the template helpers it needs."""
    from portal.review import fiche_review_date, is_overdue
    from portal.web.csrf import csrf_token

    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        csrf_token=csrf_token, fiche_review_date=fiche_review_date, fiche_is_overdue=is_overdue
    )
