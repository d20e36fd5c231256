"""The directory pages and the fiche API, as a visitor and a partner site see them."""

import re
import shutil
from pathlib import Path

import pytest
from apps import edit

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("url", ["/", "/fiches", "/fiches/essai-encadre", "/fiches/cap-emploi"])
def test_pages_are_french_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert 'href="#contenu"' in response.text  # skip link


def test_home_offers_search_the_two_ways_in_and_all_the_fiches_one_link_away(client):
    page = client.get("/").text
    assert 'name="q"' in page
    assert '<h2><a href="/orientation">Orienter un salarié</a></h2>' in page
    assert 'href="/orientation/medecin-du-travail">Médecin du travail</a>' in page  # a tree in one tap
    assert '<h2><a href="/contacts">Qui contacter ?</a></h2>' in page
    assert '<a href="/fiches">Toutes les fiches</a> : les 3 dispositifs et les 2 acteurs' in page
    assert 'href="/fiches/essai-encadre"' not in page  # no longer the list of every fiche


def test_directory_filters_by_kind_and_etape(client):
    page = client.get("/fiches?type=dispositif&etape=pendant-arret").text
    assert "2 fiches" in page
    assert "/fiches/essai-encadre" in page and "/fiches/visite-pre-reprise" in page
    assert "/fiches/crpe" not in page and "/fiches/cap-emploi" not in page
    assert 'value="dispositif" selected' in page


def test_directory_filters_by_public(client):
    page = client.get("/fiches?public=independant").text
    assert "/fiches/cap-emploi" in page and "/fiches/essai-encadre" not in page


def test_htmx_request_gets_the_list_only(client):
    response = client.get("/fiches?type=acteur", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section id="liste-fiches"')
    assert "<html" not in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_history_restore_gets_the_full_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get("/fiches?type=acteur", headers=headers).text


def test_unknown_filter_value_is_ignored_with_a_french_notice(client):
    page = client.get("/fiches?type=<script>alert(1)</script>&etape=xx").text
    assert "ne connaît pas la valeur demandée" in page
    assert "<script>alert(1)</script>" not in page
    assert "5 fiches" in page


def test_fiche_shows_fields_sources_dates_and_related(client):
    page = client.get("/fiches/essai-encadre").text
    assert "<h1>Essai encadré" in page
    assert "14 jours ouvrables" in page
    assert "Art. D323-6 à D323-6-7 du Code de la sécurité sociale" in page
    assert 'href="https://www.ameli.fr/entreprise/vos-salaries/retour-emploi/essai-encadre"' in page
    assert "publié le 12 octobre 2023" in page and "consulté le 22 novembre 2026" in page
    assert "Mis à jour le" in page
    assert "Depuis le 31 mars 2022" in page
    assert 'href="/fiches/crpe"' in page  # related
    assert 'href="/fiches/service-social-assurance-maladie"' in page  # acteur to contact


def test_fiche_a_verifier_shows_badge_and_what_to_check(client):
    page = client.get("/fiches/crpe").text
    assert 'class="badge badge-warn">à vérifier' in page
    assert "La durée de la formation reste à confirmer." in page
    verified = client.get("/fiches/essai-encadre").text
    assert 'badge-warn">à vérifier' not in verified


def test_glossary_acronyms_get_abbr(client):
    page = client.get("/fiches/crpe").text
    assert '<abbr title="caisse primaire d&#39;assurance maladie">CPAM</abbr>' in page


def test_national_contact_is_labelled(client):
    page = client.get("/fiches/service-social-assurance-maladie").text
    assert '<span class="badge">national</span>' in page
    assert 'href="tel:3646"' in page


@pytest.mark.parametrize("url", ["/fiches/inconnue", "/fiches/crpee", "/fiches/%00", "/fiches/a%2Fb"])
def test_unknown_fiche_is_a_french_404_offering_search(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "introuvable" in response.text
    assert 'name="q"' in response.text and 'href="/fiches"' in response.text


def test_unknown_url_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_api_lists_fiches_with_ids(client):
    data = client.get("/api/fiches").get_json()
    ids = [fiche["id"] for fiche in data["fiches"]]
    assert sorted(ids) == [
        "cap-emploi",
        "crpe",
        "essai-encadre",
        "service-social-assurance-maladie",
        "visite-pre-reprise",
    ]
    assert {fiche["type"] for fiche in data["fiches"]} == {"acteur", "dispositif"}


def test_api_filters_like_the_page(client):
    data = client.get("/api/fiches?type=dispositif&etape=pendant-arret").get_json()
    assert sorted(f["id"] for f in data["fiches"]) == ["essai-encadre", "visite-pre-reprise"]


def test_api_fiche_has_every_field(client):
    data = client.get("/api/fiches/essai-encadre").get_json()
    assert data["id"] == "essai-encadre"
    assert data["sources"][0]["publie_le"] == "2023-10-12"
    assert data["etapes"] == ["pendant-arret"]
    assert data["statut"] == "verifie"


def test_api_unknown_fiche_is_a_json_404_in_french(client):
    response = client.get("/api/fiches/nope")
    assert response.status_code == 404
    assert response.get_json()["erreur"] == "Fiche introuvable"


@pytest.mark.parametrize("typed", ["CRPE", "Crpe", "crpé", "CRPE%20"])
def test_a_fiche_id_typed_with_capitals_or_accents_lands_on_the_fiche(client, typed):
    response = client.get(f"/fiches/{typed}")
    assert response.status_code == 301
    assert response.headers["Location"] == "/fiches/crpe"


def test_an_unknown_fiche_offers_the_search_with_the_words_typed(client):
    page = client.get("/fiches/mi-temps_thérapeutique")
    assert page.status_code == 404
    assert "Fiche introuvable" in page.text
    assert 'value="mi temps thérapeutique"' in page.text
    hostile = client.get("/fiches/%22%3E%3Cb%3Esameth")
    assert hostile.status_code == 404 and 'value="b sameth"' in hostile.text and "<b>" not in hostile.text


def test_a_long_fiche_opens_with_the_essentials_and_a_sommaire(client):
    page = client.get("/fiches/essai-encadre").text
    essentials, sommaire = page.index('<h2 id="t-essentiel">L\'essentiel</h2>'), page.index('id="t-sommaire"')
    assert essentials < sommaire < page.index('<section id="joindre"') < page.index('id="t-description"')
    block = page[essentials:sommaire]
    assert "Tester pendant l&#39;arrêt de travail un poste" in block  # the resume
    facts = ["<dt>Pour qui</dt><dd>Salarié, Intérimaire</dd>", "<dt>Quand</dt><dd>Pendant l&#39;arrêt", "Durée"]
    assert all(fact in block for fact in facts), block
    assert "RQTH non nécessaire" in block and "<dt>Qui contacter</dt><dd>Service social de l&#39;Assurance" in block
    anchors = re.findall(r'<li><a href="#([a-z-]+)">', page[sommaire:])
    assert anchors[:3] == ["joindre", "t-changements", "t-description"] and anchors[-1] == "t-sources"
    assert all(f'id="{anchor}"' in page for anchor in anchors)
    short = client.get("/fiches/visite-pre-reprise").text  # three sections: no summary of the summary
    assert "L'essentiel" not in short and '<p class="resume">' in short


def test_a_change_note_says_its_date_once(client, client_on, tmp_path):
    """« Ce qui a changé »: the date is put before a note, unless the note already starts with it."""
    assert (
        "<li><strong>Depuis le 31 mars 2022</strong> : L&#39;essai encadré dure"
        in client.get("/fiches/essai-encadre").text
    )
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "trees", tmp_path / "trees")
    edit(
        tmp_path / "content" / "dispositifs" / "essai-encadre.yaml",
        "texte: L'essai encadré dure",
        "texte: Depuis le 31 mars 2022, l'essai encadré dure",
    )
    page = client_on(tmp_path / "content").get("/fiches/essai-encadre").text
    assert "<li>Depuis le 31 mars 2022, l&#39;essai encadré dure" in page
    assert "Depuis le 31 mars 2022</strong> : Depuis" not in page
