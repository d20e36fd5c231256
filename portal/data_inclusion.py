"""The directory in the data·inclusion schema (v1), so that DORA and the other services of the inclusion ecosystem
can reuse it: each reachable contact of an acteur is a structure, each dispositif a service of the structures that
deliver it. Only facts the content states; a value the schema refuses is left out, never made up."""

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from data_inclusion.schema import v1
from pydantic import BaseModel, ValidationError

from portal.catalog import Catalog, ContactEntry
from portal.models import PUBLICS, RQTH_LABELS, Contact, Fiche, Zone
from portal.text import fold

SOURCE = "portail-pdp"
FRANCE = ("france",)  # the schema's code for « everywhere in France »
log = logging.getLogger(__name__)

# The schema's network of an acteur, only where the acteur is that network (the Carsat, the SPST, Transitions Pro,
# the PRITH… have no value in the list and get none).
RESEAUX = {
    acteur: v1.ReseauPorteur(value)
    for acteur, value in {
        "agefiph": "agefiph",
        "cap-emploi": "cap-emploi-reseau-cheops",
        "cpam": "cpam",
        "france-travail": "france-travail",
        "mdph": "mdph",
    }.items()
}
# Every dispositif of the portal prevents a worker from losing their job for health reasons: the schema's
# « Maintien dans l'emploi ». A few also fit another thématique exactly.
MAINTIEN = v1.Thematique("trouver-un-emploi--maintien-dans-lemploi")
THEMATIQUES = {
    dispositif: {v1.Thematique(value) for value in values}
    for dispositif, values in {
        "bilan-competences": ["choisir-un-metier--identifier-ses-points-forts-et-ses-competences"],
        "pmsmp": [
            "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
            "choisir-un-metier--confirmer-son-choix-de-metier",
        ],
        "projet-transition-professionnelle": ["se-former--monter-son-dossier-de-formation"],
        "rqth": ["sante--constituer-un-dossier-mdph-invalidite"],
    }.items()
}
# The fiche's publics as the schema's; an employer is not a public the schema knows.
ACTIFS = v1.Public("actifs")
PUBLICS_SCHEMA = {
    "salarie": ACTIFS,
    "independant": ACTIFS,
    "interimaire": ACTIFS,
    "agent-public": ACTIFS,
    "demandeur-emploi": v1.Public("demandeurs-emploi"),
}
HANDICAP = v1.Public("personnes-en-situation-de-handicap")
MOBILISER = {
    "medecin_du_travail": "Médecin du travail",
    "medecin_traitant": "Médecin traitant",
    "salarie": "Salarié",
    "employeur": "Employeur",
}
# « 1D boulevard de Champagne, CS 34548, 21000 Dijon Cedex »: street, complements, then code postal and commune.
_POSTAL_LINE = re.compile(r"^(\d{5}) ([^\d,][^,]*?)(?: cedex(?: \d+)?)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Structure:
    """A published structure: one reachable contact of an acteur, and where it answers."""

    id: str
    entry: ContactEntry
    zone: tuple[str, ...]  # département codes, or FRANCE


@dataclass(frozen=True)
class Directory:
    """Both lists, as JSON-ready dicts valid against the schema's v1 models."""

    structures: list[dict]
    services: list[dict]


def publish(
    catalog: Catalog, fiche_url: Callable[[str], str], departements_of: Callable[[str], Sequence[str]]
) -> Directory:
    """The structures and services of `catalog`; `fiche_url` gives a fiche's absolute address, `departements_of`
    the département codes of a région (the schema names places by département)."""
    published = []  # (structure, its item): a structure the schema refuses has no services either
    for structure in _structures(catalog, departements_of):
        item = _structure_item(catalog, structure, fiche_url)
        if item:
            published.append((structure, item))
    # Who delivers what: a contact whose `pour` names dispositifs delivers those, any other one what its acteur does.
    by_acteur, by_pour = {}, {}
    for index, (structure, _item) in enumerate(published):
        pour = getattr(structure.entry.contact, "pour", ())  # only a local or regional contact has `pour`
        if pour:
            for dispositif_id in pour:
                by_pour.setdefault(dispositif_id, []).append(index)
        else:
            by_acteur.setdefault(structure.entry.acteur, []).append(index)
    services = []
    for dispositif in catalog.of_type("dispositif"):
        zone = _zone(dispositif.zone, departements_of)
        delivering = {*by_pour.get(dispositif.id, ()), *(i for a in dispositif.acteurs for i in by_acteur.get(a, ()))}
        for index in sorted(delivering):  # in the order of the structures
            structure, item = published[index]
            where = _within(zone, structure.zone)
            if where:
                services.append(_service_item(dispositif, structure, item, where, fiche_url))
    return Directory([item for _, item in published], [service for service in services if service])


def _structures(catalog: Catalog, departements_of) -> list[Structure]:
    """Every contact that can be reached (phone, email, form or a page that finds the office): a name alone is
    not published, as the portal's own pages never show one alone."""
    found, seen = [], set()
    for entry in catalog.contact_entries:
        acteur = catalog.fiches.get(entry.acteur)
        if acteur is None or not entry.contact.reachable:
            continue
        if entry.portee == "national":
            place, zone = "national", _zone(acteur.zone, departements_of)
        elif entry.portee == "regional":
            place, zone = f"r{entry.code}", tuple(departements_of(entry.code))
        else:
            place, zone = entry.code.lower(), (entry.code,)
        base = f"pdp-{entry.acteur}-{place}-{_slug(entry.contact.nom)}"
        structure_id, n = base, 1
        while structure_id in seen:  # two contacts of one name in one place: numbered in the editor's order
            n += 1
            structure_id = f"{base}-{n}"
        seen.add(structure_id)
        found.append(Structure(structure_id, entry, zone))
    return found


def _structure_item(catalog: Catalog, structure: Structure, fiche_url) -> dict | None:
    contact, acteur = structure.entry.contact, catalog.fiches[structure.entry.acteur]
    description = [acteur.resume]
    if contact.note:
        description.append(contact.note)
    if contact.horaires:
        description.append(f"Horaires : {contact.horaires}.")  # free text: not the OpenStreetMap format asked
    if contact.statut == "a-verifier":
        description.append("Coordonnées à vérifier.")
    reseau = RESEAUX.get(acteur.id)
    return _valid(
        v1.Structure,
        {
            "source": SOURCE,
            "id": structure.id,
            "nom": _name(contact.nom, acteur),
            "date_maj": _not_future(contact.source.vu_le),
            "description": _cut("\n\n".join(description), 10_000),
            "lien_source": fiche_url(acteur.id),
            "telephone": contact.telephone,
            "courriel": contact.email,
            "site_web": contact.site or contact.annuaire or contact.formulaire,
            "reseaux_porteurs": {reseau} if reseau else None,
            **_address(contact),
        },
    )


def _service_item(dispositif: Fiche, structure: Structure, published: dict, zone, fiche_url) -> dict | None:
    """The dispositif as a service of `structure` (`published`: its item), mobilised by its phone, email or form."""
    contact = structure.entry.contact
    modes = {
        mode
        for mode, present in (
            ("telephoner", published["telephone"]),
            ("envoyer-un-courriel", published["courriel"]),
            ("utiliser-lien-mobilisation", contact.formulaire),
        )
        if present
    }
    # The texts chosen by an orientation walk's answers (`salarie_selon`) are not general precisions.
    mobiliser = (
        dispositif.mobiliser.model_dump(exclude_none=True, exclude={"salarie_selon"}) if dispositif.mobiliser else {}
    )
    par = {"usagers"} if "salarie" in mobiliser else set()
    if "medecin_du_travail" in mobiliser or "medecin_traitant" in mobiliser:
        par.add("professionnels")
    precisions = "\n\n".join(f"{MOBILISER[who]} : {text}" for who, text in mobiliser.items())
    item = _valid(
        v1.Service,
        {
            "source": SOURCE,
            "structure_id": structure.id,
            "id": f"{structure.id}--{dispositif.id}",
            "nom": _name(_title(dispositif), dispositif),
            "description": _cut(dispositif.description, 10_000),
            "lien_source": fiche_url(dispositif.id),
            "date_maj": _not_future(dispositif.mis_a_jour),
            "thematiques": {MAINTIEN, *THEMATIQUES.get(dispositif.id, ())},
            **_publics(dispositif),
            "conditions_acces": "\n".join(dispositif.conditions) or None,
            "zone_eligibilite": list(zone),
            "lien_mobilisation": contact.formulaire,
            "modes_mobilisation": modes or None,
            "mobilisable_par": par or None,
            "mobilisation_precisions": precisions or None,
        },
    )
    if item and item["lien_mobilisation"] is None and item["modes_mobilisation"]:  # a form the schema refused
        modes = [mode for mode in item["modes_mobilisation"] if mode != "utiliser-lien-mobilisation"]
        item["modes_mobilisation"] = modes or None
    return item


def _publics(dispositif: Fiche) -> dict:
    """A RQTH required: only people with a disability (the schema reads its publics as « any of »)."""
    if dispositif.rqth == "requise":
        publics = {HANDICAP}
    else:
        publics = {PUBLICS_SCHEMA[p] for p in dispositif.publics if p in PUBLICS_SCHEMA}
    said = ", ".join(PUBLICS[p] for p in dispositif.publics)
    precisions = [f"Pour : {said}." if said else "", f"{RQTH_LABELS[dispositif.rqth]}." if dispositif.rqth else ""]
    return {"publics": publics or None, "publics_precisions": " ".join(p for p in precisions if p) or None}


def _valid(model: type[BaseModel], data: dict) -> dict | None:
    """`data` checked by the schema's model, as JSON; an optional value it refuses is dropped (and logged), an
    item whose required values it refuses is left out (and logged)."""
    for _attempt in range(2):
        try:
            item = model.model_validate(data).model_dump(mode="json")
        except ValidationError as error:
            refused = {e["loc"][0] for e in error.errors() if e["loc"]}
            required = {name for name, field in model.model_fields.items() if field.is_required()}
            log.warning("data·inclusion : %s %s, valeurs refusées : %s", model.__name__, data.get("id"), refused)
            if refused & required or not refused:
                return None
            data = {key: value for key, value in data.items() if key not in refused}
            continue
        # Sets come out in hash order: sorted, the same answer from every worker.
        return {key: sorted(value) if isinstance(value, list) else value for key, value in item.items()}
    return None


def _zone(zone: Zone | None, departements_of) -> tuple[str, ...]:
    if zone is None:
        return FRANCE
    codes = set(zone.departements)
    for region in zone.regions:
        codes.update(departements_of(region))
    return tuple(sorted(codes))


def _within(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    """Where both apply: a regional dispositif is offered by a local structure only inside its zone."""
    if a == FRANCE:
        return b
    if b == FRANCE:
        return a
    return tuple(code for code in a if code in b)


def _address(contact: Contact) -> dict:
    """Street, complements, code postal and commune, when the address ends with « 21000 Dijon »; else nothing:
    an address is never guessed."""
    parts = [part.strip() for part in (contact.adresse or "").split(",")]
    match = _POSTAL_LINE.match(parts[-1]) if len(parts) >= 2 else None
    if not match or not parts[0]:
        return {}
    complement = ", ".join(parts[1:-1])
    return {
        "adresse": parts[0],
        "complement_adresse": complement or None,
        "code_postal": match.group(1),
        "commune": match.group(2).strip(),
    }


def _title(fiche: Fiche) -> str:
    return f"{fiche.titre} ({fiche.sigle})" if fiche.sigle and fiche.sigle not in fiche.titre else fiche.titre


def _name(name: str, fiche: Fiche) -> str:
    """Between 3 and 150 characters, no final full stop, as the schema asks."""
    name = name.strip().rstrip(".")
    if len(name) < 3:
        name = f"{fiche.titre} : {name}"
    return _cut(name, 150)


def _cut(text: str, limit: int) -> str:
    """`text`, or its start cut at a word with « … » when longer than `limit` characters."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _not_future(day: date) -> date:
    """The schema refuses a date after today: a date typed ahead becomes today, the latest true bound."""
    return min(day, date.today())


def _slug(text: str) -> str:
    """« Service social de la Carsat — Côte-d'Or » -> « service-social-de-la-carsat-cote-d-or » (60 at most)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0]
    return slug or "contact"
