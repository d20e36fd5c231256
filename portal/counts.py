"""Anonymous counts, for the editors: the orientation results shown (no address, no answers), by month with their
étape and statut (generic answers), the demand for contacts (which acteurs doctors looked for in which
département, on « qui contacter » and on results with a place), and the French words of searches that found
nothing (portal/search_misses.py says which words may be counted). Each worker keeps them in memory and writes
them in one transaction at most every COUNTS_SECONDS, and when it stops: showing a page (a GET) writes nothing.
Workers add their counts to the same rows, so the totals add up."""

import atexit
import logging
import os
import threading
import weakref
from collections import Counter
from datetime import date

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel, select

from portal.serving import current_catalog
from portal.sql_counter import increment

log = logging.getLogger(__name__)


class OrientationCount(SQLModel, table=True):
    """How many times a result of an orientation tree was shown: persistent, anonymous (no IP, no answers)."""

    __tablename__ = "orientation_count"
    tree: str = Field(primary_key=True)
    node: str = Field(primary_key=True)  # the result's id in the tree
    count: int = 0


class ContactDemand(SQLModel, table=True):
    """How many times the contacts of an acteur were looked for in a département: persistent, anonymous."""

    __tablename__ = "contact_demand"
    departement: str = Field(primary_key=True)
    acteur: str = Field(primary_key=True)
    count: int = 0


class OrientationMonth(SQLModel, table=True):
    """How many times a result was shown in a month, with the étape and statut answered (codes of the tree, never
    free text): the dashboard's results over time. Anonymous: no place, no other answer, no time of day."""

    __tablename__ = "orientation_month"
    month: str = Field(primary_key=True)  # « 2026-12 »
    tree: str = Field(primary_key=True)
    node: str = Field(primary_key=True)
    etape: str = Field(primary_key=True)  # "" when the walk did not ask it
    statut: str = Field(primary_key=True)
    count: int = 0


class SearchMiss(SQLModel, table=True):
    """How many searches that found nothing contained this word (a dictionary word, never a name or a number)."""

    __tablename__ = "search_miss"
    word: str = Field(primary_key=True)
    count: int = 0


# What is counted: name -> (table, its key columns).
TABLES = {
    "orientation": (OrientationCount.__table__, ("tree", "node")),
    "orientation_mois": (OrientationMonth.__table__, ("month", "tree", "node", "etape", "statut")),
    "demande": (ContactDemand.__table__, ("departement", "acteur")),
    "recherche_vide": (SearchMiss.__table__, ("word",)),
}
Counted = tuple[str, tuple[str, ...]]  # (name in TABLES, key)


class CountBuffer:
    """The counts of one worker not yet written, and the thread that writes them every `seconds`."""

    def __init__(self, engine: Engine, seconds: float) -> None:
        self.engine, self.seconds = engine, seconds
        self._counts: Counter[Counted] = Counter()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        _BUFFERS.add(self)

    def add(self, name: str, key: tuple[str, ...]) -> None:
        """Count one more `key` of the table `name`, in memory."""
        with self._lock:
            self._counts[(name, key)] += 1
            if self._thread is None:
                # Started by the first count, so in the worker that counts (a thread does not survive a fork).
                self._thread = threading.Thread(
                    target=_flush_every, args=(weakref.ref(self), self.seconds), name="portal-counts", daemon=True
                )
                self._thread.start()

    def flush(self) -> int:
        """Write the counts kept so far in one transaction; return how many showings were written."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        if not counts:
            return 0
        try:
            with Session(self.engine) as session:
                # Always in the same order: two workers writing at once lock the rows in the same order.
                for (name, key), number in sorted(counts.items()):
                    table, columns = TABLES[name]
                    increment(session, table, dict(zip(columns, key, strict=True)), "count", by=number)
                session.commit()
        except Exception:
            with self._lock:
                self._counts.update(counts)  # kept for the next try
            raise
        # A result is counted twice, in all and by month: one showing.
        return sum(number for (name, _key), number in counts.items() if name != "orientation_mois")

    def forget_after_fork(self) -> None:
        # The parent's counts are the parent's to write, and its thread did not come along.
        self._counts, self._lock, self._thread = Counter(), threading.Lock(), None


_BUFFERS: "weakref.WeakSet[CountBuffer]" = weakref.WeakSet()


def _flush_every(buffer_ref: "weakref.ref[CountBuffer]", seconds: float) -> None:
    stop = threading.Event()
    while not stop.wait(seconds):
        buffer = buffer_ref()
        if buffer is None:  # its app is gone (tests create many)
            return
        try:
            buffer.flush()
        except Exception:
            log.exception("Les comptes des orientations n'ont pas pu être écrits ; nouvel essai plus tard")
        del buffer


def flush_all() -> None:
    """Write the counts of every app of this process (at exit, and by gunicorn when a worker stops)."""
    for buffer in list(_BUFFERS):
        try:
            buffer.flush()
        except Exception:
            log.exception("Les comptes des orientations n'ont pas pu être écrits à l'arrêt")


def _forget_after_fork() -> None:
    for buffer in list(_BUFFERS):
        buffer.forget_after_fork()


atexit.register(flush_all)
os.register_at_fork(after_in_child=_forget_after_fork)


def init_app(app: Flask) -> None:
    """Give the app its buffer of counts."""
    app.extensions["portal_counts"] = CountBuffer(
        app.extensions["portal_engine"], app.config.get("COUNTS_SECONDS", 60.0)
    )


def count(entries: list[Counted]) -> None:
    """Count these (written later, with the others); a page served again from the page cache counts them again
    (portal/web/caching.py)."""
    buffer = current_app.extensions["portal_counts"]
    for name, key in entries:
        buffer.add(name, key)
    g.counted = (*g.get("counted", ()), *entries)


def count_result(tree: str, node: str, etape: str = "", statut: str = "") -> None:
    """Count one showing of result `node` of `tree`, in all and in this month with its étape and statut."""
    month = date.today().strftime("%Y-%m")
    count([("orientation", (tree, node)), ("orientation_mois", (month, tree, node, etape, statut))])


def count_search_miss(words: list[str]) -> None:
    """Count the words of a search that found nothing (already filtered: portal/search_misses.py)."""
    count([("recherche_vide", (word,)) for word in dict.fromkeys(words)])


def count_demand(departement: str, acteurs: list[str]) -> None:
    """Count that the contacts of these acteurs were looked for in `departement`."""
    count([("demande", (departement, acteur)) for acteur in dict.fromkeys(acteurs)])


def demand_counts(departements: list[str] | None = None) -> dict[tuple[str, str], int]:
    """(département, acteur) -> how many times its contacts were looked for; this worker's counts written first."""
    current_app.extensions["portal_counts"].flush()
    query = select(ContactDemand)
    if departements is not None:
        query = query.where(ContactDemand.departement.in_(departements))
    with Session(current_app.extensions["portal_engine"]) as session:
        return {(row.departement, row.acteur): row.count for row in session.exec(query)}


def orientation_counts() -> list[tuple[str, str, int]]:
    """(tree, result, count) for every result reached at least once, most reached first; this worker's counts
    are written first, so that an editor sees what was just shown."""
    current_app.extensions["portal_counts"].flush()
    order = (OrientationCount.count.desc(), OrientationCount.tree, OrientationCount.node)
    with Session(current_app.extensions["portal_engine"]) as session:
        return [(row.tree, row.node, row.count) for row in session.exec(select(OrientationCount).order_by(*order))]


def result_counts() -> list[dict]:
    """How many times each result was reached, with a readable label (for the editor area)."""
    trees = current_catalog().trees
    rows = []
    for tree_id, node, count in orientation_counts():
        tree = trees.get(tree_id)
        title = tree.resultats[node].titre if tree and node in tree.resultats else node
        rows.append(
            {
                "tree": tree_id,
                "result": node,
                "label": f"{tree.titre if tree else tree_id} › {title}",
                "count": count,
            }
        )
    return rows
