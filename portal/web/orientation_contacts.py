"""« Qui contacter » inside an orientation result: the place resolved, then who to call there for its fiches."""

from dataclasses import dataclass, field

from portal.catalog import Catalog
from portal.contacts import contacts_for
from portal.models import Fiche
from portal.places import resolve_place


@dataclass
class ActeurToCall:
    """One acteur to call in the place, the fiches of the result it is for, and its contacts there."""

    acteur: Fiche
    contacts: tuple
    national: bool  # no local contact known: the contacts are the acteur's national entry point
    pour: list[Fiche] = field(default_factory=list)


@dataclass
class LocalContacts:
    """Who to call for the fiches of one result in one place, or the places to choose from, or why not."""

    lieu: str  # what was typed
    place: str | None = None  # what was understood, e.g. « Vannes (56), Morbihan »
    departement: str | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)  # homonyms or near names: (label, `lieu` value)
    message: str | None = None
    suggested: bool = False  # the choices are near names of an unknown place, not homonyms
    acteurs: list[ActeurToCall] = field(default_factory=list)
    without: list[Fiche] = field(default_factory=list)  # fiches with no acteur to call

    def place_json(self) -> dict:
        return {
            "saisi": self.lieu,
            "lieu": self.place,
            "departement": self.departement,
            "choix": [{"libelle": label, "lieu": value} for label, value in self.choices],
            "message": self.message,
        }

    def as_json(self) -> list[dict]:
        return [
            {
                "acteur": item.acteur.id,
                "titre": item.acteur.titre,
                "pour": [fiche.id for fiche in item.pour],
                "national": item.national,
                "contacts": [contact.model_dump(mode="json", exclude_none=True) for contact in item.contacts],
            }
            for item in self.acteurs
        ]


def local_contacts(catalog: Catalog, lieu: str, fiches: list[Fiche]) -> LocalContacts:
    """Resolve `lieu` (homonyms are offered, never picked) and list each acteur to call there, once, with the
    fiches of the result it is for, in the order of the result."""
    resolution = resolve_place(lieu)
    found = LocalContacts(lieu=lieu, message=resolution.message)
    if resolution.departement is None:
        found.choices = [(c.label, c.lieu) for c in resolution.candidats or resolution.suggestions]
        found.suggested = not resolution.candidats
        return found
    departement = resolution.departement
    found.departement = departement.code
    found.place = (
        f"{resolution.place}, {departement.nom} ({departement.code})"
        if resolution.place
        else (f"{departement.nom} ({departement.code})")
    )
    by_acteur: dict[str, ActeurToCall] = {}
    for fiche in fiches:
        groups = contacts_for(catalog, departement.code, pour=fiche.id)
        if not groups:
            found.without.append(fiche)
        for group in groups:
            item = by_acteur.setdefault(
                group.acteur.id, ActeurToCall(group.acteur, tuple(group.contacts), group.national)
            )
            if fiche.id != group.acteur.id:
                item.pour.append(fiche)
    found.acteurs = list(by_acteur.values())
    return found
