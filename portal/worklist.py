"""What a territory editor should fix first: each département × acteur cell with its gap (nothing known, national
means only, a service known by name only, regional only, a source older than a year, to check), ordered by the
doctors' demand there (anonymous counts) and then by how big the gap is."""

from dataclasses import dataclass
from datetime import date

from portal.coverage import Cell, Coverage

GAPS: dict[str, str] = {
    "aucun": "aucun moyen connu",
    "national": "national seulement",
    "nom-seulement": "connu par son nom seulement",
    "regional": "régional seulement",
    "ancien": "source de plus d'un an",
    "a-verifier": "à vérifier",
    "a-jour": "à jour",
}
STALE_DAYS = 365


@dataclass(frozen=True)
class Task:
    """One cell to look at, and how many times doctors looked for that acteur there."""

    departement: str
    departement_nom: str
    cell: Cell
    demand: int
    gap: str  # a key of GAPS

    @property
    def gap_label(self) -> str:
        return GAPS[self.gap]


def gap_of(cell: Cell, today: date) -> str:
    if cell.level in ("aucun", "national"):
        return "nom-seulement" if cell.named else cell.level
    if cell.oldest and (today - cell.oldest).days > STALE_DAYS:
        return "ancien"
    if cell.level == "regional":
        return "regional"
    return "a-verifier" if cell.level == "local-a-verifier" else "a-jour"


def worklist(
    coverage: Coverage, departements: list[str], demand: dict[tuple[str, str], int], today: date
) -> list[Task]:
    """The cells of `departements`, the most asked-for gaps first; cells that are up to date come last."""
    wanted = set(departements)
    tasks = [
        Task(d.code, d.nom, cell, demand.get((d.code, cell.acteur.id), 0), gap_of(cell, today))
        for d in coverage.departements
        if d.code in wanted
        for cell in d.cells
    ]
    order = list(GAPS)
    tasks.sort(key=lambda t: (t.gap == "a-jour", -t.demand, order.index(t.gap), t.departement, t.cell.acteur.titre))
    return tasks
