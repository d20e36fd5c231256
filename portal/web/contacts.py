"""« Qui contacter ? »: /contacts?lieu=…&pour=… and /api/contacts, a place resolved then who to call there."""

from dataclasses import dataclass, field

from flask import Blueprint, jsonify, render_template, request, url_for

from portal.contacts import ActeurContacts, means_json, mention_json
from portal.counts import count_demand
from portal.places import Candidate, Resolution
from portal.serving import contacts_in, current_catalog, resolve_place
from portal.web import wants_fragment

bp = Blueprint("contacts", __name__)


@dataclass
class ContactsAnswer:
    """What a « qui contacter » request asked and what it found."""

    lieu: str
    pour: str | None
    resolution: Resolution | None = None
    groups: list[ActeurContacts] = field(default_factory=list)  # acteurs with a way to reach them, then the rest
    notices: list[str] = field(default_factory=list)

    @property
    def reachable(self) -> list[ActeurContacts]:
        return [group for group in self.groups if group.means]

    @property
    def without_contact(self) -> list[ActeurContacts]:
        """Acteurs concerned that the portal cannot reach here: each says what to do instead."""
        return [group for group in self.groups if not group.means]

    @property
    def local_count(self) -> int:
        return sum(1 for group in self.reachable if not group.national)


def answer_request() -> ContactsAnswer:
    """Read `lieu` and `pour` from the query string, resolve the place, select the contacts."""
    catalog = current_catalog()
    lieu = request.args.get("lieu", "").strip()
    pour = request.args.get("pour", "").strip() or None
    answer = ContactsAnswer(lieu=lieu, pour=pour)
    if pour and pour not in catalog.fiches:
        answer.notices.append("La fiche demandée n'existe pas : voici tous les contacts.")
        answer.pour = None
    if lieu:
        answer.resolution = resolve_place(lieu)
        departement = answer.resolution.departement
        if departement:
            answer.groups = contacts_in(departement, answer.pour)
    return answer


@bp.get("/contacts")
def contacts_page():
    """The contacts of the département of a commune, code postal or département, grouped by acteur."""
    answer = answer_request()
    if answer.groups:
        count_demand(answer.resolution.departement.code, [group.acteur.id for group in answer.groups])
    catalog = current_catalog()
    dispositifs = catalog.of_type("dispositif")
    template = "contacts/results.html" if wants_fragment() else "contacts/page.html"
    return render_template(template, answer=answer, dispositifs=dispositifs, pour_fiche=catalog.fiches.get(answer.pour))


def _departement_json(resolution: Resolution) -> dict:
    departement = resolution.departement
    return {"code": departement.code, "nom": departement.nom}


def _candidate_json(candidate: Candidate) -> dict:
    return {
        "commune": candidate.commune,
        "departement": {"code": candidate.departement.code, "nom": candidate.departement.nom},
        "lieu": candidate.lieu,
    }


@bp.get("/api/contacts")
def contacts_api():
    """The same answer as JSON: the département and its contacts, or the candidates to choose from."""
    answer = answer_request()
    resolution = answer.resolution
    body: dict = {"lieu": answer.lieu, "pour": answer.pour, "avertissements": answer.notices}
    if resolution is None:
        body["message"] = "Indiquez une commune, un code postal ou un département avec le paramètre lieu."
        return jsonify(body), 400
    body["message"] = resolution.message
    if resolution.departement is None:
        body["candidats"] = [_candidate_json(c) for c in resolution.candidats]
        body["suggestions"] = [_candidate_json(c) for c in resolution.suggestions]
        return jsonify(body), (200 if resolution.candidats else 404)
    body["departement"] = _departement_json(resolution)
    body["lieu_reconnu"] = resolution.place
    body["url"] = url_for("contacts.contacts_page", lieu=resolution.departement.code, pour=answer.pour, _external=True)
    body["contacts"] = [means_json(group, means) for group in answer.groups for means in group.means]
    body["mentions_locales"] = [mention_json(group, contact) for group in answer.groups for contact in group.mentions]
    body["sans_contact"] = [
        {
            "acteur": group.acteur.id,
            "titre": group.acteur.titre,
            "que_faire": group.instead,
            "url": url_for("directory.fiche_detail", fiche_id=group.acteur.id, _external=True),
        }
        for group in answer.without_contact
    ]
    return jsonify(body)
