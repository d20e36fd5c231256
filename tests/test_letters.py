"""« Préparer un courrier »: each letter cites its article, is offered where its fiches are, and cannot send what
is typed (no form, no field name, a policy that forbids sending, no-store, no ETag or page cache)."""

import re

import pytest

from portal.letters import LETTERS, letters_for

DIJON_RESULT = "/orientation/medecin-traitant?etape=pendant-arret&statut=salarie&lieu=Dijon"


def test_every_letter_names_real_fiches_and_acteurs(real_client):
    with real_client.application.test_request_context():
        from portal.serving import current_catalog

        fiches = current_catalog().fiches
    for letter in LETTERS.values():
        assert set(letter.fiches) <= set(fiches), letter.id
        assert set(letter.acteurs) <= set(fiches), letter.id
        for paragraph in letter.paragraphs:
            assert all(item is None or item.label for _text, item, _name in letter.segments(paragraph))


@pytest.mark.parametrize("letter_id", list(LETTERS))
def test_a_letter_cites_its_articles_and_can_send_nothing(real_client, letter_id):
    answer = real_client.get(f"/courriers/{letter_id}?lieu=Dijon")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    letter = html[html.index('<article class="letter"') : html.index("</article>")]
    for basis in LETTERS[letter_id].bases:
        assert basis.article in letter  # printed with the letter
        assert f'href="{basis.url}"' in html
    assert "<form" not in html  # nothing to submit…
    assert not re.search(r"<(input|textarea)[^>]* name=", html)  # …and no field a form could carry
    assert len(re.findall(r"<(?:input|textarea) ", letter)) >= 4
    assert all('autocomplete="off"' in field for field in re.findall(r"<(?:input|textarea) [^>]*>", letter))
    policy = answer.headers["Content-Security-Policy"]
    assert "form-action 'none'" in policy and "connect-src 'none'" in policy
    assert answer.headers["Cache-Control"] == "no-store"
    assert "ETag" not in answer.headers  # never a public page kept by a cache


def test_the_letter_prints_what_the_portal_knows_for_the_place(real_client):
    html = real_client.get("/courriers/propositions-amenagement?lieu=Dijon").get_data(as_text=True)
    footer = html[html.index('<footer class="letter-footer">') :]
    assert "Côte-d&#39;Or (21)" in footer and "Agefiph - Bourgogne-Franche-Comté" in footer
    national = real_client.get("/courriers/propositions-amenagement").get_data(as_text=True)
    assert "Bourgogne-Franche-Comté" not in national and "Agefiph, numéro national" in national


def test_an_unknown_letter_is_a_404(real_client):
    assert real_client.get("/courriers/lettre-inconnue").status_code == 404


def test_the_dijon_result_and_the_fiches_offer_their_letters(real_client):
    html = real_client.get(DIJON_RESULT).get_data(as_text=True)
    link = re.search(r'href="(/courriers\?[^"]+)">Préparer un courrier', html)
    assert link, "le résultat de Dijon ne propose pas de courrier"
    listing = real_client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    first = listing[listing.index("Pour cette situation") : listing.index("Les autres courriers")]
    assert "/courriers/pre-reprise-medecin-traitant?lieu=Dijon" in first
    assert "/courriers/rendez-vous-liaison?lieu=Dijon" in first
    fiche = real_client.get("/fiches/amenagement-poste").get_data(as_text=True)
    assert "Préparer un courrier" in fiche
    assert [letter.id for letter in letters_for(["amenagement-poste"])] == [
        "visite-a-la-demande",
        "propositions-amenagement",
        "refus-employeur",
    ]
    assert "Préparer un courrier" not in real_client.get("/fiches/bilan-competences").get_data(as_text=True)


def test_the_list_of_letters_ignores_unknown_fiches(real_client):
    html = real_client.get("/courriers?pour=%3Cb%3E&pour=rqth").get_data(as_text=True)
    assert "Pour cette situation" not in html and "&lt;b&gt;" not in html
    assert html.count('class="letter-list"') == 1


def test_a_place_with_homonyms_offers_each_and_an_unknown_place_says_so(real_client):
    homonyms = real_client.get("/courriers/pre-reprise-salarie?lieu=Saint-Denis").get_data(as_text=True)
    assert "Plusieurs lieux portent ce nom" in homonyms
    choices = re.findall(r'href="(/courriers/pre-reprise-salarie\?lieu=[^"]+)"', homonyms)
    assert len(choices) >= 2
    chosen = real_client.get(choices[0].replace("&amp;", "&")).get_data(as_text=True)
    assert "Coordonnées connues du Portail PDP pour" in chosen
    unknown = real_client.get("/courriers/pre-reprise-salarie?lieu=Nullepartville").get_data(as_text=True)
    assert "n'a pas été reconnu" in unknown and "Coordonnées connues du Portail PDP pour" not in unknown
