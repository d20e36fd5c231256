"""The orientation tree in a real browser: with and without JavaScript, Back after swaps, keyboard only, print."""

import re

from playwright.sync_api import expect

TREE = "/orientation/medecin-du-travail"
QUESTIONS = ["Où en est la personne ?", "Quel est son statut ?", "Quelle issue paraît possible ?"]
RESULT = "Pendant l'arrêt, préparer le retour au même poste"
FOCUSED = "() => document.activeElement && document.activeElement.textContent.trim()"


def url_of(query: str) -> re.Pattern:
    return re.compile(re.escape(TREE + query) + "$")


def choose(page, label: str) -> None:
    page.get_by_role("button", name=re.compile("^" + re.escape(label))).click()


def test_walk_with_htmx_focuses_each_question_and_back_returns_to_each_step(page, screenshot):
    page.goto(TREE)
    expect(page.locator("legend")).to_have_text(QUESTIONS[0])
    screenshot(page, "arbre-etape-1")
    choose(page, "En arrêt de travail")
    expect(page).to_have_url(url_of("?etape=pendant-arret"))
    expect(page.locator("legend")).to_have_text(QUESTIONS[1])
    expect(page.locator("legend")).to_be_focused()  # the screen reader hears the new question
    expect(page.locator("h1")).to_have_count(1)  # the step was swapped, not a page nested in the page
    screenshot(page, "arbre-etape-2")
    choose(page, "Salarié")
    expect(page).to_have_url(url_of("?etape=pendant-arret&statut=salarie"))
    expect(page.locator("legend")).to_be_focused()
    expect(page.locator("legend")).to_have_text(QUESTIONS[2])
    choose(page, "Le même poste")
    expect(page).to_have_url(url_of("?etape=pendant-arret&statut=salarie&situation=meme-poste"))
    expect(page.locator("#titre-resultat")).to_have_text(RESULT)
    expect(page.locator("#titre-resultat")).to_be_focused()
    expect(page.get_by_role("link", name="Essai encadré")).to_be_visible()
    screenshot(page, "arbre-resultat")

    page.go_back()
    expect(page).to_have_url(url_of("?etape=pendant-arret&statut=salarie"))
    expect(page.locator("legend")).to_have_text(QUESTIONS[2])
    page.go_back()
    expect(page).to_have_url(url_of("?etape=pendant-arret"))
    expect(page.locator("legend")).to_have_text(QUESTIONS[1])
    page.go_forward()
    expect(page.locator("legend")).to_have_text(QUESTIONS[2])
    choose(page, "Un autre poste")
    expect(page.locator("#titre-resultat")).to_have_text("Pendant l'arrêt, préparer un autre poste")


def test_walk_without_javascript_reaches_the_result_and_its_place_form(page_without_js):
    page = page_without_js
    page.goto(TREE)
    choose(page, "En arrêt de travail")
    expect(page).to_have_url(url_of("?etape=pendant-arret"))
    choose(page, "Salarié")
    choose(page, "Le même poste")
    expect(page.locator("h2#titre-resultat")).to_have_text(RESULT)
    page.get_by_label("Commune, code postal ou département").fill("56")
    page.get_by_role("button", name="Afficher les contacts").click()
    # The form's action ends with #contacts: the browser lands on them, and Tab goes on from there.
    expect(page).to_have_url(url_of("?etape=pendant-arret&statut=salarie&situation=meme-poste&lieu=56#contacts"))
    expect(page.locator("#titre-contacts")).to_be_in_viewport()
    share = page.locator(".no-js-only a")  # without JavaScript, the link to send is shown in full
    expect(share).to_be_visible()
    expect(share).to_have_attribute("href", re.compile(r"situation=meme-poste&lieu=56$"))
    page.go_back()
    expect(page).to_have_url(url_of("?etape=pendant-arret&statut=salarie&situation=meme-poste"))


def test_modifier_asks_the_question_again_keeping_earlier_answers(page):
    page.goto(TREE + "?etape=pendant-arret&statut=salarie&situation=meme-poste")
    page.get_by_role("link", name="modifier : Statut").click()
    expect(page).to_have_url(url_of("?etape=pendant-arret"))
    expect(page.locator("legend")).to_have_text(QUESTIONS[1])
    expect(page.locator("legend")).to_be_focused()


def _tab_to_choices(page) -> list[dict]:
    """Tab through the page; the choices reached, in order, with the focus outline each one shows."""
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
               return {choice: e.classList.contains('walk-choice'), text: e.textContent.trim(),
                       outline: s.outlineStyle, width: s.outlineWidth}; }"""
        )
        if state["choice"]:
            reached.append(state)
        elif reached:
            break
    return reached


def test_keyboard_only_walk_reaches_every_choice_with_visible_focus(page):
    page.goto(TREE)
    for question, answer in zip(QUESTIONS, ["En arrêt de travail", "Salarié", "Le même poste"], strict=True):
        expect(page.locator("legend")).to_have_text(question)
        reached = _tab_to_choices(page)
        offered = [text.strip() for text in page.locator(".walk-choice").all_inner_texts()]
        assert [state["text"].split("\n")[0] for state in reached] == [text.split("\n")[0] for text in offered]
        for state in reached:
            assert state["outline"] != "none" and state["width"] != "0px", f"focus invisible sur « {state['text']} »"
        # Back to the chosen answer with Shift+Tab, then Enter: no mouse anywhere.
        for _ in range(len(reached) + 1):
            page.keyboard.press("Shift+Tab")
            if page.evaluate(FOCUSED).startswith(answer):
                break
        assert page.evaluate(FOCUSED).startswith(answer)
        page.keyboard.press("Enter")
        if question != QUESTIONS[-1]:
            expect(page.locator("legend")).to_be_focused()
    expect(page.locator("#titre-resultat")).to_be_focused()
    expect(page.locator("#titre-resultat")).to_have_text(RESULT)


def test_result_print_view_is_a_clean_summary_for_the_doctor(page, screenshot):
    page.goto(TREE + "?etape=pendant-arret&statut=salarie&situation=meme-poste")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".place-form")).to_be_hidden()
    expect(page.get_by_role("link", name="Imprimer pour le salarié")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer ce résultat")).to_be_hidden()
    expect(page.locator(".print-date")).to_be_visible()
    expect(page.locator(".print-date")).to_contain_text(TREE + "?etape=pendant-arret")
    expect(page.locator("#titre-resultat")).to_be_visible()
    screenshot(page, "arbre-resultat-impression")
    assert page.pdf()[:4] == b"%PDF"


def test_unreadable_links_get_a_french_page_and_a_way_back(page):
    response = page.goto(TREE + "?etape=reprise&etape=pendant-arret")  # a question answered twice
    assert response.status == 400
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Demande incomprise")
    page.get_by_role("link", name="revenir à l'accueil").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_an_old_link_asks_again_the_question_whose_answer_is_gone(page):
    response = page.goto(TREE + "?etape=nimporte-quoi")
    assert response.status == 200
    expect(page.get_by_text("Ce lien contenait des réponses que ce parcours n'utilise pas")).to_be_visible()
    expect(page.get_by_role("button", name="En arrêt de travail")).to_be_visible()


def test_later_groups_are_folded_on_screen_and_printed_open(page):
    page.goto(TREE + "?etape=pendant-arret&statut=salarie&situation=autre-poste")
    later = page.locator("#ensuite").get_by_role("link", name="Essai encadré")
    maybe = page.locator("#selon").get_by_role("link", name="Convention de rééducation professionnelle en entreprise")
    expect(page.locator(".todo").get_by_role("link", name="Visite de pré-reprise")).to_be_visible()
    expect(later).to_be_hidden()
    expect(maybe).to_be_hidden()
    page.get_by_text("Ensuite").click()  # one tap opens the group
    expect(later).to_be_visible()
    page.reload()
    page.emulate_media(media="print")
    expect(later).to_be_visible()
    expect(maybe).to_be_visible()


def test_the_salarie_gets_a_handout_of_his_own(page, screenshot):
    page.goto(TREE + "?etape=pendant-arret&statut=salarie&situation=autre-poste&lieu=56")
    page.get_by_role("link", name="Imprimer pour le salarié").click()
    handout = TREE + "/pour-le-salarie?etape=pendant-arret&statut=salarie&situation=autre-poste&lieu=56"
    expect(page).to_have_url(re.compile(re.escape(handout)))
    expect(page.locator("h1")).to_have_text("Vos prochaines démarches pour continuer à travailler")
    expect(page.get_by_role("button", name="Imprimer la feuille")).to_be_visible()
    screenshot(page, "feuille-salarie")
    page.get_by_role("link", name="Retour au résultat").click()
    expect(page.locator("#titre-resultat")).to_have_text("Pendant l'arrêt, préparer un autre poste")
