"""The handout for the salarié (/orientation/<arbre>/pour-le-salarie): written to the person, dated, without the
médecin's reasons, editors' notes or legal article numbers, on the fixture tree and on every result of the real
trees."""

import html
import re
from datetime import date

import pytest
from apps import portal_app

from portal.config import ROOT
from portal.trees import walk_paths
from portal.walk import result_lines
from portal.web.filters import date_fr

HANDOUT = "/orientation/medecin-du-travail/pour-le-salarie"
ANSWERS = "etape=pendant-arret&statut=salarie&situation=autre-poste"
ARTICLE = re.compile(r"\b(art\.|article)\s|\b[LRD]\.?\s?\d{3,4}(-\d+)+", re.IGNORECASE)


def sheet(page: str) -> str:
    """The text of the sheet itself (what is printed), tags removed."""
    article = page[page.index("<article") : page.index("</article>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)))


def test_the_handout_speaks_to_the_salarie(client):
    response = client.get(f"{HANDOUT}?{ANSWERS}")
    assert response.status_code == 200
    text = sheet(response.text)
    assert f"Remis le {date_fr(date.today())}" in text
    assert "Votre médecin du travail vous propose de commencer par la démarche ci-dessous" in text
    # The step: the fiche's text to the salarié, never the reason or the action written to the médecin.
    assert "Visite de pré-reprise Vous pouvez la demander vous-même au service de santé au travail" in text
    assert "Dès 30 jours d'arrêt, la visite de pré-reprise prépare le retour" not in text
    assert "Organiser la visite de pré-reprise" not in text and "Organisez-la" not in text
    # Without a place: the acteurs' national means, and where to find the local ones.
    assert "Service social de l'Assurance Maladie (pour : Visite de pré-reprise) Téléphone : 36 46" in text
    assert "Les coordonnées près de chez vous (commune, code postal ou département) : http://localhost/contacts" in text
    assert "À apporter cette feuille" in text and "votre dernier avis d'arrêt de travail" in text
    assert "Ensuite D'autres démarches pourront suivre, à décider avec vos médecins : Essai encadré" in text
    assert "Convention de rééducation" not in text  # « selon la situation »: the médecin decides, not the sheet
    back = "/orientation/medecin-du-travail?etape=pendant-arret&amp;statut=salarie&amp;situation=autre-poste"
    assert f'href="{back}"' in response.text  # back to the result


def test_the_handout_with_a_place_names_it(client):
    text = sheet(client.get(f"{HANDOUT}?{ANSWERS}&lieu=Vannes").text)
    assert "Qui contacter : Vannes, Morbihan (56)" in text
    assert "/contacts" not in text


def test_the_handout_of_an_unfinished_walk_asks_the_missing_question(client):
    response = client.get(f"{HANDOUT}?etape=pendant-arret&lieu=56")
    assert response.status_code == 302
    assert response.headers["Location"] == "/orientation/medecin-du-travail?etape=pendant-arret&lieu=56"
    assert client.get("/orientation/inconnu/pour-le-salarie").status_code == 404


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    return portal_app(tmp_path_factory.mktemp("handout"), ROOT / "content")


def test_every_real_handout_is_written_to_the_person(real_app):
    """Every result of both real trees: its steps in words to the salarié, nothing meant for the médecin or the
    editors, and no legal article number."""
    from portal.serving import current_catalog

    client = real_app.test_client()
    with real_app.app_context():
        catalog = current_catalog()
    seen = set()
    for tree in catalog.trees.values():
        for path in walk_paths(tree):
            if (tree.id, path.end) in seen:
                continue
            seen.add((tree.id, path.end))
            query = "&".join(f"{q}={c}" for q, c, node in path.answers if node)
            response = client.get(f"/orientation/{tree.id}/pour-le-salarie?{query}")
            assert response.status_code == 200, (tree.id, path.end)
            text = sheet(response.text)
            where = f"{tree.id} › {path.end}"
            assert "Remis le" in text, where
            assert "vérifier" not in text, where
            assert not ARTICLE.search(text), (where, ARTICLE.search(text))
            for line in result_lines(tree, path.end):
                assert " ".join(line.raison.split()) not in text, (where, line.fiche)
                if line.action:
                    assert line.action not in text, (where, line.action)
                fiche = catalog.fiches[line.fiche]
                if line.quand == "maintenant" and fiche.mobiliser and fiche.mobiliser.salarie:
                    assert " ".join(fiche.mobiliser.salarie.split()) in text, (where, line.fiche)
    assert len(seen) == sum(len(tree.resultats) for tree in catalog.trees.values())  # every result
