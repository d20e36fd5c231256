"""The French word list of the corrector: real words (inflected, accents or not) are known, typos are not."""

import pytest

from portal.french_words import FrenchWords, french_words, word_hash
from portal.search import fold_word


@pytest.fixture(scope="module")
def words() -> FrenchWords:
    return french_words()


@pytest.mark.parametrize(
    "word",
    ["paie", "paye", "appeler", "appelés", "lombalgie", "dépression", "fonctionnaire", "crânien", "artisane", "AVC"],
)
def test_real_french_words_are_known_with_or_without_accents(words, word):
    assert fold_word(word) in words


@pytest.mark.parametrize("typo", ["esai", "encadrr", "rssai", "samet", "therapeutiqe", "inaptitde", "prereprise"])
def test_typos_are_not_words(words, typo):
    assert typo not in words


def test_the_list_is_the_whole_dictionary_in_a_compact_form(words):
    assert len(words) > 400_000  # every inflected form of dictionary-fr, not a short list
    assert words._hashes.itemsize == 8  # 64-bit hashes, not word strings: 3.4 MB a worker
    assert word_hash("paie") == word_hash("paie") != word_hash("paye")


def test_without_the_packages_the_message_says_what_to_run(tmp_path):
    with pytest.raises(RuntimeError, match="lancez `make install`"):
        french_words(dictionary=tmp_path / "dictionary-fr", reader=tmp_path / "hunspell-reader", cache_dir=tmp_path)
