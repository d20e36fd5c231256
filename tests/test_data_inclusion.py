"""/api/data-inclusion/structures and /services: the directory in the data·inclusion schema, checked with the
schema's own v1 models (the pinned `data-inclusion-schema` package), on the test content and on the real one."""

import math
import re
import shutil
from pathlib import Path

import pytest
from apps import portal_app
from data_inclusion.schema import v1

from portal.config import ROOT
from portal.data_inclusion import e164

FIXTURES = Path(__file__).parent / "fixtures"
STRUCTURES, SERVICES = "/api/data-inclusion/structures", "/api/data-inclusion/services"
MODELS = {STRUCTURES: v1.Structure, SERVICES: v1.Service}
BRETAGNE = ["22", "29", "35", "56"]

# Added to a copy of the test content: a regional dispositif, a local contact with a phone and a postal address,
# a regional contact, a local contact outside the regional dispositif's zone, with an address that cannot be read
# and an email the portal takes but the schema refuses.
EXTRA_FILES = {
    "dispositifs/remobilisation-bretagne.yaml": """\
id: remobilisation-bretagne
titre: Action de remobilisation en Bretagne
resume: Une action pendant l'arrêt de travail, en Bretagne seulement.
description: Une action de remobilisation professionnelle pendant l'arrêt, proposée en Bretagne.
publics: [salarie, employeur]
acteurs: [cap-emploi, service-social-assurance-maladie]
zone:
  regions: ["53"]
sources:
  - titre: Faits PDP
    document: faits-pdp.md
    vu_le: 2026-11-22
  - titre: ameli.fr, prévention de la désinsertion professionnelle
    url: https://www.ameli.fr/assure/droits-demarches/maladie-accident-hospitalisation/prevention-desinsertion-professionnelle
    vu_le: 2026-11-22
mis_a_jour: 2026-11-20
statut: verifie
""",
    "territoires/35.yaml": """\
departement: "35"
mis_a_jour: 2026-11-22
contacts:
  - acteur: cap-emploi
    nom: Cap emploi 35 (Ille-et-Vilaine)
    telephone: "02 99 00 00 35"
    email: contact@capemploi35.example.fr
    adresse: 4 rue de l'Exemple, CS 10001, 35000 Rennes Cedex 9
    horaires: du lundi au vendredi
    source:
      titre: Site de Cap emploi 35
      url: https://capemploi35.example.fr/contact
      vu_le: 2026-11-21
    statut: verifie
""",
    "territoires/21.yaml": """\
departement: "21"
mis_a_jour: 2026-11-22
contacts:
  - acteur: cap-emploi
    nom: Cap emploi 21 (Côte-d'Or)
    telephone: "03 80 00 00 21"
    email: cap..21@example.fr
    adresse: Maison de l'emploi, près de la gare
    source:
      titre: Site de Cap emploi 21
      url: https://capemploi21.example.fr/contact
      vu_le: 2026-11-21
""",
    "regions/53.yaml": """\
region: "53"
mis_a_jour: 2026-11-22
contacts:
  - acteur: service-social-assurance-maladie
    nom: Service social de l'Assurance Maladie — Carsat Bretagne
    email: service.social@carsat-bretagne.example.fr
    source:
      titre: Carsat Bretagne
      url: https://carsat-bretagne.example.fr
      vu_le: 2026-11-19
    statut: a-verifier
""",
}


def _client(content: Path, tmp: Path):
    trees = ROOT / "trees" if content == ROOT / "content" else FIXTURES / "trees"
    return portal_app(tmp, content, trees).test_client()


def _test_content(tmp: Path, extra: dict[str, str]) -> Path:
    """tests/fixtures/content plus `extra` files, in a temporary copy (never in the checkout)."""
    content = tmp / "content"
    shutil.copytree(FIXTURES / "content", content)
    for name, text in extra.items():
        (content / name).parent.mkdir(exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    """A client on the test content plus EXTRA_FILES."""
    tmp = tmp_path_factory.mktemp("data-inclusion")
    return _client(_test_content(tmp, EXTRA_FILES), tmp)


@pytest.fixture(scope="module")
def fixture_client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fixture")
    return _client(_test_content(tmp, {}), tmp)


@pytest.fixture(scope="module")
def real(real_client):
    return real_client


def items(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["total"] == len(body["items"]) and body["page"] == 1 and body["pages"] <= 1
    return body["items"]


def by_id(client, path: str) -> dict[str, dict]:
    return {item["id"]: item for item in items(client, path)}


@pytest.mark.parametrize("content", ["fixture_client", "extended", "real"])
def test_every_item_is_valid_against_the_schema_v1_models(request, content):
    client = request.getfixturevalue(content)
    for path, model in MODELS.items():
        found = items(client, path)
        assert found, f"{path} est vide sur {content}"
        for item in found:
            # Warnings of the schema (a name ending with a full stop…) are errors here.
            model.model_validate(item, context={"ignore_warnings": False})
            assert set(item) == set(model.model_fields), "un champ hors du schéma, ou un champ du schéma absent"
            assert item["source"] == "portail-pdp"
            assert len(item["nom"].strip()) >= 3
            assert item["lien_source"].startswith("http://localhost/fiches/")


@pytest.mark.parametrize("content", ["fixture_client", "extended", "real"])
def test_ids_are_unique_url_safe_and_each_service_names_a_published_structure(request, content):
    client = request.getfixturevalue(content)
    structures, services = items(client, STRUCTURES), items(client, SERVICES)
    for found in (structures, services):
        ids = [item["id"] for item in found]
        assert len(ids) == len(set(ids))
        assert all(
            i.startswith("pdp-") and i.replace("-", "").isalnum() and i.isascii() and i == i.lower() for i in ids
        )
    structure_ids = {item["id"] for item in structures}
    assert {service["structure_id"] for service in services} <= structure_ids


def test_ids_are_stable_across_instances_and_content_order(extended, tmp_path):
    # Another instance, the same files written in reverse order: the same items, ids included.
    other = _client(_test_content(tmp_path, dict(reversed(EXTRA_FILES.items()))), tmp_path)
    for path in MODELS:
        assert items(other, path) == items(extended, path)
    assert "pdp-cap-emploi-35-cap-emploi-35-ille-et-vilaine" in by_id(extended, STRUCTURES)
    assert "pdp-service-social-assurance-maladie-national-service-social-de-l-assurance-maladie" in by_id(
        extended, STRUCTURES
    )


def test_a_local_contact_is_a_structure_with_its_phone_and_the_address_it_states(extended):
    structure = by_id(extended, STRUCTURES)["pdp-cap-emploi-35-cap-emploi-35-ille-et-vilaine"]
    assert structure["nom"] == "Cap emploi 35 (Ille-et-Vilaine)"
    assert structure["telephone"] == "+33299000035"  # E.164, as the schema prefers
    assert structure["courriel"] == "contact@capemploi35.example.fr"
    assert (structure["adresse"], structure["complement_adresse"]) == ("4 rue de l'Exemple", "CS 10001")
    assert (structure["code_postal"], structure["commune"]) == ("35000", "Rennes")
    assert structure["date_maj"] == "2026-11-21"  # when its source was read
    assert structure["lien_source"] == "http://localhost/fiches/cap-emploi"
    assert structure["reseaux_porteurs"] == ["cap-emploi-reseau-cheops"]
    assert "Horaires : du lundi au vendredi." in structure["description"]
    assert structure["horaires_accueil"] is None  # free text, not the OpenStreetMap format the schema asks


def test_an_address_that_cannot_be_read_is_not_guessed(extended):
    structure = by_id(extended, STRUCTURES)["pdp-cap-emploi-21-cap-emploi-21-cote-d-or"]
    assert structure["telephone"] == "+33380000021"
    assert [structure[key] for key in ("adresse", "complement_adresse", "code_postal", "commune")] == [None] * 4


def test_a_value_the_schema_refuses_is_left_out_and_the_rest_published(extended):
    structure = by_id(extended, STRUCTURES)["pdp-cap-emploi-21-cap-emploi-21-cote-d-or"]
    assert structure["courriel"] is None  # « cap..21@example.fr »: not an address for the schema
    service = by_id(extended, SERVICES)["pdp-cap-emploi-21-cap-emploi-21-cote-d-or--essai-encadre"]
    assert service["modes_mobilisation"] == ["telephoner"]  # no email to send to


def test_a_contact_known_by_name_only_is_not_published(extended):
    names = [structure["nom"] for structure in items(extended, STRUCTURES)]
    assert "Cap emploi du Morbihan" not in names  # tests/fixtures/content/territoires/56.yaml: no coordinates
    assert "Service social de l'Assurance Maladie — Carsat Bretagne" in names  # an email is enough


def test_a_contact_to_check_says_so_and_an_acteur_outside_the_schema_networks_has_none(extended):
    structure = by_id(extended, STRUCTURES)[
        "pdp-service-social-assurance-maladie-r53-service-social-de-l-assurance-maladie-carsat-bretagne"
    ]
    assert structure["description"].endswith("Coordonnées à vérifier.")
    assert structure["reseaux_porteurs"] is None  # the schema has no value for the Carsat's social service


def test_a_regional_dispositif_carries_its_zone_and_only_structures_inside_it(extended):
    services = [s for s in items(extended, SERVICES) if s["id"].endswith("--remobilisation-bretagne")]
    zones = {service["structure_id"]: service["zone_eligibilite"] for service in services}
    assert zones == {
        "pdp-service-social-assurance-maladie-national-service-social-de-l-assurance-maladie": BRETAGNE,
        "pdp-service-social-assurance-maladie-r53-service-social-de-l-assurance-maladie-carsat-bretagne": BRETAGNE,
        "pdp-cap-emploi-35-cap-emploi-35-ille-et-vilaine": ["35"],
    }  # not Cap emploi 21: Côte-d'Or is outside Bretagne
    service = services[0]
    assert service["date_maj"] == "2026-11-20"
    assert service["lien_source"] == "http://localhost/fiches/remobilisation-bretagne"
    assert service["publics"] == ["actifs"]  # an employer is not a public of the schema
    assert service["publics_precisions"] == "Pour : Salarié, Employeur."


def test_a_national_dispositif_is_a_service_of_each_structure_that_delivers_it(extended):
    services = {s["structure_id"]: s for s in items(extended, SERVICES) if s["id"].endswith("--essai-encadre")}
    assert set(services) == {
        "pdp-service-social-assurance-maladie-national-service-social-de-l-assurance-maladie",
        "pdp-service-social-assurance-maladie-r53-service-social-de-l-assurance-maladie-carsat-bretagne",
        "pdp-cap-emploi-35-cap-emploi-35-ille-et-vilaine",
        "pdp-cap-emploi-21-cap-emploi-21-cote-d-or",
    }
    national = services["pdp-service-social-assurance-maladie-national-service-social-de-l-assurance-maladie"]
    assert national["nom"] == "Essai encadré"
    assert national["zone_eligibilite"] == ["france"]
    assert national["thematiques"] == ["trouver-un-emploi--maintien-dans-lemploi"]
    assert national["publics"] == ["actifs"]
    assert national["conditions_acces"] == "Être en arrêt de travail indemnisé par la CPAM."
    assert national["modes_mobilisation"] == ["telephoner"]
    assert services["pdp-cap-emploi-35-cap-emploi-35-ille-et-vilaine"]["modes_mobilisation"] == [
        "envoyer-un-courriel",
        "telephoner",
    ]
    assert services["pdp-cap-emploi-35-cap-emploi-35-ille-et-vilaine"]["zone_eligibilite"] == ["35"]


def test_real_content_local_phones_and_addresses_reach_their_structures(real):
    structure = by_id(real, STRUCTURES)["pdp-service-social-assurance-maladie-21-service-social-de-la-carsat-cote-d-or"]
    assert structure["telephone"] == "+33380768001"
    assert structure["courriel"] == "servicesocial.dijon@carsat-bfc.fr"
    assert (structure["adresse"], structure["code_postal"], structure["commune"]) == (
        "1D boulevard de Champagne",
        "21000",
        "Dijon",
    )
    services = items(real, SERVICES)
    assert any(s["structure_id"] == structure["id"] and s["id"].endswith("--essai-encadre") for s in services)


def test_pages_like_the_data_inclusion_api(extended):
    everything = items(extended, STRUCTURES)
    body = extended.get(STRUCTURES, query_string={"page": 2, "size": 2}).get_json()
    assert body["items"] == everything[2:4]
    assert (body["total"], body["page"], body["size"]) == (len(everything), 2, 2)
    assert body["pages"] == math.ceil(len(everything) / 2)
    beyond = extended.get(STRUCTURES, query_string={"page": 99}).get_json()
    assert beyond["items"] == [] and beyond["total"] == len(everything)


@pytest.mark.parametrize("query", [{"page": "0"}, {"page": "deux"}, {"size": "10001"}, {"size": "-1"}, {"page": "1.5"}])
def test_a_page_that_cannot_be_read_is_refused_in_french(fixture_client, query):
    response = fixture_client.get(SERVICES, query_string=query)
    assert response.status_code == 400
    assert "Le paramètre" in response.get_json()["message"]


def test_the_lists_are_kept_once_per_version_whatever_the_host_and_the_day(tmp_path, monkeypatch):
    import datetime

    import portal.web.data_inclusion

    client = _client(_test_content(tmp_path, {}), tmp_path)
    version = client.application.extensions["portal_version"]
    kept = lambda: [key for key in version._derived if key.startswith("data-inclusion")]  # noqa: E731
    for host in ("localhost", "127.0.0.1"):
        [item, *_] = client.get("/api/data-inclusion/services", headers={"Host": host}).get_json()["items"]
        assert item["lien_source"].startswith(f"http://{host}/fiches/")  # each host reads its own links
    assert len(kept()) == 1  # one copy, not one per Host (a wildcard host made it grow without bound)

    class Tomorrow(datetime.date):
        @classmethod
        def today(cls):
            return datetime.date.today() + datetime.timedelta(days=1)

    monkeypatch.setattr(portal.web.data_inclusion, "date", Tomorrow)
    first = version._derived["data-inclusion"]
    assert client.get("/api/data-inclusion/structures").status_code == 200
    assert len(kept()) == 1 and version._derived["data-inclusion"] is not first  # yesterday's lists dropped


@pytest.mark.parametrize(
    ("written", "published"),
    [
        ("02 99 00 00 35", "+33299000035"),
        ("0 800 11 10 09", "+33800111009"),  # a free number is France's, even for an office overseas
        ("05 96 70 09 95", "+596596700995"),  # Martinique's own country code
        ("+596 5 96 70 09 95", "+596596700995"),  # the 2019 directory's international form
        ("+594 5 94 39 16 80", "+594594391680"),
        ("02 62 90 00 00", "+262262900000"),  # La Réunion
        ("02 69 61 00 00", "+262269610000"),  # Mayotte
        ("36 46", "36 46"),  # a short number has no E.164 form: kept as written
        (None, None),
    ],
)
def test_phones_are_published_in_e164(written, published):
    assert e164(written) == published


def test_every_real_phone_is_e164_or_a_short_number(real):
    phones = [item["telephone"] for item in items(real, STRUCTURES) if item["telephone"]]
    assert phones
    for phone in phones:
        e164_form = phone.startswith("+") and phone[1:].isdigit() and 11 <= len(phone) <= 13
        assert e164_form or re.fullmatch(r"\d\d \d\d", phone), phone  # a short number (36 46) is kept as written
