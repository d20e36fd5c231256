"""Which words of a search that found nothing may be counted: never a person, a number or a rare string.

A search box receives free text, and a médecin may type a patient's name into it. So a word is counted only when
the whole query passes the patient-data filter (portal/patient_data.py: no NIR, no date of birth beside a name),
no word of it is a common first name or a civility (a name is likely there), and the word itself is a French
dictionary word (portal/french_words.py) of 3 to 30 letters, with no digit. The dashboard then shows a
word only once it reaches the minimum count.
"""

import re

from portal.first_names import first_names
from portal.french_words import FrenchWords, french_words
from portal.patient_data import normalise, patient_data_problem
from portal.text import fold

MAX_QUERY = 200  # characters read: a longer text is no search for a dispositif
MAX_WORDS = 8
_LETTERS = re.compile(r"[^\W\d_]{3,30}")
_PUNCTUATION = '.,;:!?«»"()[]'
CIVILITIES = frozenset({"m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "dr", "docteur", "pr"})


def countable_words(query: str, dictionary: FrenchWords | None = None) -> list[str]:
    """The folded words of `query` that may be counted, each once, in order; [] when the query may hold patient
    data."""
    query = query[:MAX_QUERY]
    if not query.strip() or patient_data_problem(query):
        return []
    dictionary = dictionary if dictionary is not None else french_words()
    tokens = [fold(token.strip(_PUNCTUATION)) for token in re.split(r"[\s\-'’]+", normalise(query))]
    names = first_names()
    if any(token in names or token.rstrip(".") in CIVILITIES for token in tokens):
        return []
    words = []
    for word in tokens:
        # A token with a digit (« 1975 », « 2a ») is dropped whole, never cut into letters.
        if _LETTERS.fullmatch(word) and word in dictionary and word not in words:
            words.append(word)
    return words[:MAX_WORDS]
