"""/tableau-de-bord draws the counts of a scripted set of walks, contact look-ups and searches: its figures match
them, a cell below the minimum shows « < 5 » and is left out of the CSV, and only editors see it (a territory
editor, the demand of their territory)."""

import csv
import html
import io
import re
from collections import Counter
from datetime import date

import pytest

from portal import accounts
from portal.store import get_session

PASSWORD = "un mot de passe assez long"
TREE = "/orientation/medecin-du-travail"
# The script: how many times each walk reaches its result (some below the minimum of 5).
WALKS = {
    "?etape=pendant-arret&statut=salarie&situation=meme-poste": 9,
    "?etape=pendant-arret&statut=salarie&situation=autre-poste": 6,
    "?etape=pendant-arret&statut=independant": 2,
    "?etape=reprise": 5,
}
LOOKUPS = {"/contacts?lieu=56": 6, "/contacts?lieu=Vannes": 1, "/contacts?lieu=75": 3}
SEARCHES = {"xyzzy+citrouille": 5, "qwzx+parapluie": 2, "Jean+xyzzy+boulanger": 8, "essai+encadr%C3%A9": 4}


def login(client, name: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/editeurs/connexion").text).group(1)
    form = {"csrf_token": token, "nom": name, "mot_de_passe": PASSWORD}
    assert client.post("/editeurs/connexion", data=form).status_code == 303


def editor(app, name: str, scope: str):
    with app.app_context():
        accounts.set_account(get_session(), name, PASSWORD, scope)
    client = app.test_client()
    login(client, name)
    return client


@pytest.fixture
def counted(app):
    """The app after the script ran, and what the script expects, computed from the API's answers."""
    visitor = app.test_client()
    expected = {"etape": Counter(), "statut": Counter(), "resultat": Counter(), "mois": Counter()}
    labels = {}
    for query, times in WALKS.items():
        for _ in range(times):
            assert visitor.get(TREE + query).status_code == 200
        answer = visitor.get("/api/orientation/medecin-du-travail" + query).json
        codes = {row["question"]: row["libelle"] for row in answer["reponses"]}
        expected["etape"][codes["etape"]] += times
        expected["statut"][codes["statut"]] += times
        expected["resultat"][answer["resultat"]["titre"]] += times
        expected["mois"][date.today().strftime("%Y-%m")] += times
        labels[answer["resultat"]["id"]] = answer["resultat"]["titre"]
    demand = Counter()
    for url, times in LOOKUPS.items():
        for _ in range(times):
            page = visitor.get(url)
            assert page.status_code == 200
        answer = visitor.get(url.replace("/contacts", "/api/contacts")).json
        kinds = ("contacts", "mentions_locales", "sans_contact")  # every acteur the page lists
        for acteur in {item["acteur"] for kind in kinds for item in answer[kind]}:
            demand[(answer["departement"]["code"], acteur)] += times
    for query, times in SEARCHES.items():
        for _ in range(times):
            visitor.get(f"/recherche?q={query}")
    return app, expected, demand


def rows_of(page: str, title: str) -> dict[tuple[str, ...], str]:
    """The rows of the table captioned `title`: cells -> count as shown."""
    start = page.index("<caption>" + html.escape(title).replace("&#x27;", "&#39;") + " ")
    table = page[start : page.index("</table>", start)]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = [html.unescape(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[tuple(cells[:-1])] = cells[-1]
    return rows


def shown(counter: Counter, minimum: int = 5) -> dict[tuple[str, ...], str]:
    return {(key,) if isinstance(key, str) else key: str(n) if n >= minimum else "< 5" for key, n in counter.items()}


def test_the_dashboard_figures_match_the_scripted_walks(counted):
    app, expected, _demand = counted
    page = editor(app, "prith", "national").get("/tableau-de-bord")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.text
    assert rows_of(text, "Résultats par étape") == shown(expected["etape"])
    assert rows_of(text, "Résultats par statut") == shown(expected["statut"])
    assert {key[1]: value for key, value in rows_of(text, "Résultats les plus atteints").items()} == {
        key: value for (key,), value in shown(expected["resultat"]).items()
    }
    month = date.today()
    assert list(rows_of(text, "Résultats d'orientation par mois").values()) == [str(sum(WALKS.values()))]
    assert f"{month.year}" in next(iter(rows_of(text, "Résultats d'orientation par mois")))[0]
    # Words: dictionary words of searches that found nothing, never with a first name; 2 « parapluie » hidden.
    assert rows_of(text, "Recherches sans résultat") == {("citrouille",): "5", ("parapluie",): "< 5"}
    assert "boulanger" not in text and "xyzzy" not in text and "qwzx" not in text
    # Each chart is an image with its title and description, its figures in the table beside it.
    svgs = re.findall(r"<svg [^>]*>.*?</svg>", text, re.S)
    assert len(svgs) == 6
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    etapes = next(svg for svg in svgs if "Résultats par étape</title>" in svg)
    assert "En arrêt de travail, 17 résultats" in etapes


def test_the_demand_sits_beside_the_coverage_and_a_territory_sees_its_own(counted):
    app, _expected, demand = counted
    assert demand, "le script devait compter des demandes de contacts"
    national = rows_of(
        editor(app, "prith", "national").get("/tableau-de-bord").text, "Demande de contacts par département et acteur"
    )
    departements = {key[0] for key in national}
    assert departements == {"Morbihan (56)", "Paris (75)"}
    assert all(
        key[2]
        in {
            "contact local vérifié",
            "contact local à vérifier",
            "contact régional",
            "national seulement",
            "aucun moyen connu",
        }
        for key in national
    )
    assert sorted(int(v) if v != "< 5" else 0 for v in national.values()) == sorted(
        n if n >= 5 else 0 for n in demand.values()
    )
    morbihan = editor(app, "cap56", "departement:56").get("/tableau-de-bord").text
    own = rows_of(morbihan, "Demande de contacts par département et acteur")
    assert own and {key[0] for key in own} == {"Morbihan (56)"}
    assert "Paris (75)" not in morbihan


def test_the_csv_leaves_out_the_cells_below_the_minimum(counted):
    app, expected, _demand = counted
    client = editor(app, "prith", "national")
    answer = client.get("/tableau-de-bord/resultats-par-etape.csv")
    assert answer.mimetype == "text/csv" and answer.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Étape", "Résultats"]
    assert {row[0]: int(row[1]) for row in rows[1:]} == {k: n for k, n in expected["etape"].items() if n >= 5}
    words = client.get("/tableau-de-bord/recherches-sans-resultat.csv").text
    assert "citrouille;5" in words and "parapluie" not in words
    assert client.get("/tableau-de-bord/inconnu.csv").status_code == 404


def test_the_minimum_is_a_setting(tmp_path):
    from apps import portal_app

    app = portal_app(tmp_path / "instance", DASHBOARD_MIN_COUNT=2)
    app.test_client().get(TREE + "?etape=reprise")
    app.test_client().get(TREE + "?etape=reprise")
    page = editor(app, "prith", "national").get("/tableau-de-bord").text
    assert rows_of(page, "Résultats par étape") == {("À la reprise",): "2"}
    assert "moins de 2" in page or "&lt; 2" in page


def test_only_editors_see_the_dashboard(app, client):
    for url in ("/tableau-de-bord", "/tableau-de-bord/resultats-par-etape.csv"):
        answer = client.get(url)
        assert answer.status_code == 303 and answer.headers["Location"].startswith("/editeurs/connexion")
    with app.app_context():
        accounts.set_account(get_session(), "prith", PASSWORD, "national")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/editeurs/connexion").text).group(1)
    form = {"csrf_token": token, "nom": "prith", "mot_de_passe": PASSWORD, "suivant": "/tableau-de-bord"}
    assert client.post("/editeurs/connexion", data=form).headers["Location"] == "/tableau-de-bord"
    assert "Tableau de bord" in client.get("/editeurs/").text
