"""Who to call in a département: the local contacts of each acteur there, else its national entry point."""

from dataclasses import dataclass

from portal.catalog import Catalog
from portal.models import Contact, Fiche


@dataclass(frozen=True)
class ActeurContacts:
    """One acteur and the contacts to show for it."""

    acteur: Fiche
    contacts: tuple[Contact, ...]  # local contacts (LocalContact), or the one national entry point
    national: bool  # True: no local contact in this département, `contacts` is the acteur's contact_national


def contacts_for(catalog: Catalog, departement: str, pour: str | None = None) -> list[ActeurContacts]:
    """Who to call in `departement` (a code: « 56 », « 2A », « 974 »), grouped by acteur.

    Each acteur brings its contacts listed in that département's territory file; an acteur with none there
    brings its national entry point (`contact_national`, `national=True`); an acteur with neither is left out.
    - `pour=None`: every acteur; those with local contacts first, then the national entry points.
    - `pour=<dispositif id>`: the acteurs the dispositif lists (in its order), then the acteurs of local
      contacts whose `pour` names it; a local contact whose `pour` names only other dispositifs is left out.
    - `pour=<acteur id>`: that acteur only.
    An unknown département gives national entry points only; an unknown `pour` gives an empty list.
    """
    territoire = catalog.territoires.get(departement)
    local = list(territoire.contacts) if territoire else []
    target = catalog.fiches.get(pour) if pour else None
    if pour and target is None:
        return []
    if target is not None and target.type == "acteur":
        acteur_ids = [target.id]
    elif target is not None:
        acteur_ids = list(target.acteurs)
        local = [c for c in local if (c.acteur in acteur_ids and not c.pour) or target.id in c.pour]
        acteur_ids += [c.acteur for c in local if c.acteur not in acteur_ids]
    else:
        acteur_ids = [fiche.id for fiche in catalog.of_type("acteur")]

    groups = []
    for acteur_id in acteur_ids:
        acteur = catalog.fiches.get(acteur_id)
        if acteur is None or acteur.type != "acteur":
            continue
        mine = tuple(c for c in local if c.acteur == acteur_id)
        if mine:
            groups.append(ActeurContacts(acteur, mine, national=False))
        elif acteur.contact_national:
            groups.append(ActeurContacts(acteur, (acteur.contact_national,), national=True))
    if target is None:
        groups.sort(key=lambda group: group.national)  # stable: alphabetical within each kind
    return groups
