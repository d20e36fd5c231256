"""Parts of pages rendered once per version (version_block in portal/web/fragments.py): a part kept for one
place, one result or one fiche is never shown for another, and a part that depends on the request is not kept."""

import html

import pytest
from apps import portal_app

RESULT = "/orientation/medecin-du-travail?etape=reprise"  # the fixture tree's result with Cap emploi
LOCAL = "Cap emploi du Morbihan"  # the fixture content's one local contact (territoires/56.yaml)


@pytest.fixture
def client(tmp_path):
    # No page cache: each page is assembled from its kept parts, as a cold page is.
    return portal_app(tmp_path / "instance", PAGE_CACHE_MB=0, DATABASE_URL=f"sqlite:///{tmp_path}/t.db").test_client()


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def test_a_result_shows_the_contacts_of_each_place_asked_in_turn(client):
    assert LOCAL in text(client, f"{RESULT}&lieu=Vannes")
    dijon = text(client, f"{RESULT}&lieu=Dijon")
    assert LOCAL not in dijon and "Côte-d'Or (21)" in dijon
    assert LOCAL in text(client, f"{RESULT}&lieu=56")
    assert LOCAL not in text(client, RESULT)  # no place: the national means


def test_two_results_keep_their_own_parts_in_the_same_place(client):
    reprise = text(client, f"{RESULT}&lieu=Vannes")
    arret = text(
        client, "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=meme-poste&lieu=Vannes"
    )
    assert "Proposer un essai encadré du poste aménagé" in arret and "Proposer un essai encadré" not in reprise
    assert "Organiser la visite de pré-reprise" in arret and "Organiser la visite de pré-reprise" not in reprise


def test_a_fiche_with_a_place_shows_its_local_contact_and_without_one_its_national_means(client):
    assert LOCAL not in text(client, "/fiches/cap-emploi")
    assert LOCAL in text(client, "/fiches/cap-emploi?lieu=Vannes")
    assert LOCAL not in text(client, "/fiches/cap-emploi")  # the kept national part is not the local one
    assert LOCAL in text(client, "/contacts?lieu=Vannes&pour=cap-emploi")
    assert LOCAL not in text(client, "/contacts?lieu=Dijon&pour=cap-emploi")


def test_the_typed_place_and_the_answers_are_never_taken_from_another_request(client):
    first = text(client, f"{RESULT}&lieu=Vannes")
    second = text(client, f"{RESULT}&lieu=56")
    assert 'value="Vannes"' in first and 'value="56"' in second and 'value="Vannes"' not in second
    assert "Qui appeler pour <strong>Vannes, Morbihan (56)</strong>" in first
    assert "Qui appeler pour <strong>Morbihan (56)</strong>" in second and "Vannes" not in second


def test_each_walk_shows_its_own_answers_and_a_stray_answer_is_never_kept(client):
    meme = text(client, "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=meme-poste")
    autre = text(client, "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=autre-poste")
    assert "Le même poste, aménagé si besoin" in meme and "Le même poste, aménagé si besoin" not in autre
    assert "Un autre poste dans l'entreprise" in autre
    stray = text(client, "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=meme-poste&zz=1")
    assert "zz" in stray and "zz" not in text(
        client, "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=meme-poste"
    )
