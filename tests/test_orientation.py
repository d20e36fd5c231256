"""The orientation walk as a médecin and a partner site see it: one URL per step, results, errors, counts."""

import re
from pathlib import Path

import pytest
from apps import portal_app

from portal import create_app
from portal.counts import result_counts

TREE = "/orientation/medecin-du-travail"
FIXTURES = Path(__file__).parent / "fixtures"
RESULT = f"{TREE}?etape=pendant-arret&statut=salarie&situation=autre-poste"


def test_index_offers_each_tree_with_its_first_question(client):
    page = client.get("/orientation").text
    assert "Médecin du travail (test)" in page
    assert 'action="/orientation/medecin-du-travail"' in page
    assert "<legend>Où en est la personne ?</legend>" in page
    assert 'name="etape" value="pendant-arret"' in page


def test_navigation_and_home_link_to_orientation(client):
    assert 'href="/orientation"' in client.get("/").text


def test_each_step_is_a_full_page_with_a_fieldset_and_large_choices(client):
    page = client.get(f"{TREE}?etape=pendant-arret").text
    assert '<html lang="fr">' in page
    assert "<legend data-focus-after-swap>Quel est son statut ?</legend>" in page
    assert 'name="statut" value="salarie"' in page and 'name="statut" value="independant"' in page
    assert '<input type="hidden" name="etape" value="pendant-arret">' in page  # the answers so far travel along
    # Progress in plain words: an indépendant gets a result one question earlier.
    assert "Question 2 : peut-être la dernière (encore 1 au plus, selon votre réponse)" in page
    assert "<dt>Étape</dt>" in page and "En arrêt de travail" in page
    assert f'href="{TREE}"' in page  # « modifier » the étape drops it, and « recommencer »


def test_modify_drops_the_answers_after_the_question(client):
    page = client.get(RESULT).text
    modify_links = re.findall(r'<a class="no-print" href="([^"]+)"', page)
    assert modify_links == [TREE, f"{TREE}?etape=pendant-arret", f"{TREE}?etape=pendant-arret&amp;statut=salarie"]


def test_htmx_gets_the_step_only_with_its_title_and_history_restore_gets_the_page(client):
    fragment = client.get(f"{TREE}?etape=pendant-arret", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment
    assert fragment.startswith("<title>Quel est son statut ? — Médecin du travail (test)")
    assert '<div id="parcours"' in fragment
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(f"{TREE}?etape=pendant-arret", headers=restore).text


def test_result_is_in_the_order_of_the_visit(client):
    """What to do now (an action and its fiche), the place and its contacts, then what follows and what depends on
    the situation, folded; each fiche keeps its reason."""
    page = client.get(RESULT).text
    now, place = page.index(">À faire maintenant<"), page.index('<section id="contacts"')
    later, maybe = page.index('<details class="result-group" id="ensuite">'), page.index('id="selon"')
    assert now < place < later < maybe
    assert re.search(
        r'<p class="todo-action">Organiser la visite de pré-reprise</p>\s*'
        r'<p class="todo-fiche"><a href="/fiches/visite-pre-reprise">Visite de pré-reprise</a>.*'
        r"Dès 30 jours d&#39;arrêt, la visite de pré-reprise prépare le retour.",
        page,
    )
    assert now < page.index('href="/fiches/service-social-assurance-maladie"') < place
    assert later < page.index('href="/fiches/essai-encadre"') < maybe < page.index('href="/fiches/crpe"')
    assert "Si un risque d&#39;inaptitude est identifié en pré-reprise" in page
    assert "RQTH non nécessaire" in page  # a key fact of the fiche
    assert "data-copy-link" in page and "data-print" in page
    assert "Orientation imprimée le" in page


def test_the_place_is_asked_after_what_to_do_now_and_the_page_lands_on_the_contacts(client):
    page = client.get(RESULT).text
    assert f'action="{TREE}#contacts"' in page  # without JavaScript, the browser scrolls to the contacts
    assert '<h2 id="titre-resultat" data-focus-after-swap>' in page  # htmx: the new result is read first
    page = client.get(f"{RESULT}&lieu=Vannes").text
    assert '<h3 id="titre-contacts" tabindex="-1" data-focus-after-swap="start">' in page  # htmx: the contacts
    assert '<h2 id="titre-resultat">' in page
    homonyms = client.get(f"{RESULT}&lieu=Saint-Denis").text
    assert "lieu=Saint-Denis+%2893%29#contacts" in homonyms


def test_a_result_links_to_the_handout_for_the_salarie(client):
    page = client.get(f"{RESULT}&lieu=Vannes").text
    handout = f"{TREE}/pour-le-salarie?etape=pendant-arret&amp;statut=salarie&amp;situation=autre-poste&amp;lieu=Vannes"
    assert f'<a class="button" href="{handout}">Imprimer pour le salarié</a>' in page


def test_implied_answer_is_shown_and_not_asked(client):
    page = client.get(f"{TREE}?etape=reprise").text
    assert "<dt>Statut</dt>" in page and "(déduit)" in page
    assert "À la reprise" in page and 'href="/fiches/cap-emploi"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("etape=reprise&etape=pendant-arret", "a reçu plusieurs réponses"),
        ("etape=reprise&lieu=a&lieu=b", "Le lieu est donné plusieurs fois"),
    ],
)
def test_urls_that_cannot_be_read_get_a_french_400(client, query, message):
    response = client.get(f"{TREE}?{query}")
    assert response.status_code == 400
    assert message in response.text


@pytest.mark.parametrize(
    ("query", "notice", "asked"),
    [
        ("etape=en-vacances", "« en-vacances » n&#39;est plus une réponse", "Où en est la personne ?"),
        ("etape=reprise&statut=independant", "« À la reprise » implique « Salarié »", None),
        ("etape=pendant-arret&statut=independant&situation=meme-poste", "ne se pose pas sur ce parcours", None),
        ("age=45&etape=reprise", "« age » n&#39;est pas (ou plus) une question de cet arbre", None),
    ],
)
def test_answers_this_path_does_not_use_are_ignored_with_a_notice(client, query, notice, asked):
    response = client.get(f"{TREE}?{query}")
    assert response.status_code == 200
    assert "Ce lien contenait des réponses que ce parcours n'utilise pas" in response.text
    assert notice in response.text
    if asked:
        assert f"<legend data-focus-after-swap>{asked}</legend>" in response.text


def test_an_answer_given_ahead_is_kept_until_its_question_comes(client):
    page = client.get(f"{TREE}?statut=salarie").text
    assert "<legend data-focus-after-swap>Où en est la personne ?</legend>" in page
    assert '<input type="hidden" name="statut" value="salarie">' in page  # carried to the next step
    assert "Ce lien contenait" not in page
    page = client.get(f"{TREE}?statut=salarie&etape=pendant-arret").text
    assert "<legend data-focus-after-swap>Quelle issue paraît possible ?</legend>" in page  # statut not asked


def test_typed_values_are_never_echoed_unescaped(client):
    response = client.get(f"{TREE}?etape=<script>alert(1)</script>")
    assert response.status_code == 200 and "n&#39;est plus une réponse" in response.text
    assert "<script>alert(1)</script>" not in response.text
    page = client.get(f"{TREE}?etape=reprise&lieu=<b>Vannes</b>").text
    assert "<b>Vannes</b>" not in page


def test_unknown_tree_is_a_404(client):
    assert client.get("/orientation/inconnu").status_code == 404
    assert client.get("/api/orientation/inconnu").json["erreur"] == "Page introuvable"


def test_api_answers_the_next_question(client):
    body = client.get("/api/orientation/medecin-du-travail?etape=pendant-arret").json
    assert body["question"]["id"] == "statut"
    assert body["question"]["texte"] == "Quel est son statut ?"
    assert body["question"]["options"][0] == {"code": "salarie", "libelle": "Salarié", "aide": None}
    assert body["reponses"] == [
        {"question": "etape", "code": "pendant-arret", "libelle": "En arrêt de travail", "deduite": False}
    ]


def test_api_answers_the_result_with_reasons(client):
    body = client.get(
        "/api/orientation/medecin-du-travail?etape=pendant-arret&statut=salarie&situation=autre-poste"
    ).json
    result = body["resultat"]
    assert result["id"] == "arret-autre-poste"
    assert [(f["id"], f["quand"]) for f in result["fiches"]] == [
        ("visite-pre-reprise", "maintenant"),
        ("service-social-assurance-maladie", "maintenant"),
        ("essai-encadre", "ensuite"),
        ("crpe", "selon"),
    ]
    assert result["fiches"][0]["action"] == "Organiser la visite de pré-reprise"
    assert result["fiches"][2]["raison"] == "Tester un autre poste de l'entreprise pendant l'arrêt."
    assert result["fiches"][2]["action"] is None
    assert result["a_faire"] == ["Organiser la visite de pré-reprise", "Signaler la situation au service social"]
    assert result["pour_le_salarie"] == (
        "http://localhost/orientation/medecin-du-travail/pour-le-salarie"
        "?etape=pendant-arret&statut=salarie&situation=autre-poste"
    )
    assert result["contacts"] == []
    assert client.get("/api/orientation").json["arbres"][0]["id"] == "medecin-du-travail"


def test_api_lists_the_answers_it_ignored(client):
    response = client.get("/api/orientation/medecin-du-travail?etape=reprise&statut=independant")
    assert response.status_code == 200 and response.json["resultat"]["id"] == "reprise"
    assert response.json["ignorees"] == [
        {"question": "statut", "code": "independant", "raison": "« À la reprise » implique « Salarié »"}
    ]
    assert response.json["avertissements"][0].startswith("Statut : Travailleur indépendant")
    response = client.get("/api/orientation/medecin-du-travail?etape=reprise&etape=pendant-arret")
    assert response.status_code == 400 and "plusieurs réponses" in response.json["message"]


def test_each_result_shown_is_counted_anonymously(app, client):
    client.get(RESULT)
    client.get(RESULT)
    client.get(f"{TREE}?etape=reprise")
    client.get(f"{RESULT}&lieu=Vannes")  # adding a place shows the same result: not counted again
    client.get(f"{TREE}?etape=pendant-arret")  # a question, not a result
    with app.test_request_context():
        counts = {row["result"]: row["count"] for row in result_counts()}
        labels = [row["label"] for row in result_counts()]
    assert counts == {"arret-autre-poste": 2, "reprise": 1}
    assert "Médecin du travail (test) › Pendant l'arrêt, préparer un autre poste" in labels


def test_tree_graph_prints_mermaid(runner):
    result = runner.invoke(
        args=[
            "tree-graph",
            "medecin-du-travail",
            "--contenu",
            str(FIXTURES / "content"),
            "--arbres",
            str(FIXTURES / "trees"),
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("flowchart LR\n")
    assert 'q_etape -->|"À la reprise"| r_reprise' in result.output
    missing = runner.invoke(args=["tree-graph", "nulle-part", "--arbres", str(FIXTURES / "trees")])
    assert missing.exit_code == 1 and "L'arbre « nulle-part » n'existe pas" in missing.output


def test_result_with_a_place_lists_who_to_call_there(client):
    page = client.get(f"{RESULT}&lieu=Vannes").text
    assert "Vannes, Morbihan (56)" in page
    assert "Cap emploi du Morbihan" in page  # the local contact of the fixture territory
    assert 'value="Vannes"' in page  # the place field keeps what was typed
    body = client.get(f"/api/orientation/medecin-du-travail?{RESULT.split('?')[1]}&lieu=56").json
    assert body["lieu"]["departement"] == "56"
    cap_emploi = next(item for item in body["resultat"]["contacts"] if item["acteur"] == "cap-emploi")
    # The fixture's local Cap emploi has no coordinates: named, never shown alone, with what to do instead.
    assert [m["nom"] for m in cap_emploi["mentions_locales"]] == ["Cap emploi du Morbihan"]
    assert cap_emploi["contacts"] == [] and "MDPH" in cap_emploi["que_faire"]
    assert "essai-encadre" in cap_emploi["pour"]


def test_a_place_with_homonyms_offers_the_choices(client):
    page = client.get(f"{RESULT}&lieu=Saint-Denis").text
    assert "Plusieurs lieux s&#39;appellent « Saint-Denis » : lequel ?" in page
    assert "lieu=Saint-Denis+%2893%29" in page and "lieu=Saint-Denis+%28974%29" in page
    assert "Cap emploi du Morbihan" not in page  # nothing is picked silently
    body = client.get(f"/api/orientation/medecin-du-travail?{RESULT.split('?')[1]}&lieu=Saint-Denis").json
    assert body["lieu"]["departement"] is None and len(body["lieu"]["choix"]) >= 2


def test_an_unknown_place_suggests_near_names(client):
    page = client.get(f"{RESULT}&lieu=Vanes").text
    assert "Aucune commune, aucun département ni code postal ne correspond" in page
    assert "Vouliez-vous dire" in page and "Vannes (Morbihan, 56)" in page


def test_links_outlive_a_tree_edit(tmp_path, client_on):
    """A question removed and an answer renamed: the old links are still served, with a notice."""
    import shutil

    trees = tmp_path / "trees"
    shutil.copytree(FIXTURES / "trees", trees)
    (trees / "medecin-du-travail.cas.yaml").unlink()  # its cases speak of the tree before the edit
    path = trees / "medecin-du-travail.yaml"
    text = path.read_text()
    text = text.replace("pendant-arret: {libelle: En arrêt de travail", "en-arret: {libelle: En arrêt de travail")
    text = text.replace("      pendant-arret: statut\n", "      en-arret: situation\n")  # statut no longer asked…
    text = text.replace("    implique:\n      reprise: {statut: salarie}\n", "")
    start, end = text.index("  statut:\n    texte:"), text.index("  situation:\n    texte:")
    text = text[:start] + text[end:]  # …and the question is gone
    start, end = text.index("  statut:\n    question: statut"), text.index("  situation:\n    question:")
    text = text[:start] + text[end:]
    text = text.replace("couverture: [etape, statut]", "couverture: [etape]")
    text = text[: text.index("sans_objet:")] + text[text.index("questions:") :]
    text = text.replace("      independant: arret-independant\n", "")
    start, end = text.index("  arret-independant:\n    titre:"), text.index("  reprise:\n    titre:")
    text = text[:start] + text[end:]
    path.write_text(text)
    client = client_on(FIXTURES / "content", trees)
    old_link = f"{TREE}?etape=pendant-arret&statut=salarie&situation=meme-poste"
    page = client.get(old_link)
    assert page.status_code == 200
    assert "« pendant-arret » n&#39;est plus une réponse" in page.text  # renamed: asked again…
    assert "<legend data-focus-after-swap>Où en est la personne ?</legend>" in page.text
    assert '<input type="hidden" name="situation" value="meme-poste">' in page.text  # …the rest kept
    assert "« statut » n&#39;est pas (ou plus) une question de cet arbre" in page.text  # removed: ignored
    body = client.get(old_link.replace("/orientation/", "/api/orientation/").replace("pendant-arret", "en-arret")).json
    assert body["resultat"]["id"] == "arret-meme-poste"
    assert [item["question"] for item in body["ignorees"]] == ["statut"]


def test_showing_a_result_writes_nothing_and_a_flush_writes_every_showing(app, client):
    from sqlalchemy import event

    writes = []

    def remember_writes(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")):
            writes.append(statement)

    engine = app.extensions["portal_engine"]
    event.listen(engine, "before_cursor_execute", remember_writes)
    try:
        for _ in range(7):
            assert client.get(RESULT).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", remember_writes)
    assert writes == []
    assert app.extensions["portal_counts"].flush() == 7
    with app.test_request_context():
        assert {row["result"]: row["count"] for row in result_counts()} == {"arret-autre-poste": 7}


def test_counts_of_several_workers_add_up(app):
    other_worker = create_app({**app.config, "TESTING": True})  # same database, its own memory
    for worker, showings in ((app, 3), (other_worker, 4)):
        client = worker.test_client()
        for _ in range(showings):
            client.get(RESULT)
    for worker in (other_worker, app):
        worker.extensions["portal_counts"].flush()
    other_worker.test_client().get(RESULT)  # counted after the flush: written on the next one
    with app.test_request_context():
        assert {row["result"]: row["count"] for row in result_counts()} == {"arret-autre-poste": 7}
    with other_worker.test_request_context():  # the editors' page writes its own worker's counts first
        assert {row["result"]: row["count"] for row in result_counts()} == {"arret-autre-poste": 8}


def test_counts_are_written_in_the_background_every_few_seconds(tmp_path):
    import time

    from sqlmodel import Session, select

    from portal.counts import OrientationCount

    app = portal_app(tmp_path, COUNTS_SECONDS=0.05)
    client = app.test_client()
    for _ in range(3):
        client.get(RESULT)
    deadline, written = time.monotonic() + 30, None
    while time.monotonic() < deadline and written != 3:  # the writing thread's pace, not a timing assertion
        time.sleep(0.05)
        with Session(app.extensions["portal_engine"]) as session:
            written = session.exec(select(OrientationCount.count)).first()
    assert written == 3
