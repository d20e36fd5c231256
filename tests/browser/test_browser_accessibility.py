"""axe-core on every page type: no serious or critical violation; every other one printed in the test output."""

import pytest

# One URL per page type, on the fixture content (tests/fixtures).
PAGE_TYPES = {
    "accueil": "/",
    "annuaire": "/fiches",
    "annuaire-filtre-inconnu": "/fiches?type=%3Cb%3Exx",
    "fiche-dispositif": "/fiches/essai-encadre",
    "fiche-a-verifier": "/fiches/crpe",
    "fiche-acteur": "/fiches/service-social-assurance-maladie",
    "erreur-404": "/nulle-part",
    "erreur-fiche": "/fiches/inconnue",
    "erreur-400": "/orientation/medecin-du-travail?etape=%3Cb%3E",
    "orientation-choix": "/orientation",
    "arbre-etape-1": "/orientation/medecin-du-travail",
    "arbre-etape-2": "/orientation/medecin-du-travail?etape=pendant-arret",
    "arbre-etape-3": "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie",
    "arbre-resultat": "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=meme-poste",
    "arbre-groupes": "/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=autre-poste",
    "arbre-resultat-lieu": "/orientation/medecin-du-travail?etape=reprise&lieu=56",
    "feuille-salarie": "/orientation/medecin-du-travail/pour-le-salarie?etape=reprise&lieu=56",
    "arbre-resultat-lieu-inconnu": "/orientation/medecin-du-travail?etape=reprise&lieu=Nullepart",
    "recherche": "/recherche",
    "recherche-resultats": "/recherche?q=Sameth",
    "recherche-suggestion": "/recherche?q=esai+encadre",
    "recherche-vide": "/recherche?q=xyzzy",
    "recherche-situation": "/recherche?q=arr%C3%AAt+prolong%C3%A9+paie",
    "contacts": "/contacts",
    "contacts-departement": "/contacts?lieu=56",
    "contacts-commune": "/contacts?lieu=Vannes&pour=essai-encadre",
    "contacts-homonymes": "/contacts?lieu=Saint-Denis",
    "contacts-introuvable": "/contacts?lieu=Nullepartville",
    "glossaire": "/glossaire",
    "editeurs-connexion": "/editeurs/connexion",
    "signaler-une-erreur": "/signaler/essai-encadre",
    "signaler-un-contact": "/signaler/cap-emploi?contact=Cap+emploi+du+Morbihan",
    "accessibilite": "/accessibilite",
    "mentions-legales": "/mentions-legales",
    "donnees-personnelles": "/donnees-personnelles",
}

BLOCKING = {"serious", "critical"}


@pytest.mark.parametrize("url", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_page_type_has_no_serious_accessibility_violation(axe_page, axe, url):
    axe_page.goto(url)
    blocking = [v for v in axe(axe_page) if v["impact"] in BLOCKING]
    assert not blocking, "; ".join(f"{v['id']} ({v['impact']}) : {v['help']}" for v in blocking)


def test_focus_is_visible_on_links_and_buttons(page):
    page.goto("/fiches")
    outlines = []
    for _ in range(8):
        page.keyboard.press("Tab")
        outlines.append(
            page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"
            )
        )
    assert outlines[0][0] == "A"  # the skip link comes first
    for tag, style, width in outlines:
        assert style != "none" and width != "0px", f"focus invisible sur {tag}"


def test_skip_link_moves_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_the_axe_harness_reports_a_known_violation(axe_page, axe):
    # Proves the checks above can fail: a form field without a label is a critical violation for axe.
    axe_page.goto("/")
    axe_page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
    assert "label" in {v["id"] for v in axe(axe_page, record=False) if v["impact"] in BLOCKING}
