"""« Qui contacter ? »: the page, the API and `contacts_for`, on the directory fixture (territories 56 and 974)."""

import html
import re
from pathlib import Path

import pytest
from apps import portal_app

from portal.catalog import load_catalog
from portal.contacts import contacts_for

ANNUAIRE = Path(__file__).parent / "fixtures" / "annuaire" / "content"


@pytest.fixture(scope="module")
def annuaire_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("contacts")
    (tmp / "trees").mkdir()
    return portal_app(tmp, ANNUAIRE, tmp / "trees")


@pytest.fixture
def client(annuaire_app):
    return annuaire_app.test_client()


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ANNUAIRE)


def api(client, **params) -> tuple[int, dict]:
    response = client.get("/api/contacts", query_string=params)
    return response.status_code, response.get_json()


def test_a_code_postal_lists_the_local_contacts_grouped_by_acteur(client):
    page = client.get("/contacts?lieu=56000").text
    assert "Morbihan (56)" in page and "Lieu reconnu : 56000 Vannes" in page
    assert '<h3 id="acteur-cap-emploi"><a href="/fiches/cap-emploi">Cap emploi</a></h3>' in page
    assert "Cap emploi 56" in page
    assert 'href="tel:0297000056"' in page and 'href="mailto:contact@capemploi56.example.org"' in page
    assert "1 rue de la Gare, 56000 Vannes" in page and 'href="https://www.capemploi56.example.org"' in page
    assert "Source :" in page and "consulté le 22 novembre 2026" in page
    assert "SPST du Morbihan, cellule PDP" in page
    assert "contact national" not in page  # every acteur here has a local contact


def test_without_a_territory_file_each_acteur_gives_its_national_means_or_what_to_do(client):
    page = client.get("/contacts?lieu=Limoges").text
    assert "Haute-Vienne (87)" in page
    assert "comment joindre chaque acteur au niveau national" in page
    assert page.count('<span class="badge">national</span>') == 2  # Cap emploi, service social
    assert 'href="tel:3646"' in page and 'href="https://www.capemploi.info"' in page
    assert "Trouver le service de son département" in page  # the Cap emploi locator, by its purpose
    assert "acteur-spst" not in page  # nothing reaches it: no contact card…
    others = page[page.index("Sans coordonnées : que faire") :]
    assert '<a href="/fiches/spst">Service de prévention et de santé au travail</a>' in others  # …but named
    assert "dont l&#39;employeur affiche les coordonnées" in others  # …with what to do instead


def test_narrowed_to_a_dispositif(client):
    status, body = api(client, lieu="56000", pour="essai-encadre")
    assert status == 200
    assert body["departement"] == {"code": "56", "nom": "Morbihan"}
    assert [(c["acteur"], c["nom"], c["national"]) for c in body["contacts"]] == [
        ("service-social-assurance-maladie", "Service social de la Carsat Bretagne, Morbihan", False),
        ("cap-emploi", "Cap emploi 56", False),
    ]


def test_a_local_contact_for_another_dispositif_gives_way_to_the_national_entry_point(client):
    _, body = api(client, lieu="Vannes", pour="visite-pre-reprise")
    assert [(c["acteur"], c["national"]) for c in body["contacts"]] == [("service-social-assurance-maladie", True)]
    assert body["contacts"][0]["telephone"] == "36 46"
    assert body["sans_contact"] == []
    _, body = api(client, lieu="Limoges")
    assert [a["acteur"] for a in body["sans_contact"]] == ["spst"]


def test_narrowed_to_an_acteur(client):
    _, body = api(client, lieu="56", pour="cap-emploi")
    assert [c["nom"] for c in body["contacts"]] == ["Cap emploi 56"]


def test_api_contact_fields(client):
    _, body = api(client, lieu="Lorient")
    cap = next(c for c in body["contacts"] if c["acteur"] == "cap-emploi")
    assert cap["telephone"] == "02 97 00 00 56" and cap["email"] == "contact@capemploi56.example.org"
    assert cap["source"]["vu_le"] == "2026-11-22" and cap["statut"] == "verifie"
    assert body["lieu_reconnu"] == "Lorient"


def test_homonyms_are_choices_with_links(client):
    page = client.get("/contacts?lieu=saint+denis").text
    assert "Quel lieu ?" in page
    assert 'href="/contacts?lieu=Saint-Denis+(93)">Saint-Denis (Seine-Saint-Denis, 93)</a>' in page
    chosen = client.get("/contacts?lieu=Saint-Denis+%28974%29").text
    assert "La Réunion (974)" in chosen and "Cap emploi Réunion" in chosen
    status, body = api(client, lieu="Saint-Denis")
    assert status == 200 and "departement" not in body
    assert {
        "commune": "Saint-Denis",
        "departement": {"code": "974", "nom": "La Réunion"},
        "lieu": "Saint-Denis (974)",
    } in body["candidats"]


def test_choices_keep_the_dispositif(client):
    page = client.get("/contacts?lieu=Saint-Denis&pour=essai-encadre").text
    assert "lieu=Saint-Denis+(93)&amp;pour=essai-encadre" in page


def test_unknown_place_gets_suggestions(client):
    page = client.get("/contacts?lieu=Lorien").text
    assert "Lieu introuvable" in page and "Vouliez-vous dire" in page and "Lorient (Morbihan, 56)" in page
    status, body = api(client, lieu="Lorien")
    assert status == 404 and body["suggestions"][0]["lieu"]


@pytest.mark.parametrize(
    ("lieu", "code"),
    [("2A", "2A"), ("20000", "2A"), ("Bastia", "2B"), ("Haute-Corse", "2B"), ("971", "971"), ("Cayenne", "973")]
    + [("97600", "976"), ("Fort-de-France", "972"), ("saint denis 974", "974")],
)
def test_drom_and_corsica(client, lieu, code):
    status, body = api(client, lieu=lieu)
    assert status == 200 and body["departement"]["code"] == code
    assert body["contacts"]  # national entry points at least


def test_a_collectivite_d_outre_mer_is_told_its_rules_differ(client):
    page = client.get("/contacts?lieu=Nouméa").text
    assert "Nouvelle-Calédonie (988)" in page and "Collectivité d'outre-mer" in page


def test_missing_place_in_the_api_is_a_french_400(client):
    status, body = api(client)
    assert status == 400 and "lieu" in body["message"]


@pytest.mark.parametrize(
    "lieu", ["<script>alert(1)</script>", "x" * 5000, "\x00\x1b", "'; --", "((", "56000" * 50, "💼"]
)
def test_odd_places_get_a_french_page(client, lieu):
    response = client.get("/contacts", query_string={"lieu": lieu, "pour": "<b>x</b>"})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<b>x</b>" not in response.text
    assert "La fiche demandée n&#39;existe pas" in response.text


def test_the_page_works_without_javascript_and_swaps_with_htmx(client):
    page = client.get("/contacts").text
    assert '<form class="search-box place-form" action="/contacts" method="get"' in page
    assert '<label for="lieu">Commune, code postal ou département</label>' in page
    fragment = client.get("/contacts?lieu=56", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and "Cap emploi 56" in fragment


def test_a_fiche_offers_who_to_call_near_a_place(client):
    page = client.get("/fiches/essai-encadre").text
    reach = page[page.index('id="joindre"') : page.index('id="t-description"')]  # near the top
    assert "Qui contacter" in reach and 'href="tel:3646"' in reach  # each acteur with its most direct means
    assert '<input type="hidden" name="pour" value="essai-encadre">' in reach
    assert 'action="/contacts"' in reach


def test_an_acteur_fiche_shows_how_to_reach_it_then_its_local_office(client):
    page = client.get("/fiches/cap-emploi").text
    reach = page[page.index('id="joindre"') : page.index('id="t-description"')]
    assert "Joindre" in reach and 'href="https://www.capemploi.info"' in reach  # national: the locator
    local = client.get("/fiches/cap-emploi?lieu=Vannes").text
    reach = local[local.index('id="joindre"') : local.index('id="t-description"')]
    assert "Vannes, Morbihan (56)" in reach and 'href="tel:0297000056"' in reach
    assert "capemploi.info" not in reach  # the local office answers: the national locator gives way


# ---------------------------------------------------------------- contacts_for, as other code calls it


def test_contacts_for_without_pour_puts_local_contacts_first(catalog):
    groups = contacts_for(catalog, "974")
    assert [(g.acteur.id, g.national) for g in groups] == [
        ("cap-emploi", False),
        ("service-social-assurance-maladie", True),
        ("spst", True),  # no means at all: last, with what to do instead
    ]
    assert groups[0].contacts[0].nom == "Cap emploi Réunion"
    assert not groups[2].means and "employeur" in groups[2].instead


def test_contacts_for_an_unknown_pour_is_empty(catalog):
    assert contacts_for(catalog, "56", pour="nexiste-pas") == []


@pytest.mark.parametrize("fragment", [False, True], ids=["page", "htmx"])
def test_services_known_by_name_only_show_beside_the_acteur(app, fragment):
    """Vannes: Cap emploi du Morbihan, known by name only (not a way to reach it), shows beside what to do for its
    acteur, with its note, « à vérifier » and its source; the page without JavaScript and the htmx swap alike."""
    from portal.serving import current_catalog

    headers = {"HX-Request": "true"} if fragment else {}
    page = app.test_client().get("/contacts?lieu=Vannes", headers=headers).text
    assert ("<html" in page) is not fragment
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert re.search(r"Sans coordonnées : que faire Cap emploi .*Cap emploi du Morbihan : coordonnées pas encore", text)
    with app.app_context():
        catalog = current_catalog()
    mentions = [c for c in catalog.territoires["56"].contacts if not c.reachable]
    assert mentions
    for contact in mentions:  # each with « à vérifier », its note and its source
        said = f"{contact.nom} : coordonnées pas encore connues du portail. à vérifier {contact.note}"
        assert said in text and f"Source : {contact.source.titre}" in text


def test_contact_blocks_link_under_the_prefix_each_request_came_through(client):
    """The contact blocks are rendered once per version: behind a proxy that adds a prefix (SCRIPT_NAME), their
    links still carry the prefix of the request, and the next request without it gets none."""
    plain = client.get("/contacts?lieu=56").text
    prefixed = client.get("/contacts?lieu=56", environ_overrides={"SCRIPT_NAME": "/pdp"}).text
    again = client.get("/contacts?lieu=56").text
    assert 'href="/signaler/' in plain and 'href="/pdp/signaler/' not in plain
    assert 'href="/pdp/signaler/' in prefixed and 'href="/signaler/' not in prefixed
    assert again == plain
