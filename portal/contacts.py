"""Who to call in a département: each acteur's ways to reach it there, local first, never an acteur without one.

The reach rule: a way to reach an acteur is a contact with a phone, an email, a contact form or a page that finds
the local office. A local or regional entry without any of these is not shown alone: it is named beside the
acteur's other means (regional, then national). An acteur with no means at all says what to do instead.
"""

from dataclasses import dataclass

from portal.catalog import Catalog
from portal.models import EDITORS_ONLY_FIELDS, Contact, Fiche
from portal.zones import applies_in

PORTEES = ("local", "regional", "national")
PORTEE_LABELS = {"local": "dans le département", "regional": "dans la région", "national": "national"}


@dataclass(frozen=True)
class Means:
    """One way to reach an acteur, and at which level it answers."""

    contact: Contact
    portee: str  # local, regional or national

    @property
    def rank(self) -> int:
        """How directly it answers: a local phone first, a national page that finds the office last."""
        return PORTEES.index(self.portee) * 2 + (0 if self.contact.telephone else 1)


@dataclass(frozen=True)
class ActeurContacts:
    """One acteur and what to show for it in a place."""

    acteur: Fiche
    means: tuple[Means, ...]  # reachable contacts, most direct first
    mentions: tuple[Contact, ...] = ()  # local or regional entries known by name only, completed by `means`
    instead: str | None = None  # no means at all: what to do instead (the acteur's `si_aucun_contact`)

    @property
    def contacts(self) -> tuple[Contact, ...]:
        return tuple(m.contact for m in self.means)

    @property
    def national(self) -> bool:
        """Only national means: the portal knows no entry in this place."""
        return all(m.portee == "national" for m in self.means)

    @property
    def rank(self) -> int:
        return self.means[0].rank if self.means else len(PORTEES) * 2


def contacts_for(catalog: Catalog, departement: str, region: str = "", pour: str | None = None) -> list[ActeurContacts]:
    """Who to call in `departement` (a code: « 56 », « 2A », « 974 ») of région `region`, grouped by acteur.

    Each acteur brings its reachable contacts of the département's territory file and of its région's file, most
    direct first, or, when there is none, its national means (`joindre`); entries without coordinates are named
    in `mentions`, beside the means that complete them.
    - `pour=None`: every acteur that exists there, the most directly reachable first.
    - `pour=<dispositif id>`: the acteurs the dispositif lists (in its order), then the acteurs of local or
      regional contacts whose `pour` names it; a contact whose `pour` names only other dispositifs is left out.
    - `pour=<acteur id>`: that acteur only.
    An acteur whose `zone` leaves out the place is left out; an unknown `pour` gives an empty list.
    """
    territoire, region_file = catalog.territoires.get(departement), catalog.regions.get(region)
    near = [("local", c) for c in (territoire.contacts if territoire else ())]
    near += [("regional", c) for c in (region_file.contacts if region_file else ())]
    target = catalog.fiches.get(pour) if pour else None
    if pour and target is None:
        return []
    if target is not None and target.type == "acteur":
        acteur_ids = [target.id]
    elif target is not None:
        acteur_ids = list(target.acteurs)
        near = [(p, c) for p, c in near if (c.acteur in acteur_ids and not c.pour) or target.id in c.pour]
        acteur_ids += [c.acteur for _, c in near if c.acteur not in acteur_ids]
    else:
        acteur_ids = [fiche.id for fiche in catalog.of_type("acteur")]

    groups = []
    for acteur_id in dict.fromkeys(acteur_ids):
        acteur = catalog.fiches.get(acteur_id)
        if acteur is None or acteur.type != "acteur" or not applies_in(acteur, departement, region):
            continue
        mine = [(portee, c) for portee, c in near if c.acteur == acteur_id]
        means = [Means(c, portee) for portee, c in mine if c.reachable]
        if not means:  # the national means complete a place that has none of its own
            means = [Means(c, "national") for c in acteur.joindre]
        means.sort(key=lambda m: m.rank)  # stable: the editor's order within a rank
        mentions = tuple(c for _, c in mine if not c.reachable)
        if means or acteur.si_aucun_contact:
            groups.append(ActeurContacts(acteur, tuple(means), mentions, None if means else acteur.si_aucun_contact))
    if target is None:
        groups.sort(key=lambda group: group.rank)  # stable: alphabetical within a rank
    return groups


def national_group(acteur: Fiche) -> ActeurContacts:
    """An acteur's national means alone (no place known), most direct first, or what to do instead."""
    means = tuple(sorted((Means(c, "national") for c in acteur.joindre), key=lambda m: m.rank))
    return ActeurContacts(acteur, means, (), None if means else acteur.si_aucun_contact)


def means_json(group: ActeurContacts, means: Means) -> dict:
    """One way to reach an acteur, as the contacts and orientation APIs give it."""
    data = means.contact.model_dump(mode="json", exclude_none=True, exclude=set(EDITORS_ONLY_FIELDS))
    national = means.portee == "national"
    return {
        "acteur": group.acteur.id,
        "acteur_titre": group.acteur.titre,
        "portee": means.portee,
        "national": national,
        **data,
    }


def mention_json(group: ActeurContacts, contact) -> dict:
    """A service known in the place by name (and maybe its site) only: never shown without the acteur's means."""
    data = {"acteur": group.acteur.id, "nom": contact.nom, "note": contact.note, "statut": contact.statut}
    return data | ({"site": contact.site} if contact.site else {})
