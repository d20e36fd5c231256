"""The web layer: blueprints per area, shared template helpers and error pages."""

from urllib.parse import urlencode

from flask import Flask, request


def init_app(app: Flask) -> None:
    """Register blueprints, template filters and error pages on `app`."""
    from portal import counts, retention
    from portal.web import (
        api,
        assets,
        caching,
        contacts,
        coverage,
        dashboard,
        data_inclusion,
        directory,
        editors,
        errors,
        filters,
        fragments,
        glossary,
        health,
        legal,
        letters,
        orientation,
        reports,
        search,
        security,
    )

    app.register_blueprint(directory.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(orientation.bp)
    app.register_blueprint(orientation.api_bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(contacts.bp)
    app.register_blueprint(coverage.bp)
    app.register_blueprint(data_inclusion.bp)
    app.register_blueprint(glossary.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(letters.bp)
    legal.init_app(app)  # the pages the law asks for, and the licence header of the API
    reports.init_app(app)
    counts.init_app(app)
    retention.init_app(app)
    app.register_blueprint(editors.bp)
    app.register_blueprint(dashboard.bp)
    errors.init_app(app)
    filters.init_app(app)
    fragments.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    caching.init_app(app)
    app.after_request(_vary_on_htmx)
    app.context_processor(_navigation)


# The ways into the portal: (endpoint, navigation label, home title, home text). An area appears in the
# navigation as soon as its blueprint is registered; those with a title are the ways in of the home page.
WAYS = [
    (
        "orientation.index",
        "Orienter",
        "Orienter un salarié",
        "En quelques questions, les dispositifs à mobiliser, dans l'ordre où agir, et qui appeler. Vous êtes :",
    ),
    (
        "contacts.contacts_page",
        "Qui contacter ?",
        "Qui contacter ?",
        "Une commune, un code postal ou un département : les interlocuteurs du maintien en emploi près du salarié.",
    ),
    ("directory.fiche_list", "Fiches", None, None),  # on the home page, the link « Toutes les fiches »
    ("search.search_page", "Rechercher", None, None),
    ("glossary.glossary_page", "Glossaire", None, None),
]


def _navigation() -> dict:
    def available() -> list[tuple[str, str, str | None, str | None, str]]:
        urls = frame_urls()
        return [(*way, urls[way[0]]) for way in WAYS if way[0] in urls]

    def nav_links() -> list[tuple[str, str, str]]:
        return [(endpoint, label, href) for endpoint, label, _title, _text, href in available()]

    def home_ways() -> list[dict]:
        return [
            {"endpoint": endpoint, "href": href, "title": title, "text": text}
            for endpoint, _l, title, text, href in available()
            if title
        ]

    def search_url() -> str:
        urls = frame_urls()
        return urls.get("search.search_page") or urls["directory.fiche_list"]

    return {
        "nav_links": nav_links,
        "home_ways": home_ways,
        "search_url": search_url,
        "fiche_url": fiche_url,
        "frame_urls": frame_urls,
        "legal_links": legal_links,
    }


# The footer's links to the pages the law asks for (portal/web/legal.py): endpoint -> label.
LEGAL_PAGES = {
    "legal.accessibility": "Accessibilité : non conforme",
    "legal.notices": "Mentions légales",
    "legal.personal_data": "Données personnelles",
}


def legal_links() -> list[tuple[str, str]]:
    urls = frame_urls()
    return [(urls[endpoint], label) for endpoint, label in LEGAL_PAGES.items() if endpoint in urls]


FRAME_ASSETS = {"css": "css/portal.css", "htmx": "vendor/htmx.min.js", "js": "js/portal.js"}
FRAME_ENDPOINTS = (
    "directory.home",
    "api.fiches",
    "api.openapi",
    "letters.index",
    *(way[0] for way in WAYS),
    *LEGAL_PAGES,
)


def frame_urls() -> dict[str, str]:
    """The addresses every page links to (styles, scripts, navigation, API, the fiche prefix), built once per
    script root rather than a dozen url_for calls a page; in the editors' preview, where files change, once
    per request."""
    from flask import current_app, g

    urls = g.get("frame_urls")
    if urls is None:
        cache = current_app.extensions.setdefault("portal_frame_urls", {})
        urls = None if current_app.config.get("DEV") else cache.get(request.script_root)
        if urls is None:
            urls = _build_frame_urls()
            if len(cache) > 8:  # a handful of prefixes at most behind a proxy; never grow without bound
                cache.clear()
            cache[request.script_root] = urls
        g.frame_urls = urls
    return urls


def _build_frame_urls() -> dict[str, str]:
    from flask import current_app, url_for

    registered = current_app.view_functions
    urls = {name: url_for("static", filename=path) for name, path in FRAME_ASSETS.items()}
    urls |= {endpoint: url_for(endpoint) for endpoint in FRAME_ENDPOINTS if endpoint in registered}
    urls["fiche"] = url_for("directory.fiche_detail", fiche_id="x")[:-1]
    return urls


QUERY_SAFE = "!$'()*,/:;?@"  # the characters werkzeug leaves as they are in a query string (urls._urlencode)


def query_string(pairs: list[tuple[str, object]]) -> str:
    """`pairs` with a value, as url_for encodes them in a query string (werkzeug's safe characters): links built
    many times a page (facets, the letters of a result) join a base from frame_urls() and this, at a fraction of
    url_for's cost."""
    return urlencode([(name, value) for name, value in pairs if value], safe=QUERY_SAFE)


def fiche_url(fiche_id: str) -> str:
    """The address of a fiche, as `url_for('directory.fiche_detail', …)` gives it, at a tenth of the cost: the
    home page, the directory and the contacts pages link 20 to 50 fiches. Ids are checked kebab-case ASCII at
    load, so they need no escaping."""
    return frame_urls()["fiche"] + fiche_id


HTMX_HEADERS = ("HX-Request", "HX-History-Restore-Request")


def wants_fragment() -> bool:
    """True when htmx asks for a piece of page (not when it restores history: that needs the full page)."""
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _vary_on_htmx(response):
    # The same URL answers a full page or a fragment (a history restore gets the full page): caches, the
    # browser's own included, must keep them apart.
    response.vary.update(HTMX_HEADERS)
    return response
