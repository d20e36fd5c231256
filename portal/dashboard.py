"""The dashboard's figures: the anonymous counts (portal/counts.py) as tables, each cell below the minimum count
hidden (« < 5 ») and left out of the CSV, and the geometry of the bar charts drawn beside them.

A territory editor sees the demand for contacts of their territory; results and searches carry no place, so
everyone with an account sees them whole. A table's total is the sum of its shown cells. A chart of sums (a month,
a département) adds hidden cells up: each such sum is itself hidden below the minimum.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session, select

from portal.catalog import Catalog
from portal.counts import ContactDemand, OrientationMonth, SearchMiss
from portal.coverage import LEVELS, Coverage

MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
TOP = 20  # bars drawn at most in a chart (the table beside it has every row)


@dataclass(frozen=True)
class Row:
    """One line of a table: its cells (text), its count, and whether the count may be shown."""

    cells: tuple[str, ...]
    count: int
    shown: bool


@dataclass
class Table:
    """A table of counts with its columns; `key` names its CSV (/tableau-de-bord/<key>.csv)."""

    key: str
    title: str
    description: str
    columns: tuple[str, ...]  # the columns of the cells, the count's column last
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The sum of the shown cells only: a total of every cell would give a hidden one by subtraction."""
        return sum(row.count for row in self.rows if row.shown)

    def exported(self) -> list[Row]:
        """The rows a CSV may carry: never one below the minimum count."""
        return [row for row in self.rows if row.shown]


def month_label(month: str) -> str:
    """« 2026-12 » -> « déc. 2026 »."""
    year, number = month.split("-")
    return f"{MONTHS_FR[int(number) - 1]} {year}"


def _table(key, title, description, columns, counted: dict[tuple[str, ...], int], minimum: int, order=None) -> Table:
    items = sorted(counted.items(), key=order or (lambda item: (-item[1], item[0])))
    rows = [Row(cells, number, number >= minimum) for cells, number in items]
    return Table(key, title, description, columns, rows)


def answer_labels(catalog: Catalog, question: str) -> dict[str, str]:
    """Code -> label of the answers to `question` in every tree (the first tree's label wins)."""
    labels: dict[str, str] = {}
    for tree in catalog.trees.values():
        asked = tree.questions.get(question)
        for code, answer in asked.reponses.items() if asked else ():
            labels.setdefault(code, answer.libelle)
    return labels


def result_tables(engine: Engine, catalog: Catalog, minimum: int) -> list[Table]:
    """Results by month, by étape, by statut and by outcome (tree › result)."""
    with Session(engine) as session:
        rows = list(session.exec(select(OrientationMonth)))
    etapes, statuts = answer_labels(catalog, "etape"), answer_labels(catalog, "statut")
    by_month: dict[tuple[str, ...], int] = defaultdict(int)
    by_etape: dict[tuple[str, ...], int] = defaultdict(int)
    by_statut: dict[tuple[str, ...], int] = defaultdict(int)
    by_result: dict[tuple[str, ...], int] = defaultdict(int)
    by_month_etape: dict[tuple[str, ...], int] = defaultdict(int)
    for row in rows:
        etape = etapes.get(row.etape, row.etape) if row.etape else "non demandée"
        by_month[(month_label(row.month), row.month)] += row.count
        by_etape[(etape,)] += row.count
        by_statut[(statuts.get(row.statut, row.statut) if row.statut else "non demandé",)] += row.count
        by_month_etape[(month_label(row.month), etape, row.month)] += row.count
        tree = catalog.trees.get(row.tree)
        result = tree.resultats[row.node].titre if tree and row.node in tree.resultats else row.node
        by_result[(tree.titre if tree else row.tree, result)] += row.count
    chronological = lambda item: item[0][-1]  # noqa: E731 (the month code, last cell)
    return [
        _strip_month(
            _table(
                "resultats-par-mois",
                "Résultats d'orientation par mois",
                "Nombre de résultats d'orientation affichés chaque mois, tous arbres confondus.",
                ("Mois", "Résultats"),
                by_month,
                minimum,
                chronological,
            )
        ),
        _table(
            "resultats-par-etape",
            "Résultats par étape",
            "Où en était la personne quand le médecin a cherché une orientation.",
            ("Étape", "Résultats"),
            by_etape,
            minimum,
        ),
        _strip_month(
            _table(
                "etapes-par-mois",
                "Étapes par mois",
                "Résultats de chaque mois selon l'étape : une étape atteinte plus tard qu'avant se voit ici.",
                ("Mois", "Étape", "Résultats"),
                by_month_etape,
                minimum,
                lambda item: (item[0][-1], item[0][1]),
            )
        ),
        _table(
            "resultats-par-statut",
            "Résultats par statut",
            "Salariés et travailleurs indépendants.",
            ("Statut", "Résultats"),
            by_statut,
            minimum,
        ),
        _table(
            "resultats-par-issue",
            "Résultats les plus atteints",
            "Chaque résultat des arbres d'orientation, du plus atteint au moins atteint.",
            ("Arbre", "Résultat", "Résultats"),
            by_result,
            minimum,
        ),
    ]


def _strip_month(table: Table) -> Table:
    # The month code sorted the rows; its label is what a reader sees.
    table.rows = [Row(row.cells[:-1], row.count, row.shown) for row in table.rows]
    return table


def demand_table(
    engine: Engine, catalog: Catalog, coverage: Coverage, departements: set[str] | None, minimum: int
) -> Table:
    """« Qui contacter » demand by département and acteur, beside what the portal knows there."""
    query = select(ContactDemand)
    if departements is not None:
        query = query.where(ContactDemand.departement.in_(sorted(departements)))
    with Session(engine) as session:
        rows = list(session.exec(query))
    levels = {(d.code, cell.acteur.id): cell.level for d in coverage.departements for cell in d.cells}
    names = {d.code: d.nom for d in coverage.departements}
    counted = {}
    for row in rows:
        acteur = catalog.fiches.get(row.acteur)
        level = LEVELS.get(levels.get((row.departement, row.acteur), ""), "non suivi")
        label = f"{names.get(row.departement, row.departement)} ({row.departement})"
        counted[(label, acteur.titre if acteur else row.acteur, level)] = row.count
    return _table(
        "demande-contacts",
        "Demande de contacts par département et acteur",
        "Combien de fois les coordonnées d'un acteur ont été cherchées dans un département (« Qui contacter ? » "
        "et résultats avec un lieu), à côté de ce que le portail connaît là.",
        ("Département", "Acteur", "Ce que le portail connaît", "Recherches"),
        counted,
        minimum,
    )


def demand_by_departement(table: Table, minimum: int) -> Table:
    """The demand table summed by département (for its chart)."""
    counted: dict[tuple[str, ...], int] = defaultdict(int)
    for row in table.rows:
        counted[(row.cells[0],)] += row.count
    return _table(
        "demande-par-departement",
        "Demande de contacts par département",
        "Toutes les recherches de coordonnées d'un département, tous acteurs confondus.",
        ("Département", "Recherches"),
        counted,
        minimum,
    )


def search_miss_table(engine: Engine, minimum: int) -> Table:
    """The words of searches that found nothing."""
    with Session(engine) as session:
        counted = {(row.word,): row.count for row in session.exec(select(SearchMiss))}
    return _table(
        "recherches-sans-resultat",
        "Recherches sans résultat",
        "Les mots du dictionnaire tapés dans des recherches qui n'ont rien trouvé : jamais un prénom, un nom avec "
        "une civilité, un nombre ni une date ; un mot n'apparaît qu'à partir du nombre minimum.",
        ("Mot", "Recherches"),
        counted,
        minimum,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: hidden below the minimum
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of a table's shown rows: the geometry the SVG template draws."""

    bars: tuple[Bar, ...]
    height: int
    maximum: int
    # Each label on its own line above its bar: the chart stays readable when a phone shrinks it to 360 px.
    width: int = 400
    bar_area: int = 340
    row_height: int = 40


def bar_chart(table: Table, label_cell: int = 0, limit: int = TOP, keep_order: bool = False) -> Chart:
    """The bars of the table's rows (the largest first unless `keep_order`), hidden ones drawn without a bar."""
    rows = table.rows if keep_order else sorted(table.rows, key=lambda row: -row.count)
    rows = rows[:limit]
    maximum = max((row.count for row in rows if row.shown), default=0)
    chart = Chart((), 0, maximum)
    bars = []
    for index, row in enumerate(rows):
        label = row.cells[label_cell]
        value = row.count if row.shown else None
        width = chart.bar_area * row.count / maximum if value and maximum else 0
        # About 56 characters fit on a line; the table beside the chart has every label whole.
        bars.append(Bar(label if len(label) <= 56 else label[:55] + "…", value, index * chart.row_height, width))
    return Chart(tuple(bars), len(bars) * chart.row_height + 4, maximum)
