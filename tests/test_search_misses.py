"""Searches that found nothing are counted as dictionary words only: never a name, a date or a number."""

import pytest
from sqlmodel import Session, select

from portal.counts import OrientationMonth, SearchMiss
from portal.search_misses import countable_words


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("ergothérapeute absent", ["ergotherapeute", "absent"]),
        ("l'ergothérapeute ?", ["ergotherapeute"]),
        ("xyzzy plombier", ["plombier"]),  # not a word: left out; a word: kept
        ("Jean Boulanger", []),  # a first name: the whole query may name someone
        ("Mme Boulanger", []),
        ("boulanger né le 12/03/1975", []),  # the patient-data filter refuses the query
        ("1 85 05 78 006 084 36", []),  # a NIR
        ("reprise 2A 21000", ["reprise"]),
    ],
)
def test_only_dictionary_words_of_a_safe_query_are_countable(query, words):
    assert countable_words(query) == words


def misses(app) -> dict[str, int]:
    app.extensions["portal_counts"].flush()
    with Session(app.extensions["portal_engine"]) as session:
        return {row.word: row.count for row in session.exec(select(SearchMiss))}


def test_a_search_that_found_nothing_counts_its_words_once_asked(app, client):
    assert client.get("/recherche?q=citrouille+xyzzy").status_code == 200
    client.get("/recherche?q=xyzzy+citrouille", headers={"HX-Request": "true"})  # the form sent by htmx: counted
    client.get("/recherche?q=xyzzy+citrou", headers={"HX-Request": "true", "HX-Trigger": "q"})  # typing: not
    client.get("/recherche?q=Jean+xyzzy+citrouille")  # a first name: nothing
    client.get("/recherche?q=essai+encadr%C3%A9")  # found something: nothing
    assert misses(app) == {"citrouille": 2}


def test_a_result_is_counted_by_month_with_its_etape_and_statut(app, client):
    from datetime import date

    url = "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=meme-poste"
    for _ in range(3):
        client.get(url)
    client.get(url + "&lieu=56")  # the same result with a place: not counted again
    app.extensions["portal_counts"].flush()
    with Session(app.extensions["portal_engine"]) as session:
        rows = [(r.month, r.etape, r.statut, r.count) for r in session.exec(select(OrientationMonth))]
    assert rows == [(date.today().strftime("%Y-%m"), "pendant-arret", "salarie", 3)]
