"""The directory: home page, list of fiches with filters, one fiche."""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from portal.contacts import national_group
from portal.models import ETAPES, PUBLICS, TYPES
from portal.places import MAX_PLACE_CHARS
from portal.serving import contacts_in, current_catalog, current_version
from portal.text import WORD, clean, fold
from portal.web import wants_fragment
from portal.web.errors import FicheNotFound
from portal.web.orientation_contacts import resolve_lieu

bp = Blueprint("directory", __name__)


@bp.get("/")
def home():
    """Home page: the three ways in, and the fiches by kind."""
    catalog = current_catalog()
    return render_template("home.html", dispositifs=catalog.of_type("dispositif"), acteurs=catalog.of_type("acteur"))


def read_filters() -> tuple[dict[str, str], list[str]]:
    """The directory filters of the query string; unknown values are dropped with a French notice."""
    allowed = {"type": TYPES, "etape": ETAPES, "public": PUBLICS}
    filters, notices = {}, []
    for name, values in allowed.items():
        value = request.args.get(name, "").strip()
        if value and value in values:
            filters[name] = value
        elif value:
            notices.append(f"Le filtre « {name} » ne connaît pas la valeur demandée : il est ignoré.")
    return filters, notices


@bp.get("/fiches")
def fiche_list():
    """All fiches, narrowed by kind, étape and public (query string; htmx swaps the list only)."""
    filters, notices = read_filters()
    ids = current_version().fiche_ids(filters.get("type"), filters.get("etape"), filters.get("public"))
    fiches = [fiche for fiche in current_catalog().fiches.values() if fiche.id in ids]
    lieu = clean(request.args.get("lieu", ""), MAX_PLACE_CHARS)
    fiches, notice = narrow_to_place(fiches, lieu)
    notices += [notice] if notice else []
    template = "partials/fiche_list.html" if wants_fragment() else "fiches/list.html"
    return render_template(template, fiches=fiches, filters=filters, notices=notices, lieu=lieu)


def narrow_to_place(fiches: list, lieu: str) -> tuple[list, str | None]:
    """The fiches that exist at `lieu` (national ones, and regional ones of its région), with a French notice."""
    if not lieu:
        return fiches, None
    found = resolve_lieu(lieu)
    if found.departement is None:
        return fiches, f"Lieu non reconnu (« {lieu} ») : toutes les fiches sont montrées. {found.message or ''}".strip()
    kept = [fiche for fiche in fiches if found.applies(fiche)]
    return kept, f"Fiches valables pour {found.place} : les fiches nationales et celles de sa région."


@bp.get("/fiches/<fiche_id>")
def fiche_detail(fiche_id: str):
    """One fiche with all its fields, sources and related fiches."""
    catalog = current_catalog()
    fiche = catalog.fiches.get(fiche_id)
    if fiche is None and fiche_id in catalog.redirects:  # archived or renamed: the current fiche, same query
        current = catalog.redirects[fiche_id]
        return redirect(url_for("directory.fiche_detail", fiche_id=current, **request.args), code=301)
    if fiche is None:
        typed = clean(fiche_id, limit=200)
        guess = "-".join(WORD.findall(fold(typed).replace("_", " ")))
        if guess in catalog.fiches:  # /fiches/CRPE, /fiches/Essai_encadré: the same fiche, one address
            return redirect(url_for("directory.fiche_detail", fiche_id=guess), code=301)
        abort(404, description=FicheNotFound(" ".join(WORD.findall(typed.replace("_", " ")))))
    related = [catalog.fiches[i] for i in fiche.liees if i in catalog.fiches]
    cited_by = [f for f in catalog.fiches.values() if fiche.id in f.liees and f.id not in fiche.liees]
    sections = fiche_sections(fiche, related + cited_by)
    return render_template(
        "fiches/detail.html",
        fiche=fiche,
        related=related,
        cited_by=cited_by,
        sections=sections,
        long_fiche=len(sections) > LONG_FICHE + 2,  # Joindre and Sources are in every fiche
        **_reach(catalog, fiche),
    )


LONG_FICHE = 3  # a fiche with more sections than this opens with « L'essentiel » and a sommaire


def fiche_sections(fiche, related: list) -> list[tuple[str, str]]:
    """The sections a fiche page shows, in order, as (anchor, heading): its sommaire."""
    sections = [("joindre", "Joindre" if fiche.type == "acteur" else "Qui contacter")]
    if fiche.changements:
        sections.append(("t-changements", "Ce qui a changé"))
    sections.append(("t-description", "En bref"))
    facts = (fiche.publics, fiche.etapes, fiche.rqth, fiche.conditions, fiche.qui_demande, fiche.duree)
    if any(facts) or fiche.remuneration:
        sections.append(("t-conditions", "Pour qui, quand, à quelles conditions"))
    if fiche.mobiliser:
        sections.append(("t-mobiliser", "Comment le mobiliser"))
    if fiche.hors_champ:
        sections.append(("t-hors-champ", "Hors du champ de ce portail"))
    if fiche.references_legales:
        sections.append(("t-references", "Références juridiques"))
    if related:
        sections.append(("t-liees", "Fiches liées"))
    sections.append(("t-sources", "Sources"))
    return sections


def _reach(catalog, fiche) -> dict:
    """« Joindre » near the top: an acteur's means (its local ones too with `?lieu=`), or a dispositif's acteurs."""
    lieu = clean(request.args.get("lieu", ""), MAX_PLACE_CHARS)
    found = resolve_lieu(lieu) if lieu else None
    departement = found.departement if found else None
    if fiche.type == "dispositif":
        groups = [national_group(catalog.fiches[i]) for i in fiche.acteurs if i in catalog.fiches]
    elif departement:
        groups = contacts_in(departement, pour=fiche.id)
    else:
        groups = [national_group(fiche)]
    return {"joindre": groups, "joindre_lieu": found}
