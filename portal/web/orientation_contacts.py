"""« Qui contacter » inside an orientation result: the place resolved, then the local contacts of each fiche."""

from dataclasses import dataclass, field

from portal.catalog import Catalog
from portal.models import Fiche


@dataclass
class LocalContacts:
    """The contacts for the fiches of one result, in one place (or why there are none, or which place to pick)."""

    lieu: str  # what was typed
    place: str | None = None  # the place understood, e.g. « Vannes (Morbihan) »
    departement: str | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)  # homonyms: (label, value for `lieu`)
    message: str | None = None  # a French sentence when no département could be found
    groups: list[tuple[Fiche, list]] = field(default_factory=list)  # each fiche with its contacts there

    def place_json(self) -> dict:
        return {
            "saisi": self.lieu,
            "lieu": self.place,
            "departement": self.departement,
            "choix": [{"libelle": label, "lieu": value} for label, value in self.choices],
            "message": self.message,
        }

    def as_json(self) -> list[dict]:
        return [{"fiche": fiche.id, "contacts": [contact_json(c) for c in contacts]} for fiche, contacts in self.groups]


def contact_json(contact) -> dict:
    data = contact.model_dump(mode="json", exclude_none=True) if hasattr(contact, "model_dump") else dict(contact)
    return data


def local_contacts(catalog: Catalog, lieu: str, fiches: list[Fiche]) -> LocalContacts:
    """Resolve `lieu` to a département (offering homonyms) and list who to call there for each fiche."""
    return LocalContacts(lieu=lieu, message="La recherche des contacts par lieu n'est pas encore disponible.")
