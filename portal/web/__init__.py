"""The web layer: blueprints per area, shared template helpers and error pages."""

from flask import Flask, request

from portal.store import close_session


def init_app(app: Flask) -> None:
    """Register blueprints, template filters and error pages on `app`."""
    from portal.web import (
        api,
        assets,
        contacts,
        directory,
        editors,
        errors,
        filters,
        glossary,
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
    app.register_blueprint(glossary.bp)
    reports.init_app(app)
    app.register_blueprint(editors.bp)
    errors.init_app(app)
    filters.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    app.teardown_appcontext(close_session)
    app.after_request(_vary_on_htmx)
    app.context_processor(_navigation)


# The ways into the portal: (endpoint, navigation label, home title, home text). An area appears in the
# navigation as soon as its blueprint is registered.
WAYS = [
    (
        "orientation.index",
        "Orienter",
        "Orienter un salarié",
        "Médecin du travail ou médecin traitant : en quelques questions, les dispositifs à mobiliser et qui appeler.",
    ),
    (
        "contacts.contacts_page",
        "Qui contacter ?",
        "Qui contacter ?",
        "Une commune, un code postal ou un département : les interlocuteurs du maintien en emploi près du salarié.",
    ),
    (
        "directory.fiche_list",
        "Fiches",
        "Toutes les fiches",
        "Les dispositifs et les acteurs, filtrés par étape et par public.",
    ),
    ("search.search_page", "Rechercher", None, None),
    ("glossary.glossary_page", "Glossaire", None, None),
]


def _navigation() -> dict:
    from flask import current_app, url_for

    registered = current_app.view_functions
    available = [way for way in WAYS if way[0] in registered]

    def nav_links() -> list[tuple[str, str, str]]:
        urls = frame_urls()
        return [(endpoint, label, urls[endpoint]) for endpoint, label, *_ in available]

    def home_ways() -> list[dict]:
        return [
            {"href": url_for(endpoint), "title": title, "text": text}
            for endpoint, _label, title, text in available
            if title
        ]

    def search_url() -> str:
        return url_for("search.search_page") if "search.search_page" in registered else url_for("directory.fiche_list")

    return {
        "nav_links": nav_links,
        "home_ways": home_ways,
        "search_url": search_url,
        "fiche_url": fiche_url,
        "frame_urls": frame_urls,
    }


FRAME_ASSETS = {"css": "css/portal.css", "htmx": "vendor/htmx.min.js", "js": "js/portal.js"}
FRAME_ENDPOINTS = ("directory.home", "api.fiches", *(way[0] for way in WAYS))


def frame_urls() -> dict[str, str]:
    """The addresses every page's frame links to (styles, scripts, navigation, API), built once per script root
    rather than ten url_for calls a page; rebuilt on each page in the editors' preview, where files change."""
    from flask import current_app, url_for

    cache = current_app.extensions.setdefault("portal_frame_urls", {})
    urls = cache.get(request.script_root)
    if urls is None or current_app.config.get("DEV"):
        registered = current_app.view_functions
        urls = {name: url_for("static", filename=path) for name, path in FRAME_ASSETS.items()}
        urls |= {endpoint: url_for(endpoint) for endpoint in FRAME_ENDPOINTS if endpoint in registered}
        if len(cache) > 8:  # a handful of prefixes at most behind a proxy; never grow without bound
            cache.clear()
        cache[request.script_root] = urls
    return urls


def fiche_url(fiche_id: str) -> str:
    """The address of a fiche, as `url_for('directory.fiche_detail', …)` gives it, at a tenth of the cost: the
    home page, the directory and the contacts pages link 20 to 50 fiches. Ids are checked kebab-case ASCII at
    load, so they need no escaping."""
    from flask import g, url_for

    prefix = g.get("fiche_url_prefix")
    if prefix is None:
        prefix = g.fiche_url_prefix = url_for("directory.fiche_detail", fiche_id="x")[:-1]
    return prefix + fiche_id


def wants_fragment() -> bool:
    """True when htmx asks for a piece of page (not when it restores history: that needs the full page)."""
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _vary_on_htmx(response):
    # The same URL answers a full page or a fragment: caches must keep them apart.
    response.vary.add("HX-Request")
    return response
