"""Patient data refused in all its usual shapes, ordinary reports accepted: the corpus of tests/fixtures."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from portal.patient_data import BIRTH_MESSAGE, NAME_MESSAGE, NIR_MESSAGE, find_nir, normalise, patient_data_problem

CORPUS = yaml.safe_load((Path(__file__).parent / "fixtures" / "patient-data.yaml").read_text(encoding="utf-8"))
TODAY = date(2026, 6, 1)  # the corpus's years of birth are judged on this day


def test_the_corpus_is_large_enough():
    assert len(CORPUS["nir"]) + len(CORPUS["naissance"]) >= 100
    assert len(CORPUS["ordinaire"]) >= 100
    assert len(COMMON_FIRST_NAMES) >= 50


@pytest.mark.parametrize(("kind", "message"), [("nir", NIR_MESSAGE), ("naissance", BIRTH_MESSAGE)])
def test_no_patient_like_text_is_accepted(kind, message):
    accepted = [text for text in CORPUS[kind] if patient_data_problem(text, TODAY) != message]
    assert accepted == []


def test_a_full_name_beside_a_health_word_or_a_mobile_is_refused():
    accepted = [text for text in CORPUS["nom_et_sante"] if patient_data_problem(text, TODAY) != NAME_MESSAGE]
    assert accepted == []


# First names most given in France, of many origins: French, Maghreb, West Africa, Portugal and Spain, Italy,
# Turkey, Viet Nam, China, Poland, Romania, Russia and Ukraine.
_COMMON_FIRST_NAMES_TEXT = """
    Marie Jean Nathalie Pierre Sandrine Kevin Camille Océane Enzo Inès Mohamed Fatima Karim Nadia Rachid Samira
    Youssef Khadija Mehdi Leila Sofiane Malika Mamadou Aminata Moussa Fatoumata Ibrahima Oumar Mariama Adama João
    Fernando Ana Maria Giuseppe Chiara Mehmet Ayşe Emre Zeynep Nguyen Linh Minh Wei Mei Katarzyna Piotr Ioana
    Andrei Olga Natalia Svetlana
"""
COMMON_FIRST_NAMES = _COMMON_FIRST_NAMES_TEXT.split()


@pytest.mark.parametrize("name", COMMON_FIRST_NAMES)
def test_a_birth_date_after_a_common_first_name_is_refused(name):
    assert patient_data_problem(f"{name} né le 3 mars 1975", TODAY) == BIRTH_MESSAGE
    assert patient_data_problem(f"{name} ne le 3 mars 1975", TODAY) == BIRTH_MESSAGE  # no accent: a name is needed


def test_no_ordinary_text_is_refused():
    refused = [text for text in CORPUS["ordinaire"] if patient_data_problem(text, TODAY)]
    assert refused == []


def test_digits_of_any_script_and_invisible_characters_are_normalised():
    assert normalise("１２ ٣٤ ۵۶ ७८ ²") == "12 34 56 78 2"
    assert normalise("1\u00a02\u202f3\u200b4\u00ad5") == "1 2 345"


def test_a_year_of_birth_is_judged_on_the_day():
    text = "Lucas Martin, 12/03/2012"
    assert patient_data_problem(text, date(2026, 6, 1)) == BIRTH_MESSAGE
    assert patient_data_problem(text, date(2025, 6, 1)) is None  # 13 years old then: not a worker


def test_nir_shape_rules():
    assert find_nir("2 55 08 14 168 025 38") and find_nir("2 55 08 14 168 025")
    assert not find_nir("2 55 13 14 168 025 38")  # no month 13
    assert not find_nir("5 55 08 14 168 025 38")  # no sex 5
    assert not find_nir("2 55 08 00 168 025 38")  # no département 00
    assert not find_nir("12 55 08 14 168 025 38")  # 16 digits: not a NIR shape, and no valid key inside
