"""Put a content version in service: load the catalog, rebuild the SQL tables and the search index."""

import sys

from flask import Flask, current_app

from portal.catalog import Catalog, load_catalog
from portal.diagnostics import ContentError
from portal.search import SearchIndex, build_index
from portal.store import instance_lock, make_engine, sync_derived_tables


def install_content(app: Flask) -> None:
    """Load the content of `app`'s settings and make it the served version; stop with French errors if broken
    (in dev mode, go on: the preview shows the problems until they are fixed)."""
    app.extensions["portal_engine"] = make_engine(app.config["DATABASE_URL"])
    try:
        catalog = load_catalog(app.config["CONTENT_DIR"], app.config["TREES_DIR"])
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        if app.config.get("DEV"):
            app.extensions["portal_problems"] = tuple(error.problems)
            print("Le contenu a des erreurs : l'aperçu les affiche jusqu'à leur correction.", file=sys.stderr)
            return
        raise SystemExit("Le contenu a des erreurs : corrigez-les (portal check) puis relancez le portail.") from None
    serve_catalog(app, catalog)


def serve_catalog(app: Flask, catalog: Catalog) -> None:
    """Derive the tables (and index) of `catalog` once per version, then serve it."""
    with instance_lock(app.instance_path, "content"):
        sync_derived_tables(app.extensions["portal_engine"], catalog)
        index_path = build_index(app.config["INDEX_DIR"], catalog)
    app.extensions["portal_search"] = SearchIndex(index_path, catalog)
    app.extensions["portal_catalog"] = catalog


def current_catalog() -> Catalog:
    """The catalog the app serves now."""
    return current_app.extensions["portal_catalog"]
