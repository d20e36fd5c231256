"""« Qui contacter » inside an orientation result: the place resolved, then who to call there for its fiches."""

from dataclasses import dataclass, field
from functools import lru_cache, partial

from portal.catalog import Catalog
from portal.contacts import ActeurContacts, means_json, mention_json, national_group
from portal.letters import Letter, letters_for
from portal.models import QUAND, Fiche, Ligne
from portal.places import Departement
from portal.serving import contacts_in, current_catalog, current_version, resolve_place
from portal.walk import Walk, result_lines, visit_order
from portal.zones import applies_in


@dataclass
class ActeurToCall:
    """One acteur to call in the place, the fiches of the result it is for, and its ways to reach it there."""

    group: ActeurContacts
    pour: list[Fiche] = field(default_factory=list)

    @property
    def acteur(self) -> Fiche:
        return self.group.acteur


@dataclass
class LocalContacts:
    """Who to call for the fiches of one result in one place, or the places to choose from, or why not."""

    lieu: str  # what was typed
    place: str | None = None  # what was understood, e.g. « Vannes (56), Morbihan »
    departement: Departement | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)  # homonyms or near names: (label, `lieu` value)
    message: str | None = None
    suggested: bool = False  # the choices are near names of an unknown place, not homonyms
    acteurs: list[ActeurToCall] = field(default_factory=list)
    without: list[Fiche] = field(default_factory=list)  # fiches with no acteur to call

    def place_json(self) -> dict:
        return {
            "saisi": self.lieu,
            "lieu": self.place,
            "departement": self.departement.code if self.departement else None,
            "choix": [{"libelle": label, "lieu": value} for label, value in self.choices],
            "message": self.message,
        }

    @property
    def reachable(self) -> list[ActeurToCall]:
        return [item for item in self.acteurs if item.group.means]

    @property
    def unreachable(self) -> list[ActeurToCall]:
        """Acteurs the portal cannot reach here: each with what to do instead."""
        return [item for item in self.acteurs if not item.group.means]

    def applies(self, fiche: Fiche) -> bool:
        """Whether `fiche` exists in the place (always, while the place is not known)."""
        return self.departement is None or applies_in(fiche, self.departement.code, self.departement.region)

    def as_json(self) -> list[dict]:
        return [
            {
                "acteur": item.acteur.id,
                "titre": item.acteur.titre,
                "pour": [fiche.id for fiche in item.pour],
                "national": item.group.national,
                "contacts": [means_json(item.group, means) for means in item.group.means],
                "mentions_locales": [mention_json(item.group, contact) for contact in item.group.mentions],
                "que_faire": item.group.instead,
            }
            for item in self.acteurs
        ]


def resolve_lieu(lieu: str) -> LocalContacts:
    """Resolve `lieu`: the département, or the homonyms or near names to choose from (never picked)."""
    resolution = resolve_place(lieu)
    found = LocalContacts(lieu=lieu, message=resolution.message)
    if resolution.departement is None:
        found.choices = [(c.label, c.lieu) for c in resolution.candidats or resolution.suggestions]
        found.suggested = not resolution.candidats
        return found
    departement = found.departement = resolution.departement
    found.place = (
        f"{resolution.place}, {departement.nom} ({departement.code})"
        if resolution.place
        else (f"{departement.nom} ({departement.code})")
    )
    return found


def add_contacts(found: LocalContacts, catalog: Catalog, fiches: list[Fiche]) -> LocalContacts:
    """List each acteur to call in the resolved place, once, with the fiches of the result it is for, in the
    order of the result."""
    if found.departement is None:
        return found
    groups = {fiche.id: contacts_in(found.departement, pour=fiche.id) for fiche in fiches}
    found.without = [fiche for fiche in fiches if not groups[fiche.id]]
    found.acteurs = by_acteur(fiches, groups)
    return found


def national_acteurs(catalog: Catalog, fiches: list[Fiche]) -> list[ActeurToCall]:
    """Without a place: each acteur of the fiches with its national means (a number, a page that finds the
    office), or what to do instead; the result page and the handout give them until a place is typed."""
    groups = {
        fiche.id: [
            national_group(catalog.fiches[acteur_id])
            for acteur_id in ([fiche.id] if fiche.type == "acteur" else fiche.acteurs)
            if acteur_id in catalog.fiches
        ]
        for fiche in fiches
    }
    return by_acteur(fiches, groups)


def by_acteur(fiches: list[Fiche], groups: dict[str, list[ActeurContacts]]) -> list[ActeurToCall]:
    """Each acteur of the fiches' groups once, with the fiches it is for (not itself), in the fiches' order."""
    acteurs: dict[str, ActeurToCall] = {}
    for fiche in fiches:
        for group in groups[fiche.id]:
            item = acteurs.setdefault(group.acteur.id, ActeurToCall(group))
            if fiche.id != group.acteur.id:
                item.pour.append(fiche)
    return list(acteurs.values())


def result_in_place(walk: Walk, place: str) -> tuple[LocalContacts | None, "ResultView"]:
    """The place resolved (when given, with the acteurs to call there) and what the walk's result shows in its
    département (everywhere, while the département is not known)."""
    found = resolve_lieu(place) if place else None
    view = result_view(walk.tree.id, walk.node, found.departement if found else None)
    if found and found.departement:
        found.acteurs, found.without = view.acteurs, view.without
    return found, view


@dataclass(frozen=True)
class ResultView:
    """What a result shows in a département (or, without one, everywhere): its (fiche, line) in the order of the
    visit and by « quand », the acteurs to call there with the fiches they are for, the fiches with none, and
    without a place each acteur's national means."""

    lines: list[tuple[Fiche, Ligne]]
    groups: dict[str, list[tuple[Fiche, Ligne]]]
    acteurs: list[ActeurToCall]
    without: list[Fiche]
    national: list[ActeurToCall]
    letters: list[Letter]  # the letters that go with its fiches (« Préparer un courrier »)


RESULT_VIEWS_KEPT = 4096  # per worker and version: results × départements in use (the real content has ~9,000)


def result_view(tree_id: str, node: str, departement: Departement | None) -> ResultView:
    """The view of result `node` of a tree in `departement`, worked out once per version (it depends on nothing
    else): a cold result page, or its JSON, only adds the answers and the place typed. The lists are shared:
    callers never change them."""
    views = current_version().derived(
        "result-views", lambda: lru_cache(maxsize=RESULT_VIEWS_KEPT)(partial(_result_view, current_catalog()))
    )
    return views(tree_id, node, departement)


def _result_view(catalog: Catalog, tree_id: str, node: str, departement: Departement | None) -> ResultView:
    tree = catalog.trees[tree_id]
    lines = [(catalog.fiches[line.fiche], line) for line in visit_order(result_lines(tree, node))]
    if departement is not None:  # a regional dispositif is offered only where it exists
        lines = [(fiche, line) for fiche, line in lines if applies_in(fiche, departement.code, departement.region)]
    fiches = [fiche for fiche, _ in lines]
    groups = {quand: [(fiche, line) for fiche, line in lines if line.quand == quand] for quand in QUAND}
    letters = letters_for([fiche.id for fiche in fiches])
    if departement is None:
        return ResultView(lines, groups, [], [], national_acteurs(catalog, fiches), letters)
    found = add_contacts(LocalContacts(lieu=departement.code, departement=departement), catalog, fiches)
    return ResultView(lines, groups, found.acteurs, found.without, [], letters)
