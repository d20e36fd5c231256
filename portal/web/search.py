"""Search pages: /recherche (results as one types, facets in the query string) and /api/recherche."""

import re
from dataclasses import dataclass
from functools import lru_cache

from flask import Blueprint, jsonify, render_template, request, url_for

from portal.counts import count_search_miss
from portal.models import ETAPES, PUBLICS, TYPES
from portal.patient_data import patient_data_problem
from portal.places import MAX_PLACE_CHARS
from portal.search import SearchResult
from portal.search_misses import countable_words
from portal.serving import current_catalog, current_search
from portal.text import clean
from portal.web import frame_urls, query_string, wants_fragment
from portal.web.directory import narrow_to_place, read_filters
from portal.web.fragments import hit_heading

bp = Blueprint("search", __name__)
PER_PAGE = 10
MAX_PAGE = 1000


def run_search() -> tuple[SearchResult, dict[str, str]]:
    """The search of the request's query string (q, type, etape, public, page); never raises on bad input."""
    filters, notices = read_filters()
    raw_page = request.args.get("page", "1").strip()
    # ASCII digits only, and few of them: « ² » is a digit to str.isdigit but not to int(), and int() refuses
    # more than 4,300 digits.
    page = int(raw_page) if re.fullmatch(r"[0-9]{1,4}", raw_page) and 0 < int(raw_page) <= MAX_PAGE else 1
    if raw_page not in ("", "1") and page == 1:
        notices.append("Le numéro de page demandé n'existe pas : voici la première page.")
    lieu = clean(request.args.get("lieu", ""), MAX_PLACE_CHARS)
    excluded: frozenset[str] = frozenset()
    if lieu:  # the regional fiches of elsewhere are left out (same rule and notice as the directory)
        zoned = [fiche for fiche in current_catalog().fiches.values() if fiche.zone]
        kept, notice = narrow_to_place(zoned, lieu)
        excluded = frozenset(fiche.id for fiche in zoned if fiche not in kept)
        notices.append(notice)
    result = current_search().search(
        request.args.get("q", ""), filters, page=page, per_page=PER_PAGE, excluded=excluded
    )
    if lieu:
        filters["lieu"] = lieu  # kept in the facet and page links, and shown as a removable filter
    result.notices[:0] = notices
    return result, filters


@bp.get("/recherche")
def search_page():
    """Search results with highlighted extracts, facets and suggestions; htmx gets the results only."""
    result, filters = run_search()
    # A search that found nothing, once it is asked (a page, or the form sent), not at each letter typed into #q.
    if result.total == 0 and result.page == 1 and request.headers.get("HX-Trigger") != "q":
        count_search_miss(countable_words(result.query))
    template = "search/fragment.html" if wants_fragment() else "search/page.html"
    page = render_template(
        template,
        result=result,
        filters=filters,
        facets=facet_links(result, filters),
        pages=page_links(result, filters),
        per_page=PER_PAGE,
        # Each hit's title and badges, kept per version (portal/web/fragments.py), looked up here in one pass.
        headings=[hit_heading(hit.fiche, filters.get("lieu")) for hit in result.hits],
    )
    # The page shows the query back: one that looks like patient data is kept by no cache.
    return page, 200, {"Cache-Control": "no-store"} if patient_data_problem(request.args.get("q", "")) else {}


FACETS = (("type", "Type", TYPES), ("etape", "Étape", ETAPES), ("public", "Public", PUBLICS))


class _Links:
    """The links of a results page (facets, pages): the query and its filters encoded once, each link changing
    one of them; the same URLs url_for would build (werkzeug's safe characters), at a fraction of the cost."""

    def __init__(self, query: str, filters: dict[str, str]):
        self.base = frame_urls()["search.search_page"]
        self.pairs = {name: _pair(name, value) for name, value in {"q": query, **filters}.items()}
        self._around: dict[str, tuple[str, str]] = {}  # a parameter -> the encoded ones before it, and after it

    def url(self, name: str, value: str | int | None) -> str:
        """This page's URL with `name` set to `value` (left out when empty), in its place or last."""
        around = self._around.get(name)
        if around is None:
            names = [*self.pairs, *([] if name in self.pairs else [name])]
            place = names.index(name)
            before, after = names[:place], names[place + 1 :]
            around = self._around[name] = tuple(
                "&".join(filter(None, map(self.pairs.get, side))) for side in (before, after)
            )
        kept = [part for part in (around[0], _pair(name, value), around[1]) if part]
        return f"{self.base}?{'&'.join(kept)}" if kept else self.base


@lru_cache(maxsize=1024)
def _pair(name: str, value: str | int | None) -> str | None:
    return query_string([(name, value)]) or None


@dataclass(frozen=True, slots=True)
class FacetChoice:
    label: str
    count: int
    href: str  # the results narrowed to this value


@dataclass(frozen=True, slots=True)
class Facet:
    """A facet of the results: its values to narrow to, or the value it narrows to now and the link that widens."""

    name: str
    label: str
    choices: list[FacetChoice]
    active: str | None
    remove: str


def facet_links(result: SearchResult, filters: dict[str, str]) -> list[Facet]:
    """For each facet, its values with their counts and the link that narrows (or widens) to them."""
    links = _Links(result.query, filters)
    facets = []
    for name, label, labels in FACETS:
        counts = result.facets.get(name, {})
        choices = [
            FacetChoice(labels[value], counts[value], links.url(name, value))
            for value in labels
            if counts.get(value) and filters.get(name) != value
        ]
        active = filters.get(name)
        if choices or active:
            facets.append(Facet(name, label, choices, labels[active] if active else None, links.url(name, None)))
    if filters.get("lieu"):  # the place narrows out regional fiches of elsewhere: shown, and removable
        facets.append(Facet("lieu", "Lieu", [], filters["lieu"], links.url("lieu", None)))
    return facets


def page_links(result: SearchResult, filters: dict[str, str]) -> dict:
    """Links to the previous and next pages of results."""
    links = _Links(result.query, filters)
    return {
        "previous": links.url("page", result.page - 1) if result.page > 1 else None,
        "next": links.url("page", result.page + 1) if result.page < result.pages else None,
    }


@bp.get("/api/recherche")
def search_api():
    """The same search as JSON, best first."""
    result, filters = run_search()
    message = None if result.query else "Indiquez un mot à chercher avec le paramètre q."
    return jsonify(
        {
            "requete": result.query,
            "filtres": filters,
            "total": result.total,
            "page": result.page,
            "pages": result.pages,
            "partiel": result.partial,
            "mots_ignores": result.ignored,
            "situations": [
                {
                    "nom": situation.nom,
                    "note": situation.note,
                    "fiches": list(situation.fiches),
                    "orientation": [
                        {"libelle": entree.libelle, "url": request.url_root.rstrip("/") + entree.adresse}
                        for entree in situation.orientation
                    ],
                }
                for situation in result.situations
            ],
            "suggestion": result.suggestion,
            "message": message,
            "avertissements": result.notices,
            "facettes": result.facets,
            "termes": [
                {"terme": t.terme, "definition": t.definition, "ancien": t.ancien, "fiche": t.fiche}
                for t in result.termes
            ],
            "resultats": [
                {
                    "id": hit.fiche.id,
                    "titre": hit.fiche.titre,
                    "type": hit.fiche.type,
                    "resume": hit.fiche.resume,
                    "url": url_for("directory.fiche_detail", fiche_id=hit.fiche.id, _external=True),
                }
                for hit in result.hits
            ],
        }
    )
