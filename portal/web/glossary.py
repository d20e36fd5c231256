"""The glossary: /glossaire (every term, alphabetical, with letter anchors) and /api/glossaire."""

from itertools import groupby

from flask import Blueprint, jsonify, render_template, url_for

from portal.models import Terme
from portal.serving import current_catalog
from portal.text import sort_key

bp = Blueprint("glossary", __name__)


def sorted_terms() -> list[Terme]:
    """The glossary in reading order: accents and case ignored."""
    return sorted(current_catalog().glossaire, key=lambda t: (sort_key(t.terme), t.terme))


def anchor(terme: Terme) -> str:
    """The id of a term on the page, e.g. « terme-at-mp »."""
    return "terme-" + ("-".join(sort_key(terme.terme).split()) or "x")


def _letter(terme: Terme) -> str:
    first = sort_key(terme.terme)[:1].upper()
    return first if first.isalpha() else "#"


@bp.get("/glossaire")
def glossary_page():
    """Every sigle, synonym and old name, with its meaning and its fiche."""
    letters = [(letter, list(terms)) for letter, terms in groupby(sorted_terms(), key=_letter)]
    return render_template("glossary/page.html", letters=letters, anchor=anchor)


@bp.get("/api/glossaire")
def glossary_api():
    """The glossary as JSON."""
    catalog = current_catalog()
    return jsonify(
        {
            "version": catalog.version,
            "termes": [
                {
                    "terme": t.terme,
                    "definition": t.definition,
                    "synonymes": t.synonymes,
                    "ancien": t.ancien,
                    "fiche": t.fiche,
                    "url": url_for("directory.fiche_detail", fiche_id=t.fiche, _external=True) if t.fiche else None,
                }
                for t in sorted_terms()
            ],
        }
    )
