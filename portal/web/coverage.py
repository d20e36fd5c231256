"""/couverture and /api/couverture: for each département and acteur, what the portal knows, in the open."""

from flask import Blueprint, jsonify, render_template

from portal.coverage import LEVELS, Coverage, coverage
from portal.serving import current_catalog, current_places, current_version

bp = Blueprint("coverage", __name__)


def current_coverage() -> Coverage:
    """The coverage of the served content version: a pure function of it, computed once."""
    return current_version().derived("couverture", lambda: coverage(current_catalog(), current_places()))


@bp.get("/couverture")
def coverage_page():
    """Totals, then each région and its départements: how each acteur can be reached there."""
    return render_template("coverage/page.html", coverage=current_coverage(), LEVELS=LEVELS)


@bp.get("/api/couverture")
def coverage_api():
    """The same table as JSON."""
    data = current_coverage()
    return jsonify(
        {
            "niveaux": LEVELS,
            "totaux": data.totals,
            "departements": [
                {
                    "code": d.code,
                    "nom": d.nom,
                    "region": {"code": d.region, "nom": d.region_nom},
                    "totaux": d.counts,
                    "source_la_plus_ancienne": d.oldest.isoformat() if d.oldest else None,
                    "acteurs": [
                        {
                            "acteur": cell.acteur.id,
                            "niveau": cell.level,
                            "source_la_plus_ancienne": cell.oldest.isoformat() if cell.oldest else None,
                        }
                        for cell in d.cells
                    ],
                }
                for d in data.departements
            ],
        }
    )
