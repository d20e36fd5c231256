"""/editeurs/territoires: territory editors keep the contacts of their département or région from a form that
writes the YAML file (portal/territory_edits.py): a worklist, the contacts with « modifier », « confirmer » and
« retirer », the reports on them (« appliquer », « rejeter »), and the history with « annuler »."""

import re
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from portal.contact_history import changes_of, get_change, record_change, undone_ids
from portal.counts import demand_counts
from portal.feedback import REASONS, Report, list_place_reports, resolve_report
from portal.place_files import PlaceFileError, place_contacts
from portal.serving import current_catalog, current_places, refresh
from portal.store import get_session
from portal.territory_edits import (
    Conflict,
    Edit,
    PlaceRef,
    Proposal,
    allows,
    edited_text,
    fingerprint,
    place_ref,
    propose,
    read_text,
    save,
    scope_label,
    scope_refs,
)
from portal.text import slug
from portal.web.coverage import current_coverage
from portal.worklist import GAPS, worklist

bp = Blueprint("territoires", __name__, url_prefix="/territoires")

# The form's fields: name -> label. Source fields are « source_<key> ».
FIELDS = {
    "nom": "Nom du service",
    "telephone": "Téléphone",
    "email": "Courriel",
    "formulaire": "Formulaire de contact en ligne (adresse https://…)",
    "annuaire": "Page qui trouve le service local (adresse https://…)",
    "adresse": "Adresse postale",
    "site": "Site web (adresse https://…)",
    "horaires": "Horaires",
    "note": "Précision pour le lecteur (publique)",
    "a_verifier": "Ce qui reste à vérifier (public)",
    "note_editeurs": "Note pour les éditeurs (jamais publiée)",
}
SOURCE_FIELDS = {
    "titre": "Titre de la source",
    "url": "Adresse de la source (https://…)",
    "document": "Ou document (si la source n'est pas une page web)",
    "publie_le": "Publiée le (si la source l'indique)",
    "vu_le": "Lue le",
}
MEANS = ("telephone", "email", "formulaire", "annuaire")
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _editor() -> tuple[str, str]:
    """The logged-in editor's name and scope (this area is registered inside the editors' one: they import it)."""
    from portal.web.editors import current_editor, current_scope

    return current_editor() or "?", current_scope()


def _ref_or_abort(kind: str, code: str) -> PlaceRef:
    places = current_places()
    ref = place_ref(kind, code, places)
    if ref is None:
        abort(404)
    scope = _editor()[1]
    if not allows(scope, ref, places):
        abort(403, description=f"Ce territoire n'est pas le vôtre : votre compte tient {scope_label(scope, places)}.")
    return ref


def _departements_of(ref: PlaceRef) -> list[str]:
    """The départements of a file: its own, or those of its région."""
    if ref.kind == "territoires":
        return [ref.code]
    return [r.code for r in scope_refs(f"region:{ref.code}", current_places()) if r.kind == "territoires"]


@bp.get("/")
def index():
    """The editor's territories, and the first cells to fix among them."""
    editor, scope = _editor()
    places = current_places()
    refs = scope_refs(scope, places)
    departements = [ref.code for ref in refs if ref.kind == "territoires"]
    tasks = worklist(current_coverage(), departements, demand_counts(departements), date.today())
    session = get_session()
    reports = list_place_reports(session, [(r.kind, r.code) for r in refs])
    return render_template(
        "editors/territories.html",
        editor=editor,
        scope_label=scope_label(scope, places),
        refs=[(ref, ref.label(places)) for ref in refs],
        tasks=[t for t in tasks if t.gap != "a-jour"][:30],
        open_reports=len(reports),
        GAPS=GAPS,
    )


@bp.get("/<kind>/<code>")
def place(kind: str, code: str):
    """One file: the worklist of its départements, its contacts, the reports on them, its history."""
    ref = _ref_or_abort(kind, code)
    session = get_session()
    departements = _departements_of(ref)
    tasks = worklist(current_coverage(), departements, demand_counts(departements), date.today())
    changes = changes_of(session, [(ref.kind, ref.code)], limit=30)
    return render_template(
        "editors/territory.html",
        editor=_editor()[0],
        ref=ref,
        label=ref.label(current_places()),
        contacts=list(enumerate(_contacts(ref))),
        tasks=tasks,
        reports=list_place_reports(session, [(ref.kind, ref.code)]),
        reasons=REASONS,
        changes=changes,
        undone=undone_ids(session, [change.id for change in changes]),
        fiches=current_catalog().fiches,
        GAPS=GAPS,
    )


def _contacts(ref: PlaceRef) -> list[dict]:
    return _read(ref)[1]


def _read(ref: PlaceRef) -> tuple[str | None, list[dict]]:
    """The file's text and its contacts as plain data."""
    text = read_text(ref.path(current_app.config["CONTENT_DIR"]))
    try:
        return text, place_contacts(text)
    except Exception:  # noqa: BLE001 — a file broken by hand: the page says so, the form cannot edit it
        abort(409, description=f"Le fichier {ref.shown} ne se lit pas : corrigez-le d'abord (portal check).")


def _acteurs() -> list:
    return [f for f in current_catalog().of_type("acteur") if f.recense_localement]


def _values_of(contact: dict) -> dict:
    """A contact as the form's values."""
    values = {name: contact.get(name) or "" for name in FIELDS}
    values["acteur"], values["statut"] = contact.get("acteur", ""), contact.get("statut", "a-verifier")
    source = contact.get("source") or {}
    for key in SOURCE_FIELDS:
        value = source.get(key)
        values[f"source_{key}"] = value.strftime("%d/%m/%Y") if isinstance(value, date) else (value or "")
    return values


@bp.get("/<kind>/<code>/contact")
def contact_form(kind: str, code: str):
    """The form: a contact to change (?n=), to confirm (&confirmer=1), or a new one (?acteur=); ?signalement= shows
    the report it answers."""
    ref = _ref_or_abort(kind, code)
    contacts = _contacts(ref)
    index = _index(request.args.get("n"), contacts)
    today = date.today().strftime("%d/%m/%Y")
    if index is None:
        values = {"acteur": request.args.get("acteur", ""), "statut": "a-verifier", "source_vu_le": today}
        original = ""
    else:
        values, original = _values_of(contacts[index]), fingerprint(contacts[index])
    if request.args.get("confirmer") and index is not None:
        values["statut"], values["source_vu_le"] = "verifie", today
    report = _report(request.args.get("signalement"), ref)
    return _form(ref, index, original, values, {}, report=report)


def _index(value: str | None, contacts: list) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or int(value) >= len(contacts):
        abort(404, description="Ce contact n'est plus dans le fichier : il a peut-être été retiré.")
    return int(value)


def _report(value: str | None, ref: PlaceRef) -> Report | None:
    if not value or not value.isdigit() or len(value) > 9:
        return None
    report = get_session().get(Report, int(value))
    if report is None or (report.place_kind, report.place_code) != (ref.kind, ref.code):
        return None
    return report


def _form(ref, index, original, values, errors, *, proposal=None, conflict=None, report=None, status=200):
    diff = proposal.diff(ref.shown) if proposal is not None and not errors else None
    return (
        render_template(
            "editors/contact_form.html",
            editor=_editor()[0],
            ref=ref,
            label=ref.label(current_places()),
            index=index,
            original=original,
            values=values,
            errors=errors,
            diff=diff,
            conflict=conflict,
            report=report,
            reasons=REASONS,
            acteurs=_acteurs(),
            FIELDS=FIELDS,
            SOURCE_FIELDS=SOURCE_FIELDS,
        ),
        status,
    )


def _read_form() -> tuple[dict, dict]:
    """The form's values as typed, and the contact data they make (dates read, empty fields left out)."""
    form = request.form
    values = {name: form.get(name, "").strip() for name in (*FIELDS, "acteur", "statut")}
    values |= {f"source_{key}": form.get(f"source_{key}", "").strip() for key in SOURCE_FIELDS}
    data: dict = {"acteur": values["acteur"]}
    data |= {name: values[name] for name in FIELDS if values[name]}
    data["statut"] = values["statut"] or "a-verifier"
    source = {key: values[f"source_{key}"] for key in SOURCE_FIELDS if values[f"source_{key}"]}
    for key in ("publie_le", "vu_le"):
        if key in source:
            source[key] = _date(source[key])
    data["source"] = source
    return values, data


def _date(text: str) -> date | str:
    """« 06/12/2026 » or « 2026-12-06 » as a date; anything else stays text, which the check refuses at its field."""
    found = FRENCH_DATE.match(text)
    try:
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    return text


def _form_errors(values: dict, data: dict, reason: str) -> dict[str, str]:
    """What the form itself refuses before the file is checked, in French, at the field."""
    errors = {}
    if data["acteur"] not in {f.id for f in _acteurs()}:
        errors["acteur"] = "Choisissez l'acteur dont c'est l'antenne."
    if not any(data.get(name) for name in MEANS):
        errors["telephone"] = (
            "Donnez au moins un moyen de joindre ce service : téléphone, courriel, formulaire ou page qui trouve le "
            "service local (un contact sans moyen de le joindre n'aide personne)."
        )
    source = data["source"]
    for key in ("publie_le", "vu_le"):
        if isinstance(source.get(key), str):
            errors[f"source_{key}"] = "Écrivez la date ainsi : 06/12/2026."
        elif isinstance(source.get(key), date) and source[key] > date.today():
            errors[f"source_{key}"] = "Cette date est dans le futur."
    if data["statut"] == "verifie":
        if not (source.get("url") or source.get("document")):
            errors["source_url"] = "Pour confirmer, donnez la source : l'adresse de la page, ou le document."
        if not source.get("vu_le"):
            errors["source_vu_le"] = "Pour confirmer, donnez la date où vous avez lu la source."
    if not reason:
        errors["raison"] = "Dites en une phrase pourquoi vous faites ce changement (il est gardé dans l'historique)."
    return errors


def _stamped(data: dict, kept: dict, editor: str) -> dict:
    """The contact to write: the file's keys the form does not show (`pour`…) kept; a confirmation stamped."""
    data = {**{k: v for k, v in kept.items() if k not in FIELDS and k not in data}, **data}
    if kept.get("nom") and data.get("nom") != kept["nom"] and not kept.get("id"):
        data["id"] = slug(kept["nom"])  # renamed: the published id stays the one of the old name
    data.pop("confirme_le", None), data.pop("confirme_par", None)
    if data.get("statut") == "verifie":
        data["confirme_le"], data["confirme_par"] = date.today(), editor
    return data


def _problem_field(key: str) -> str:
    """« contacts[3].source.url » -> « source_url »: where the form shows the check's sentence."""
    tail = re.sub(r"^contacts\[\d+\]\.?", "", key)
    return tail.replace(".", "_") or "general"


def _proposal_errors(proposal: Proposal) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in proposal.problems:
        text = problem.message + (f" — {problem.hint}" if problem.hint else "")
        field = _problem_field(problem.key)
        errors[field] = f"{errors[field]} ; {text}" if field in errors else text
    return errors


@bp.post("/<kind>/<code>/contact")
def contact_submit(kind: str, code: str):
    """« Voir les changements » (the diff, checked) or « Enregistrer » (written against the file as it is now)."""
    ref = _ref_or_abort(kind, code)
    content_dir, trees_dir = current_app.config["CONTENT_DIR"], current_app.config["TREES_DIR"]
    old, contacts = _read(ref)
    index = _index(request.form.get("n"), contacts)
    original = request.form.get("original", "")
    report = _report(request.form.get("signalement"), ref)
    values, data = _read_form()
    reason = request.form.get("raison", "").strip()[:300]
    values["raison"] = reason
    errors = _form_errors(values, data, reason)
    if errors:
        return _form(ref, index, original, values, errors, report=report, status=400)
    editor = _editor()[0]
    kept = contacts[index] if index is not None and fingerprint(contacts[index]) == original else {}
    edit = Edit(ref, index, original, _stamped(data, kept, editor), reason)
    try:
        if request.form.get("action") != "enregistrer":
            proposal = propose(content_dir, trees_dir, edit, date.today(), old, index)
            errors = _proposal_errors(proposal)
            status = 400 if errors else 200
            return _form(ref, index, original, values, errors, proposal=proposal, report=report, status=status)
        outcome = _save(edit, editor)
    except PlaceFileError as error:
        return _form(ref, index, original, values, {"general": str(error)}, report=report, status=409)
    if isinstance(outcome, Conflict):
        theirs = _values_of(outcome.theirs) if outcome.theirs else None
        new_original = fingerprint(outcome.theirs) if outcome.theirs else ""
        conflict = {"theirs": theirs, "index": outcome.theirs_index}
        return _form(ref, outcome.theirs_index, new_original, values, {}, conflict=conflict, report=report, status=409)
    if isinstance(outcome, Proposal):
        return _form(ref, index, original, values, _proposal_errors(outcome), report=report, status=400)
    change = record_change(
        get_session(), editor, reason, ref.kind, ref.code, outcome.before, outcome.after, outcome.commit
    )
    if report is not None:
        resolve_report(get_session(), report.id, editor, "applique", f"modification n° {change.id}")
    _published(f"Contact « {data.get('nom')} » enregistré (modification n° {change.id}).")
    return redirect(url_for(".place", kind=ref.kind, code=ref.code), code=303)


def _save(edit: Edit, editor: str):
    """Write `edit` into its file as it is now (portal/territory_edits.py: save)."""
    config = current_app.config
    # The lock of the content files, beside what this instance writes (every worker of it takes the same one).
    lock_dir = Path(current_app.instance_path)
    return save(config["CONTENT_DIR"], config["TREES_DIR"], lock_dir, edit, editor, date.today())


def _published(done: str) -> None:
    """Build and serve the new content version now (this worker; the others within PORTAL_RELOAD_SECONDS), and say
    so."""
    if refresh(current_app._get_current_object()):
        flash(f"{done} La nouvelle version du contenu est publiée : « Qui contacter » la montre dès maintenant.")
    else:
        flash(
            f"{done} Le fichier est écrit, mais le contenu a d'autres erreurs : la version publiée reste l'ancienne "
            "jusqu'à leur correction (portal check)."
        )


@bp.get("/<kind>/<code>/retirer")
def retire_form(kind: str, code: str):
    """What retiring a contact changes in the file, and why (asked)."""
    ref = _ref_or_abort(kind, code)
    old, contacts = _read(ref)
    index = _index(request.args.get("n"), contacts)
    if index is None:
        abort(404)
    edit = Edit(ref, index, fingerprint(contacts[index]), None, "")
    diff = Proposal(old, edited_text(edit, old, index, date.today())).diff(ref.shown)  # the save checks it
    return _retire_page(ref, index, contacts[index], diff, {})


def _retire_page(ref, index, contact, diff, errors, conflict=False, status=200):
    return (
        render_template(
            "editors/contact_retire.html",
            editor=_editor()[0],
            ref=ref,
            label=ref.label(current_places()),
            index=index,
            contact=contact,
            original=fingerprint(contact),
            diff=diff,
            errors=errors,
            conflict=conflict,
        ),
        status,
    )


@bp.post("/<kind>/<code>/retirer")
def retire_submit(kind: str, code: str):
    """Retire the contact (it stays in the history, and can be put back)."""
    ref = _ref_or_abort(kind, code)
    contacts = _contacts(ref)
    index = _index(request.form.get("n"), contacts)
    reason = request.form.get("raison", "").strip()[:300]
    original = request.form.get("original", "")
    if index is None:
        abort(404)
    if not reason:
        error = {"raison": "Dites en une phrase pourquoi ce contact est retiré (fermé, remplacé…)."}
        return _retire_page(ref, index, contacts[index], None, error, status=400)
    editor = _editor()[0]
    outcome = _save(Edit(ref, index, original, None, reason), editor)
    if isinstance(outcome, Conflict | Proposal):
        return _retire_page(ref, index, contacts[index], None, {}, conflict=True, status=409)
    change = record_change(get_session(), editor, reason, ref.kind, ref.code, outcome.before, None, outcome.commit)
    _published(f"Contact « {outcome.before.get('nom')} » retiré (modification n° {change.id}).")
    return redirect(url_for(".place", kind=ref.kind, code=ref.code), code=303)


@bp.post("/historique/<int(max=2147483647):change_id>/annuler")
def undo(change_id: int):
    """Undo one change: the contact as it was before it (a new change, itself in the history)."""
    session = get_session()
    change = get_change(session, change_id)
    if change is None:
        abort(404)
    ref = _ref_or_abort(change.kind, change.code)
    contacts = _contacts(ref)
    after, before = change.after_data, change.before_data
    if after is None:
        edit = Edit(ref, None, "", before, "")
    else:
        wanted = fingerprint(after)
        index = next((n for n, c in enumerate(contacts) if fingerprint(c) == wanted), None)
        if index is None:
            flash(
                f"La modification n° {change.id} ne peut pas être annulée : le contact a changé depuis (ou a été "
                "retiré). Modifiez-le directement."
            )
            return redirect(url_for(".place", kind=ref.kind, code=ref.code), code=303)
        edit = Edit(ref, index, wanted, before, "")
    editor = _editor()[0]
    edit.reason = f"Annule la modification n° {change.id} ({change.reason})"
    outcome = _save(edit, editor)
    if isinstance(outcome, Conflict | Proposal):
        flash(f"La modification n° {change.id} ne peut pas être annulée : le fichier a changé depuis.")
        return redirect(url_for(".place", kind=ref.kind, code=ref.code), code=303)
    undo_row = record_change(
        session, editor, edit.reason, ref.kind, ref.code, outcome.before, outcome.after, outcome.commit, change.id
    )
    _published(f"Modification n° {change.id} annulée (modification n° {undo_row.id}).")
    return redirect(url_for(".place", kind=ref.kind, code=ref.code), code=303)


@bp.post("/signalements/<int(max=2147483647):report_id>/rejeter")
def reject(report_id: int):
    """Reject a report on a contact, with the reason (kept for the editors; the reporter's text is never published)."""
    session = get_session()
    report = session.get(Report, report_id)
    if report is None or report.place_kind is None:
        abort(404)
    ref = _ref_or_abort(report.place_kind, report.place_code)
    reason = request.form.get("raison", "").strip()[:300]
    if not reason:
        flash("Pour rejeter un signalement, dites pourquoi (la raison reste dans l'espace éditeurs).")
    else:
        resolve_report(session, report.id, _editor()[0], "rejete", reason)
        flash(f"Signalement n° {report.id} rejeté.")
    return redirect(url_for(".place", kind=ref.kind, code=ref.code), code=303)
