"""Where is the patient: communes, codes postaux, départements (codes and names), DROM, Corsica, homonyms, all
from the official dataset of @etalab/decoupage-administratif."""

import json

import pytest

from portal.config import ROOT
from portal.places import Places, build_lookup, load_places, write_lookup

DATA_PATH = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"  # the default setting
DATA = str(DATA_PATH)


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> Places:
    return load_places(DATA, tmp_path_factory.mktemp("places"))


@pytest.mark.parametrize(
    ("typed", "code", "place"),
    [
        ("56000", "56", "56000 Vannes"),
        ("56100 Lorient", "56", "56100 Lorient"),
        ("Lorient", "56", "Lorient"),
        ("LORIENT", "56", "Lorient"),
        ("56", "56", None),
        ("Morbihan", "56", None),
        ("morbihan", "56", None),
        ("1", "01", None),
        ("cotes d armor", "22", None),
        ("Côtes-d’Armor", "22", None),
        ("st malo", "35", "Saint-Malo"),
        ("saint-brieuc", "22", "Saint-Brieuc"),
        ("sables d olonne", "85", "Les Sables-d'Olonne"),
        ("Paris", "75", "Paris"),
        ("75015", "75", None),
        ("Marseille", "13", "Marseille"),
        ("Saint-Denis (93)", "93", "Saint-Denis"),
        ("saint denis 974", "974", "Saint-Denis"),
        # Corsica: 2A and 2B, and a code postal 20xxx goes to one or the other by commune.
        ("2A", "2A", None),
        ("2b", "2B", None),
        ("Corse-du-Sud", "2A", None),
        ("haute corse", "2B", None),
        ("20000", "2A", "20000 Ajaccio"),
        ("20200", "2B", None),
        ("Ajaccio", "2A", "Ajaccio"),
        ("Bastia", "2B", "Bastia"),
        # DROM
        ("971", "971", None),
        ("Pointe-à-Pitre", "971", "Pointe-à-Pitre"),
        ("Martinique", "972", None),
        ("Fort de France", "972", "Fort-de-France"),
        ("Cayenne", "973", "Cayenne"),
        ("97300", "973", None),
        ("974", "974", None),
        ("Mamoudzou", "976", "Mamoudzou"),
        ("97600", "976", None),
    ],
)
def test_place_resolves_to_its_departement(places, typed, code, place):
    resolution = places.resolve(typed)
    assert resolution.departement is not None, resolution.message
    assert resolution.departement.code == code
    if place:
        assert resolution.place == place


def test_homonyms_are_offered_never_picked(places):
    resolution = places.resolve("Saint-Denis")
    assert resolution.departement is None
    codes = {c.departement.code for c in resolution.candidats}
    assert {"93", "974"} <= codes and len(codes) >= 3
    assert "Saint-Denis (93)" in [c.lieu for c in resolution.candidats]
    assert places.resolve("st denis").candidats == resolution.candidats


def test_a_departement_name_that_is_also_a_commune_elsewhere_is_a_choice(places):
    resolution = places.resolve("Vienne")
    assert {c.label for c in resolution.candidats} >= {"Vienne (86)", "Vienne (Isère, 38)"}


def test_a_code_postal_over_two_departements_is_a_choice(places):
    resolution = places.resolve("05110")
    assert {c.departement.code for c in resolution.candidats} == {"04", "05"}
    assert "plusieurs départements" in resolution.message


def test_corsica_without_a_letter_asks_which(places):
    resolution = places.resolve("20")
    assert [c.departement.code for c in resolution.candidats] == ["2A", "2B"]


def test_a_region_asks_for_the_departement(places):
    codes = {c.departement.code for c in places.resolve("Bretagne").candidats}
    assert {"22", "29", "35", "56"} <= codes


def test_unknown_place_gets_suggestions(places):
    resolution = places.resolve("Lorien")
    assert resolution.departement is None and "Aucune commune" in resolution.message
    assert "Lorient (Morbihan, 56)" in [c.label for c in resolution.suggestions]


def test_unknown_code_postal_falls_back_on_its_departement(places):
    resolution = places.resolve("56999")
    assert resolution.departement.code == "56" and "CEDEX" in resolution.message


@pytest.mark.parametrize("typed", ["", "   ", "x" * 5000, "<script>", "00000", "999", "\x00", "((("])
def test_odd_input_never_raises(places, typed):
    resolution = places.resolve(typed)
    assert resolution.departement is None or resolution.departement.code


def test_every_departement_resolves_by_code_and_by_name():
    data = json.loads((DATA_PATH / "departements.json").read_text(encoding="utf-8"))
    places = Places(build_lookup(DATA_PATH))
    for departement in data:
        assert places.resolve(departement["code"]).departement.code == departement["code"]
        by_name = places.resolve(departement["nom"])
        codes = [by_name.departement.code] if by_name.departement else [c.departement.code for c in by_name.candidats]
        assert departement["code"] in codes, departement["nom"]


def test_the_lookup_is_written_once_then_read(tmp_path):
    first = write_lookup(DATA, tmp_path)
    stamp = first.stat().st_mtime_ns
    assert write_lookup(DATA, tmp_path) == first and first.stat().st_mtime_ns == stamp
    assert first.stat().st_size < 4_000_000  # compact beside the 8.6 MB communes.json
