"""The handout for the salarié: what the médecin proposes now, in words written to the person, and whom to call."""

from dataclasses import dataclass
from datetime import date

from portal.models import Contact, Fiche
from portal.serving import current_catalog
from portal.walk import Walk
from portal.web.orientation_contacts import add_contacts, national_acteurs, result_fiches


@dataclass(frozen=True)
class Caller:
    """Whom to call: an acteur, its most direct means there, and the steps it is for (none when it is a step)."""

    acteur: Fiche
    contact: Contact
    pour: list[Fiche]


@dataclass(frozen=True)
class Step:
    """A step the salarié takes now: the fiche of a « maintenant » line and its text written to the salarié."""

    fiche: Fiche
    text: str  # the fiche's `mobiliser.salarie`


def handout_context(walk: Walk, place: str) -> dict:
    """What the handout shows: the steps to take now, the steps that may follow, whom to call (in the place when
    it is known, else how to find them), the documents to bring. Only the fiches' texts to the salarié are used:
    no reason written to the médecin, no editors' note, no patient data."""
    catalog = current_catalog()
    found, lines = result_fiches(catalog, walk, place)
    here = found if found and found.departement else None
    steps = [
        Step(fiche, fiche.mobiliser.salarie)
        for fiche, line in lines
        if line.quand == "maintenant" and fiche.mobiliser and fiche.mobiliser.salarie
    ]
    later = [fiche for fiche, line in lines if line.quand == "ensuite"]
    fiches = [step.fiche for step in steps]
    acteurs = add_contacts(here, catalog, fiches).acteurs if here else national_acteurs(catalog, fiches)
    # Only those the portal can reach: the steps' texts say how to find the others (the employer's SPST…).
    callers = [
        Caller(item.acteur, item.group.means[0].contact, [] if item.acteur in fiches else item.pour)
        for item in acteurs
        if item.group.means
    ]
    bring: list[str] = []
    for fiche in fiches:
        bring += [item for item in fiche.apporter if item not in bring]
    return {
        "steps": steps,
        "later": later,
        "callers": callers,
        "place": here.place if here else None,
        "bring": bring,
        "today": date.today(),
    }
