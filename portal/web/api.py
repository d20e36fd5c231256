"""The JSON API: the same data as the pages, under /api/."""

from flask import Blueprint, abort, jsonify, redirect, url_for

from portal.models import EDITORS_ONLY_FIELDS
from portal.openapi import document
from portal.serving import current_catalog, current_version
from portal.web.directory import read_filters
from portal.web.errors import FicheNotFound
from portal.web.legal import licence

bp = Blueprint("api", __name__, url_prefix="/api")


# The editors' notes are for the editors' area and `portal revue`: never in a public answer.
EDITORS_ONLY = {**dict.fromkeys(EDITORS_ONLY_FIELDS, True), "joindre": {"__all__": set(EDITORS_ONLY_FIELDS)}}


def fiche_json(fiche) -> dict:
    """A fiche as JSON: every public field, dates in ISO format."""
    return fiche.model_dump(mode="json", exclude_none=True, exclude=EDITORS_ONLY)


@bp.get("/fiches")
def fiches():
    """All fiches (same filters as /fiches)."""
    filters, notices = read_filters()
    ids = current_version().fiche_ids(filters.get("type"), filters.get("etape"), filters.get("public"))
    catalog = current_catalog()
    return jsonify(
        {
            "version": catalog.version,
            "filtres": filters,
            "avertissements": notices,
            "fiches": [fiche_json(f) for f in catalog.fiches.values() if f.id in ids],
            "licence": licence(),
        }
    )


@bp.get("/fiches/<fiche_id>")
def fiche(fiche_id: str):
    """One fiche."""
    catalog = current_catalog()
    found = catalog.fiches.get(fiche_id)
    if found is None and fiche_id in catalog.redirects:  # archived or renamed: the current fiche
        return redirect(url_for("api.fiche", fiche_id=catalog.redirects[fiche_id]), code=301)
    if found is None:
        abort(404, description=FicheNotFound(""))
    return jsonify(fiche_json(found))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of every /api/ route (portal/openapi.py)."""
    return jsonify(document())
