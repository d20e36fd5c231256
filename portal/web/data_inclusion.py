"""/api/data-inclusion/structures and /services: the directory in the data·inclusion schema, paged like the
data·inclusion API (`page`, `size`; answer `items`, `total`, `page`, `size`, `pages`)."""

from datetime import date
from math import ceil

from flask import Blueprint, abort, jsonify, request, url_for

from portal.data_inclusion import Directory, publish
from portal.serving import current_catalog, current_places, current_version
from portal.web.legal import licence

bp = Blueprint("data_inclusion", __name__, url_prefix="/api/data-inclusion")

DEFAULT_SIZE, MAX_SIZE = 5_000, 10_000  # the data·inclusion API's own


@bp.get("/structures")
def structures():
    """Each reachable contact of an acteur (national, regional, local) as a data·inclusion structure."""
    return _page(_directory().structures)


@bp.get("/services")
def services():
    """Each dispositif, once per structure that delivers it, as a data·inclusion service."""
    return _page(_directory().services)


# The lists are built once per version with this address in place of the portal's, put in at each answer (the
# portal answers under several host names): one copy per version whatever the Host, not one per Host.
_PLACEHOLDER = "https://portail.invalid/fiches/"


def _directory() -> Directory:
    """Built once per content version and day (the lists leave out what is dated in the future, and that changes
    at midnight): yesterday's lists are dropped when today's are built."""
    catalog = current_catalog()
    make = lambda: publish(catalog, lambda fiche_id: _PLACEHOLDER + fiche_id, _departements_of)  # noqa: E731
    return current_version().derived("data-inclusion", make, valid_for=date.today())


def _with_links(items: list[dict]) -> list[dict]:
    """`items` with this portal's address in their links to fiches."""
    prefix = url_for("directory.fiche_detail", fiche_id="x", _external=True)[:-1]
    return [
        {**item, "lien_source": prefix + item["lien_source"].removeprefix(_PLACEHOLDER)}
        if (item.get("lien_source") or "").startswith(_PLACEHOLDER)
        else item
        for item in items
    ]


def _departements_of(region: str) -> list[str]:
    return sorted(d.code for d in current_places().departements.values() if d.region == region)


def _page(items: list[dict]):
    page = _whole_number("page", 1, 10**9, "un nombre entier à partir de 1")
    size = _whole_number("size", DEFAULT_SIZE, MAX_SIZE, f"un nombre entier de 1 à {MAX_SIZE}")
    chunk = _with_links(items[(page - 1) * size : page * size])
    page_data = {
        "items": chunk,
        "total": len(items),
        "page": page,
        "size": len(chunk),
        "pages": ceil(len(items) / size),
    }
    # The schema's items have no licence field: the page names it, with the attribution third-party data needs.
    return jsonify(page_data | {"licence": licence()})


def _whole_number(name: str, default: int, largest: int, expected: str) -> int:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 12 and 1 <= int(value) <= largest):
        abort(400, description=f"Le paramètre {name} doit être {expected}.")
    return int(value)
