"""The HTTP benchmark drives real pages: every path it generates answers 200, so no route is silently skipped."""

import random

import pytest

from bench.http_load import STATIC_PATH, parse_args, route_paths
from portal.serving import current_catalog

# The view each benchmarked route exercises.
ROUTE_ENDPOINTS = {
    "accueil": "directory.home",
    "fiche": "directory.fiche_detail",
    "recherche": "search.search_page",
    "etape-arbre": "orientation.walk",
    "resultat-arbre": "orientation.walk",
    "contacts": "contacts.contacts_page",
}


@pytest.mark.parametrize("route", ROUTE_ENDPOINTS)
def test_every_benchmarked_path_answers_200(app, client, route):
    assert ROUTE_ENDPOINTS[route] in app.view_functions  # a renamed endpoint must be renamed here too
    with app.app_context():
        paths = route_paths(current_catalog(), random.Random(1))[route]
    assert paths
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_tree_results_carry_a_place_for_local_contacts(app):
    with app.app_context():
        results = route_paths(current_catalog(), random.Random(1))["resultat-arbre"]
    assert results and all("lieu=" in path for path in results)


def test_static_baseline_is_served(client):
    with client.get(STATIC_PATH) as response:
        assert response.status_code == 200


def test_soak_defaults_to_five_minutes_and_http_to_ten_seconds_per_route():
    assert parse_args(["--soak"]).duree == 300
    assert parse_args(["--http"]).duree == 10
    assert parse_args(["--http"]).connexions == 32
