"""The handout for the salarié: what the médecin proposes now, in words written to the person, and whom to call.

Every acteur the sheet names comes with a way to reach it or a line to write its number by hand and whom to ask
for it; the médecin who hands the sheet over is never someone to find.
"""

import re
from dataclasses import dataclass
from datetime import date

from portal.catalog import Catalog
from portal.contacts import ActeurContacts, contacts_for, national_group
from portal.models import Contact, Fiche
from portal.serving import current_catalog, current_version
from portal.walk import Walk
from portal.web.orientation_contacts import LocalContacts, add_contacts, national_acteurs, result_fiches

# By tree: the médecin who hands the sheet over and the service he works in. The worker does not look for them:
# the médecin du travail writes his service's number on the line « Votre médecin du travail ».
OWN_SERVICE = {
    "medecin-du-travail": ("medecin-du-travail", "spst", "cellule-pdp-spst"),
    "medecin-traitant": ("medecin-traitant",),
}
# The worker's own doctor: he knows how to reach him, never someone to find (nor a line to fill).
KNOWN_TO_WORKER = ("medecin-traitant",)


@dataclass(frozen=True)
class Caller:
    """Whom to call: an acteur, its ways to reach it there (or whom to ask), and the steps it is for."""

    group: ActeurContacts
    pour: list[Fiche]  # none when it is a step itself, or only named

    @property
    def acteur(self) -> Fiche:
        return self.group.acteur

    @property
    def contact(self) -> Contact | None:
        """Its most direct means; None: the sheet leaves a line to write the number, and says whom to ask."""
        return self.group.means[0].contact if self.group.means else None

    @property
    def sites(self) -> list[Contact]:
        """Its entries in the place known by name and site only (a Transitions Pro's site): where to look."""
        return [contact for contact in self.group.mentions if contact.site]


@dataclass(frozen=True)
class Step:
    """A step the salarié takes now: the fiche of a « maintenant » line and its text written to the salarié."""

    fiche: Fiche
    text: str  # the fiche's `mobiliser.salarie`, or the `salarie_selon` text the walk's answers choose


_ADDRESSES = re.compile(r"\S+@\S+|\S*://\S+")


@dataclass(frozen=True)
class ActeurNames:
    """Every acteur's title, acronym and other names, as one pattern: built once per content version."""

    ids: dict[str, str]  # name, casefolded -> acteur id
    pattern: re.Pattern

    @classmethod
    def of(cls, catalog: Catalog) -> "ActeurNames":
        ids = {
            name.casefold(): fiche.id
            for fiche in catalog.of_type("acteur")
            for name in (fiche.titre, fiche.sigle, *fiche.alias)
            if name
        }
        # The longest name first: « service social de la Carsat » is not the Carsat.
        names = "|".join(re.escape(name) for name in sorted(ids, key=len, reverse=True))
        return cls(ids, re.compile(rf"(?<!\w)(?:{names})(?!\w)", re.I))

    def in_text(self, text: str) -> list[str]:
        """The ids of the acteurs `text` names (whole words, any case), in order. Addresses are not names."""
        found = (self.ids[match.group().casefold()] for match in self.pattern.finditer(_ADDRESSES.sub(" ", text)))
        return list(dict.fromkeys(found))


def acteur_names() -> ActeurNames:
    return current_version().derived("noms-des-acteurs", lambda: ActeurNames.of(current_catalog()))


def _group(catalog: Catalog, here: LocalContacts | None, acteur_id: str) -> ActeurContacts | None:
    """An acteur's ways to reach it in the place (None where it does not exist), or nationally."""
    if here is None:
        return national_group(catalog.fiches[acteur_id])
    code, region = here.departement.code, here.departement.region
    return next(iter(contacts_for(catalog, code, region, pour=acteur_id)), None)


def _callers(
    catalog: Catalog, tree_id: str, here: LocalContacts | None, steps: list[Step], texts: list[str]
) -> list[Caller]:
    """The acteurs of the steps that have a way to reach them or that the sheet names, then the others the sheet
    names (in the texts, then in whom to ask, in turn), each once; never the médecin's own service nor the
    worker's own doctor."""
    fiches = [step.fiche for step in steps]
    acteurs = add_contacts(here, catalog, fiches).acteurs if here else national_acteurs(catalog, fiches)
    names = acteur_names()
    named = [acteur_id for text in texts for acteur_id in names.in_text(text)]
    skip = set(OWN_SERVICE.get(tree_id, ())) | set(KNOWN_TO_WORKER)
    # An acteur of a step without any means that the sheet does not name (the FIPHFP of an aménagement) would
    # only be a blank line to fill for nothing.
    callers = {
        item.acteur.id: Caller(item.group, [] if item.acteur in fiches else item.pour)
        for item in acteurs
        if item.acteur.id not in skip and (item.group.means or item.acteur in fiches or item.acteur.id in named)
    }
    pending = named + [acteur_id for c in callers.values() for acteur_id in names.in_text(c.group.instead or "")]
    while pending:
        acteur_id = pending.pop(0)
        if acteur_id in callers or acteur_id in skip:
            continue
        group = _group(catalog, here, acteur_id)
        if group is None:  # it does not exist in the place
            skip.add(acteur_id)
            continue
        callers[acteur_id] = Caller(group, [])
        pending += names.in_text(group.instead or "")
    return list(callers.values())


def handout_context(walk: Walk, place: str) -> dict:
    """What the handout shows: the steps to take now, the steps that may follow, whom to call (in the place when
    it is known, else nationally; a line to write the number when no way is known), the documents to bring. Only
    the fiches' texts to the salarié are used: no reason written to the médecin, no editors' note, no patient
    data."""
    catalog = current_catalog()
    found, lines = result_fiches(catalog, walk, place)
    here = found if found and found.departement else None
    answers = walk.by_question
    # The text that the walk's answers choose (`salarie_selon`): never an obligation that they rule out.
    steps = [
        Step(fiche, text)
        for fiche, line in lines
        if line.quand == "maintenant" and fiche.mobiliser and (text := fiche.mobiliser.salarie_for(answers))
    ]
    later = [fiche for fiche, line in lines if line.quand == "ensuite"]
    bring: list[str] = []
    for step in steps:
        bring += [item for item in step.fiche.apporter if item not in bring]
    texts = (
        [step.text for step in steps] + [" ".join(filter(None, (fiche.titre, fiche.sigle))) for fiche in later] + bring
    )
    own = [acteur_id for acteur_id in OWN_SERVICE.get(walk.tree.id, ()) if acteur_id not in KNOWN_TO_WORKER]
    return {
        "steps": steps,
        "later": later,
        "callers": _callers(catalog, walk.tree.id, here, steps, texts),
        "own_line": bool(own),  # « Votre médecin du travail : ____ »: the worker needs his service's number
        "place": here.place if here else None,
        "bring": bring,
        "today": date.today(),
    }
