"""What readers see on the REAL content speaks to them, not to editors: no page carries the editors' process
words (what was consulted, where a fact came from, « supposée », « § » of the research note). That every fiche
cites a primary source, dated and on the web, is `portal check`'s (portal/catalog.py, portal/models.py)."""

import json
import re
from urllib.parse import urlencode

import pytest
import yaml

from portal.config import ROOT
from portal.text import fold

# Editors' process words (compared without accents or case). A source line may name the research note and its
# paragraph (« Note de recherche du portail PDP (novembre 2026), § 2.9 »): sources are left out of the check.
EDITORS_PHRASES = [
    "n'a pas ete consulte",
    "n'ont pas ete consulte",
    "pas ete consultee",
    "non consulte",
    "pas ete revu",
    "pas ete relu",
    "pas encore ete relu",
    "pas ete vu ",
    "pas ete vue",
    "pas ete releve",
    "non reverifie",
    "pas ete reverifie",
    "supposee",
    "a confirmer sur",
    "site tiers",
    "sites tiers",
    "source tierce",
    "sources tierces",
    "note de recherche",
    "faits pdp",
    "sources du portail",
    "sources consultees",
    "source consultee",
    "les sources ne donnent",
    "la source ne donne",
    "aucune autre source",
    "voir la mention « a verifier »",
    "§",
]

SOURCES = re.compile(
    r'<section[^>]*class="sources"[^>]*>.*?</section>|<p class="contact-source[^"]*">.*?</p>', flags=re.S
)
TAGS = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def client(real_client):
    return real_client


def reader_text(html: str) -> str:
    """The words a reader reads on a page, sources left out, folded (no accents, lower case)."""
    text = TAGS.sub(" ", SOURCES.sub(" ", html)).replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return " ".join(fold(text).split()).replace("’", "'")


def editors_phrases_in(html: str) -> list[str]:
    text = reader_text(html)
    return [phrase for phrase in EDITORS_PHRASES if fold(phrase) in text]


def without_sources(data):
    """A JSON answer without its `source` and `sources` entries, which may name the research note."""
    if isinstance(data, dict):
        return {key: without_sources(value) for key, value in data.items() if key not in {"source", "sources"}}
    if isinstance(data, list):
        return [without_sources(item) for item in data]
    return data


def editors_phrases_in_json(answer) -> list[str]:
    return editors_phrases_in(json.dumps(without_sources(answer), ensure_ascii=False))


def cas_type_addresses() -> list[str]:
    """One result address per worked case of each real tree, with a place so that contacts are shown."""
    addresses = []
    for path in sorted((ROOT / "trees").glob("*.cas.yaml")):
        tree = path.name.removesuffix(".cas.yaml")
        for index, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["cas"]):
            place = ["56", "21", "44", "29", "39", "75"][index % 6]
            addresses.append(f"/orientation/{tree}?{urlencode({**case['reponses'], 'lieu': place})}")
    return addresses


FICHE_IDS = sorted(
    path.stem
    for folder in ("dispositifs", "acteurs")
    for path in (ROOT / "content" / folder).glob("*.yaml")
    if "\narchive:" not in path.read_text(encoding="utf-8")  # an archived fiche's address redirects (test_archive)
)
PLACES = ["56", "21", "29", "39", "44", "49", "53", "72", "85", "22", "35", "58", "71", "Vannes", "75", "974"]
SEARCHES = ["pré-reprise", "Sameth", "Cémaphor", "qui contacter", "AVC", "inaptitude", "ARPIJ", "36 46"]


@pytest.mark.parametrize("fiche_id", FICHE_IDS)
def test_a_fiche_page_speaks_to_readers(client, fiche_id):
    for address in (f"/fiches/{fiche_id}", f"/fiches/{fiche_id}?lieu=56"):
        response = client.get(address)
        assert response.status_code == 200
        assert editors_phrases_in(response.text) == [], address


@pytest.mark.parametrize("address", cas_type_addresses())
def test_an_orientation_result_speaks_to_readers(client, address):
    response = client.get(address)
    assert response.status_code == 200 and "À faire maintenant" in response.text, address
    assert editors_phrases_in(response.text) == [], address


@pytest.mark.parametrize("lieu", PLACES)
def test_the_contacts_of_a_place_speak_to_readers(client, lieu):
    page = client.get(f"/contacts?{urlencode({'lieu': lieu})}")
    assert page.status_code == 200 and editors_phrases_in(page.text) == []
    answer = client.get(f"/api/contacts?{urlencode({'lieu': lieu})}")
    assert answer.status_code == 200 and editors_phrases_in_json(answer.get_json()) == []


@pytest.mark.parametrize("query", SEARCHES)
def test_search_results_speak_to_readers(client, query):
    for address in (f"/recherche?{urlencode({'q': query})}", f"/fiches?{urlencode({'lieu': '56'})}"):
        response = client.get(address)
        assert response.status_code == 200
        assert editors_phrases_in(response.text) == [], address


@pytest.mark.parametrize("address", ["/", "/fiches", "/glossaire", "/orientation", "/couverture"])
def test_the_other_pages_speak_to_readers(client, address):
    response = client.get(address)
    assert response.status_code == 200 and editors_phrases_in(response.text) == []


def test_the_check_catches_editors_words_and_spares_the_sources():
    page = (
        '<p>Implantation supposée.</p><section class="sources"><ol><li>Note de recherche du portail PDP, § 2.9'
        '</li></ol></section><p class="contact-source muted">Source : faits PDP, § 3.8</p>'
    )
    assert editors_phrases_in(page) == ["supposee"]
