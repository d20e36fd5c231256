"""« Préparer un courrier »: the liaison letters, filled in the browser and printed, never sent to the portal.

How nothing typed reaches the server: the blanks are fields outside any <form> (no submit, no name), so the
browser has nothing to send; the page's Content-Security-Policy adds `form-action 'none'` and `connect-src
'none'`, so that no form or script could send them either; `autocomplete="off"` keeps them out of the browser's
suggestions, and `Cache-Control: no-store` keeps the filled page out of the browser's caches. The page itself
depends only on the URL (the letter and the place), so it holds nothing to log or to keep.
"""

from datetime import date

from flask import Blueprint, abort, render_template, request

from portal.contacts import national_group
from portal.letters import LETTERS, LETTERS_BY_FICHE, Letter, letters_for
from portal.serving import contacts_in, current_catalog
from portal.web import frame_urls, query_string
from portal.web.orientation_contacts import resolve_lieu
from portal.web.security import CONTENT_SECURITY_POLICY

bp = Blueprint("letters", __name__, url_prefix="/courriers")

MAX_PLACE = 100
MAX_FICHES = 30
# The portal's policy, with nothing that could leave the page: no form target, no request from a script.
LETTER_POLICY = CONTENT_SECURITY_POLICY.replace("form-action 'self'", "form-action 'none'").replace(
    "connect-src 'self'", "connect-src 'none'"
)
HEADERS = {"Content-Security-Policy": LETTER_POLICY, "Cache-Control": "no-store"}


def _place() -> str:
    return request.args.get("lieu", "").strip()[:MAX_PLACE]


# A fiche's page and an orientation result offer the letters that go with their fiches (letters/_offer.html).
bp.app_template_global("letters_for")(letters_for)


@bp.app_template_global()
def letters_url(fiche_ids: list[str], lieu: str | None = None) -> str:
    """The letters page for the fiches that have letters among these (in their order: the page offers those
    letters first) and this place, as url_for gives it, at a fraction of the cost."""
    pour = [fiche_id for fiche_id in fiche_ids if fiche_id in LETTERS_BY_FICHE]
    query = query_string([*(("pour", fiche_id) for fiche_id in pour), ("lieu", lieu)])
    base = frame_urls()["letters.index"]
    return f"{base}?{query}" if query else base


@bp.get("")
def index():
    """The letters, those that go with the fiches of `pour` first (an orientation result, a fiche)."""
    pour = [fiche_id for fiche_id in request.args.getlist("pour")[:MAX_FICHES] if fiche_id in current_catalog().fiches]
    first = letters_for(pour)
    others = [letter for letter in LETTERS.values() if letter not in first]
    return render_template("letters/index.html", first=first, others=others, lieu=_place(), pour=pour)


@bp.get("/<letter_id>")
def letter_page(letter_id: str):
    """One letter, its blanks editable in place, printed on one A4 page with the contacts known for the place."""
    letter = LETTERS.get(letter_id)
    if letter is None:
        abort(404)
    lieu = _place()
    found = resolve_lieu(lieu) if lieu else None
    page = render_template(
        "letters/letter.html",
        letter=letter,
        lieu=lieu,
        found=found,
        contacts=_contacts(letter, found.departement if found else None),
        today=date.today(),
    )
    return page, HEADERS


def _contacts(letter: Letter, departement) -> list:
    """The acteurs of the letter and their means in the département (local first), or nationally."""
    catalog = current_catalog()
    groups = []
    for acteur_id in letter.acteurs:
        if departement is not None:
            groups += contacts_in(departement, pour=acteur_id)
        elif acteur_id in catalog.fiches:
            groups.append(national_group(catalog.fiches[acteur_id]))
    return [group for group in groups if group.means or group.mentions or group.instead]
