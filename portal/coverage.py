"""What the portal knows, for each département and acteur: a local contact (checked or to check), a regional one,
national means only, or nothing; with the date of the oldest source of the means at that level, and whether a
service is known there by its name only. Roles that have no office to list (the doctors) are left out."""

from dataclasses import dataclass, field
from datetime import date

from portal.catalog import Catalog
from portal.contacts import ActeurContacts, contacts_for
from portal.models import Fiche
from portal.places import Places

LEVELS: dict[str, str] = {
    "local-verifie": "contact local vérifié",
    "local-a-verifier": "contact local à vérifier",
    "regional": "contact régional",
    "national": "national seulement",
    "aucun": "aucun moyen connu",
}


@dataclass(frozen=True)
class Cell:
    """One acteur in one département."""

    acteur: Fiche
    level: str  # a key of LEVELS
    oldest: date | None  # the oldest source date of the means at that level (local ones for a local level…)
    named: int = 0  # local or regional services known by name only (no phone, email, form or finder page)


@dataclass(frozen=True)
class DepartementCoverage:
    code: str
    nom: str
    region: str
    region_nom: str
    cells: tuple[Cell, ...]

    @property
    def counts(self) -> dict[str, int]:
        return {level: sum(1 for cell in self.cells if cell.level == level) for level in LEVELS}

    @property
    def named(self) -> int:
        return sum(1 for cell in self.cells if cell.named)

    @property
    def oldest(self) -> date | None:
        return min((cell.oldest for cell in self.cells if cell.oldest), default=None)


@dataclass(frozen=True)
class Coverage:
    departements: tuple[DepartementCoverage, ...]
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def named(self) -> int:
        """Cells where a service is known by its name only: an editor can complete it."""
        return sum(d.named for d in self.departements)

    @property
    def cells(self) -> int:
        return sum(self.totals.values())

    @property
    def near(self) -> int:
        """Cells with a contact in the département or the région."""
        return self.totals["local-verifie"] + self.totals["local-a-verifier"] + self.totals["regional"]

    def by_region(self) -> list[tuple[str, list[DepartementCoverage]]]:
        regions: dict[str, list[DepartementCoverage]] = {}
        for departement in self.departements:
            regions.setdefault(departement.region_nom, []).append(departement)
        return sorted(regions.items())


def _level(group: ActeurContacts) -> str:
    portees = {means.portee for means in group.means}
    local = [means for means in group.means if means.portee == "local"]
    if any(means.contact.statut == "verifie" for means in local):
        return "local-verifie"
    if local:
        return "local-a-verifier"
    if "regional" in portees:
        return "regional"
    return "national" if portees else "aucun"


LEVEL_PORTEE = {"local-verifie": "local", "local-a-verifier": "local", "regional": "regional", "national": "national"}


def _oldest(group: ActeurContacts, level: str) -> date | None:
    """The oldest date among the means of the cell's level: when the source was published, else when it was read
    (a 2019 extract read in 2026 is from 2019)."""
    shown = [m.contact for m in group.means if m.portee == LEVEL_PORTEE.get(level)]
    return min((c.source.publie_le or c.source.vu_le for c in shown), default=None)


def cell_of(acteur: Fiche, group: ActeurContacts | None) -> Cell:
    if group is None:
        return Cell(acteur, "aucun", None)
    level = _level(group)
    return Cell(acteur, level, _oldest(group, level), len(group.mentions))


def coverage(catalog: Catalog, places: Places) -> Coverage:
    """The coverage of every département of metropolitan France and the DROM (not the other collectivités)."""
    acteurs = catalog.of_type("acteur")  # every acteur, in the order of their titles
    departements = []
    for code, departement in sorted(places.departements.items()):
        if departement.zone == "com":
            continue
        groups = {g.acteur.id: g for g in contacts_for(catalog, code, departement.region)}
        cells = tuple(
            cell_of(acteur, groups.get(acteur.id))
            for acteur in acteurs
            if acteur.recense_localement
            and (acteur.id in groups or acteur.zone is None)  # a regional acteur counts only where it exists
        )
        departements.append(
            DepartementCoverage(code, departement.nom, departement.region, departement.region_nom, cells)
        )
    totals = {level: sum(d.counts[level] for d in departements) for level in LEVELS}
    return Coverage(tuple(departements), totals)
