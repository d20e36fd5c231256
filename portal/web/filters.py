"""Template helpers: French dates, labels of codes, glossary abbreviations."""

import re
from datetime import date

from flask import Flask
from markupsafe import Markup, escape

from portal.contacts import PORTEE_LABELS
from portal.models import ETAPES, PUBLICS, QUAND, RQTH_LABELS, TYPES, Fiche
from portal.serving import current_catalog, current_places, current_version
from portal.web.coverage import current_coverage
from portal.zones import zone_names

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def date_fr(value: date | None) -> str:
    """« 5 juillet 2024 »."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def time_since(value: date, today: date | None = None) -> str:
    """« il y a 3 mois », « aujourd'hui »."""
    days = ((today or date.today()) - value).days
    if days <= 0:
        return "aujourd'hui"
    if days < 31:
        return f"il y a {days} jour{'s' if days > 1 else ''}"
    months = days // 30
    if months < 12:
        return f"il y a {months} mois"
    years = days // 365
    return f"il y a {years} an{'s' if years > 1 else ''}"


def paragraphs(text: str) -> list[str]:
    """A description split on blank lines."""
    return [part.strip() for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]


def _glossary_acronyms() -> tuple[re.Pattern | None, dict[str, str], dict[str, Markup]]:
    """The pattern of the glossary's acronyms, their definitions, and the texts already marked up (content texts
    are few and fixed per version: the regex work is done once per text, not once per page view)."""
    acronyms = {
        terme.terme: terme.definition
        for terme in current_catalog().glossaire
        if re.fullmatch(r"[A-ZÉ][A-ZÉ0-9/]{1,9}", terme.terme)
    }
    if not acronyms:
        return None, {}, {}
    alternatives = "|".join(re.escape(term) for term in sorted(acronyms, key=len, reverse=True))
    return re.compile(rf"(?<![\w/])({alternatives})(?![\w/])"), acronyms, {}


def with_abbr(text: str) -> Markup:
    """Escape `text`, then wrap each glossary acronym in <abbr title="…">."""
    pattern, acronyms, done = current_version().derived("sigles", _glossary_acronyms)
    # A Markup and a str of the same characters are escaped differently: the type is part of the key.
    key = (type(text), text)
    found = done.get(key)
    if found is None:
        escaped = str(escape(text))
        if pattern is not None:
            escaped = pattern.sub(
                lambda m: f'<abbr title="{escape(acronyms[m.group(1)])}">{m.group(1)}</abbr>', escaped
            )
        found = done[key] = Markup(escaped)
    return found


def tel_href(number: str) -> str:
    """The digits of a phone as written (« 02 97 62 74 74 », « 36 46 ») for a `tel:` link."""
    return number.replace(" ", "").replace(".", "")


def zone_label(fiche: Fiche) -> str:
    """« Bretagne », « Finistère (29) » for a fiche that exists only there; empty for a national fiche."""
    if fiche.zone is None:
        return ""
    places = current_places()
    return ", ".join(zone_names(fiche, places.regions, places.departements))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date_fr=date_fr,
        time_since=time_since,
        paragraphs=paragraphs,
        abbr=with_abbr,
        zone_label=zone_label,
        tel_href=tel_href,
    )
    app.jinja_env.globals.update(
        ETAPES=ETAPES,
        PUBLICS=PUBLICS,
        TYPES=TYPES,
        RQTH_LABELS=RQTH_LABELS,
        QUAND=QUAND,
        PORTEE_LABELS=PORTEE_LABELS,
        catalog=current_catalog,
        coverage=current_coverage,
    )
