"""/api/openapi.json: an OpenAPI 3.1 document that a maintained validator accepts, that names every /api/ route of
the app, and that the real answers of each route match (openapi-core), on the test content and the real one."""

import pytest
from apps import portal_app
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from portal.licence import LINK_HEADER

# At least one real request for every route, with its answers that are not 200 too.
REQUESTS = [
    "/api/openapi.json",
    "/api/fiches",
    "/api/fiches?type=dispositif&etape=pendant-arret",
    "/api/fiches/essai-encadre",
    "/api/fiches/cap-emploi",
    "/api/fiches/inconnue",
    "/api/orientation",
    "/api/orientation/medecin-du-travail",
    "/api/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie",
    "/api/orientation/medecin-du-travail?etape=reprise&lieu=56",
    "/api/orientation/medecin-du-travail?etape=reprise&etape=sans-arret",
    "/api/orientation/inconnu",
    "/api/recherche?q=essai",
    "/api/recherche?q=esai+encadre",
    "/api/recherche",
    "/api/contacts?lieu=56",
    "/api/contacts?lieu=Vannes&pour=essai-encadre",
    "/api/contacts?lieu=Saint-Denis",
    "/api/contacts?lieu=Nullepartville",
    "/api/couverture",
    "/api/glossaire",
    "/api/data-inclusion/structures",
    "/api/data-inclusion/services?page=1&size=3",
    "/api/data-inclusion/structures?page=zero",
]


@pytest.fixture(scope="module")
def fixture_app(tmp_path_factory):
    return portal_app(tmp_path_factory.mktemp("openapi"))


def _document(app) -> dict:
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200 and response.headers["Link"] == LINK_HEADER
    return response.get_json()


def _openapi_path(rule: str) -> str:
    """« /api/fiches/<fiche_id> » -> « /api/fiches/{fiche_id} »."""
    return rule.replace("<", "{").replace(">", "}").replace("{path:", "{").replace("{int:", "{")


def test_the_document_is_valid_openapi_3_1(fixture_app):
    document = _document(fixture_app)
    assert document["openapi"].startswith("3.1")
    validate(document)  # openapi-spec-validator: raises on any error


def test_the_validator_refuses_a_broken_document(fixture_app):
    # Proves the check above can fail: a response without its description is not OpenAPI.
    document = _document(fixture_app)
    del document["paths"]["/api/fiches"]["get"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_every_api_route_of_the_app_is_described_and_nothing_else(fixture_app):
    routes = {_openapi_path(rule.rule) for rule in fixture_app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    described = set(_document(fixture_app)["paths"])
    assert routes - described == set(), "routes de l'API absentes de /api/openapi.json"
    assert described - routes == set(), "chemins décrits qui ne sont pas des routes"
    requested = {path.split("?")[0] for path in REQUESTS}
    for route in routes:  # and each is exercised below
        prefix = route.split("{")[0]
        assert any(r == route or ("{" in route and r.startswith(prefix) and r != prefix) for r in requested), route


@pytest.mark.parametrize("app_name", ["fixture_app", "real_app"])
def test_every_answer_matches_the_document(request, app_name):
    app = request.getfixturevalue(app_name)
    spec = OpenAPI.from_dict(_document(app))
    client = app.test_client()
    statuses = set()
    for path in REQUESTS:
        response = client.get(path)
        statuses.add(response.status_code)
        if response.status_code // 100 == 3:  # a redirect: its address, no body to describe
            assert response.headers["Location"].startswith("/api/"), path
        else:
            assert response.mimetype == "application/json", path
        assert response.headers.get("Link") == LINK_HEADER, path
        spec.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response))
    assert {200, 400, 404} <= statuses
    if app_name == "real_app":  # an archived fiche of the real content: 301 to the fiche that replaces it
        response = client.get("/api/fiches/cemaphor")
        assert response.status_code == 301 and response.headers["Location"] == "/api/fiches/amenagement-poste"
        spec.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response))


def test_a_wrong_answer_is_caught(fixture_app):
    # Proves the check can fail: a fiche without its title does not match the document.
    spec = OpenAPI.from_dict(_document(fixture_app))
    response = fixture_app.test_client().get("/api/fiches/essai-encadre")
    body = response.get_json()
    del body["titre"]
    response.set_data(__import__("json").dumps(body))
    with pytest.raises(Exception, match="(?i)invalid|titre"):
        spec.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response))


def test_the_list_answers_carry_the_licence(fixture_app):
    client = fixture_app.test_client()
    for path in ("/api/fiches", "/api/data-inclusion/structures", "/api/data-inclusion/services"):
        licence = client.get(path).get_json()["licence"]
        assert licence["nom"] == "Licence Ouverte 2.0 (Etalab)"
        assert licence["url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
        assert licence["code"] == "MIT"
