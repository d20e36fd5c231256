"""The handout for the salarié (/orientation/<arbre>/pour-le-salarie): written to the person, dated, without the
médecin's reasons, editors' notes or legal article numbers, on the fixture tree and on every result of the real
trees."""

import html
import re
from datetime import date
from html.parser import HTMLParser

import pytest

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
    assert "Votre médecin du travail vous propose cette démarche pour continuer à travailler" in text
    # The step: the fiche's text to the salarié, never the reason or the action written to the médecin.
    assert "Visite de pré-reprise Vous pouvez la demander vous-même au service de santé au travail" in text
    assert "Dès 30 jours d'arrêt, la visite de pré-reprise prépare le retour" not in text
    assert "Organiser la visite de pré-reprise" not in text and "Organisez-la" not in text
    # Without a place: the acteurs' national means, each doubtful one marked at its point; no web address.
    assert "Service social de l'Assurance Maladie (pour : Visite de pré-reprise) Téléphone : 36 46 (à vérifier)" in text
    assert "http" not in text and "/contacts" not in text
    assert "À apporter Votre dernier avis d'arrêt de travail" in text
    assert "Ensuite D'autres démarches pourront suivre, à décider avec vos médecins : Essai encadré" in text
    # « Selon la situation »: printed, so that the worker knows it exists where it may apply.
    assert "Selon votre situation Convention de rééducation professionnelle en entreprise (CRPE)" in text
    # The médecin du travail writes his own service's number: a line for it.
    assert "Votre service de santé au travail (médecin du travail, cellule de prévention" in text
    assert re.search(r"Votre service de santé au travail \([^)]*\) Numéro : _{6,}", text)
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


# Web and editors' wording that means nothing on paper, and France Travail's line for demandeurs d'emploi.
WEB = re.compile(
    r"https?://|www\.|\bportail\b|cliquez|\bla fiche\b|\bles fiches\b|éditeur|contacts du département", re.I
)
DOUBT = re.compile(r"\(à vérifier\)|« à vérifier » : pas encore confirmé|\bà vérifier\b(?! par)")


def test_every_real_handout_is_written_to_the_person(real_app):
    """Every result of both real trees: its steps in words to the salarié (for paper), nothing meant for the
    médecin or the editors, no web wording, no legal article number, doubts marked only at their point."""
    from portal.serving import current_catalog
    from portal.web.orientation_handout import on_paper

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
            assert "vérifi" not in DOUBT.sub("", text), where
            assert not WEB.search(text), (where, WEB.search(text))
            assert not ARTICLE.search(text), (where, ARTICLE.search(text))
            for line in result_lines(tree, path.end):
                assert " ".join(line.raison.split()) not in text, (where, line.fiche)
                if line.action:
                    assert line.action not in text, (where, line.action)
                fiche = catalog.fiches[line.fiche]
                answers = {question: code for question, code, _node in path.answers}
                chosen = fiche.mobiliser.salarie_for(answers) if fiche.mobiliser else None
                if line.quand == "maintenant" and chosen:
                    assert on_paper(chosen) in text, (where, line.fiche)
    assert len(seen) == sum(len(tree.resultats) for tree in catalog.trees.values())  # every result


class _Entries(HTMLParser):
    """The « Qui contacter » entries of a handout: for each item of its list, the name in bold and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[str, str]] = []
        self.depth = 0  # 1 inside the list, 2 inside one of its items
        self.strong: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("ul", "li") and self.depth:
            self.depth += 1
            if self.depth == 2 and tag == "li":
                self.entries.append(("", ""))
        elif tag == "ul" and "handout-contacts" in (dict(attrs).get("class") or "").split():
            self.depth = 1
        elif tag == "strong" and self.depth >= 2 and not self.entries[-1][0]:
            self.strong = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "strong" and self.strong is not None:
            self.entries[-1] = (self.strong.strip(), self.entries[-1][1])
            self.strong = None
        elif tag in ("ul", "li") and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.strong is not None:
            self.strong += data
        if self.depth >= 2:
            self.entries[-1] = (self.entries[-1][0], self.entries[-1][1] + data)


def _parse_entries(page: str) -> list[tuple[str, str]]:
    parser = _Entries()
    parser.feed(page)
    return parser.entries


# A site is a way only where it finds the office (France Travail's, whose number is for demandeurs d'emploi).
WAY = re.compile(r"Téléphone :|Courriel :|Formulaire de contact :|Trouver le service|Site : \S+, pour trouver votre")
LINE = re.compile(r"Numéro : _{6,}")
# The worker's own doctor: he knows him. His service de santé au travail (the médecin du travail, the service, its
# cellule PDP) is one entry « Votre service de santé au travail » with a line for its number, never looked for
# under each name; on the médecin traitant's tree it says where to find it.
KNOWN = {"medecin-traitant"}
OWN = {"medecin-du-travail", "spst", "cellule-pdp-spst", "service-medecine-prevention"}
OWN_ENTRY = "Votre service de santé au travail"


def named_acteurs(catalog, text: str) -> set[str]:
    """The acteurs `text` names (title, acronym or other name, whole words), the longest name first."""
    names = sorted(
        ((name, fiche.id) for fiche in catalog.of_type("acteur") for name in (fiche.titre, fiche.sigle, *fiche.alias)),
        key=lambda pair: -len(pair[0] or ""),
    )
    found, taken = set(), []
    text = re.sub(r"\S+@\S+|\S*://\S+", " ", text)  # an address is not a name (« carsat-bfc.fr »)
    for name, acteur in names:
        for match in re.finditer(rf"(?<!\w){re.escape(name or '')}(?!\w)", text, re.IGNORECASE) if name else ():
            if not any(start < match.end() and match.start() < end for start, end in taken):
                taken.append(match.span())
                found.add(acteur)
    return found


def dead_ends(catalog, tree, page: str) -> list[str]:
    from portal.web.orientation_handout import on_paper

    """The acteurs a handout names that the worker cannot reach: neither a way (phone, email, form, a page that
    finds the office) nor a line « Numéro : ____ » with whom to ask; and the médecin listed as someone to find."""
    entries = {name: " ".join(text.split()) for name, text in _parse_entries(page)}
    own_line = any(name == OWN_ENTRY and LINE.search(text) for name, text in entries.items())
    found = []
    for acteur_id in sorted(named_acteurs(catalog, sheet(page))):
        acteur = catalog.fiches[acteur_id]
        entry = entries.get(acteur.titre)
        if acteur_id in KNOWN:
            ok = entry is None
        elif acteur_id in OWN:
            ok = entry is None and own_line
        elif entry is None:
            ok = False
        else:
            # Whom to ask, at least up to its first « ; » (an aside naming an acteur that does not serve the worker,
            # the Agefiph for an agent public, is left out).
            whom = on_paper(acteur.si_aucun_contact).split(" ; ")[0]
            ok = bool(WAY.search(entry)) or bool(LINE.search(entry) and whom and whom in entry)
        if not ok:
            found.append(acteur_id)
    return found


PLACES = ("", "56", "21")


@pytest.mark.slow  # every result of both real trees in three places: about 270 sheets
def test_no_handout_sends_the_worker_to_a_dead_end(real_app):
    """Every result of both real trees, without a place and in two départements: each acteur the sheet names comes
    with a way to reach it or a line to write its number and whom to ask; the médecin never lists himself."""
    from portal.serving import current_catalog

    client = real_app.test_client()
    with real_app.app_context():
        catalog = current_catalog()
    handouts, failing = 0, {}
    for tree in catalog.trees.values():
        for node in tree.resultats:
            path = next(path for path in walk_paths(tree) if path.end == node)
            query = "&".join(f"{q}={c}" for q, c, step in path.answers if step)
            for lieu in PLACES:
                page = client.get(f"/orientation/{tree.id}/pour-le-salarie?{query}&lieu={lieu}").text
                handouts += 1
                if found := dead_ends(catalog, tree, page):
                    failing[f"{tree.id} › {node} › lieu={lieu}"] = found
    assert handouts == len(PLACES) * sum(len(tree.resultats) for tree in catalog.trees.values())
    pairs = sum(len(found) for found in failing.values())
    assert not failing, f"{len(failing)} feuilles sur {handouts}, {pairs} acteurs sans moyen ni ligne : {failing}"


def test_an_acteur_without_a_way_leaves_a_line_and_says_whom_to_ask(real_app):
    """Cap emploi has no national number: the sheet leaves a line for it and says whom to ask, and those it names
    (MDPH, France Travail, Agefiph) come with their own means; the médecin du travail leaves a line for his own
    service's number and never lists himself as someone to find."""
    client = real_app.test_client()
    query = "etape=pendant-arret&statut=salarie&contrat=en-cours&situation=reconversion&rqth=oui"
    page = client.get(f"/orientation/medecin-du-travail/pour-le-salarie?{query}").text
    entries = {name: " ".join(text.split()) for name, text in _parse_entries(page)}
    assert re.fullmatch(
        r"Votre service de santé au travail \(médecin du travail, cellule de prévention de la désinsertion "
        r"professionnelle\) Numéro : _+",
        entries.pop(next(iter(entries))),
    )
    assert "Médecin du travail" not in entries and "Service de prévention et de santé au travail" not in entries
    assert "Médecin traitant" not in entries  # the worker knows his own doctor
    cap_emploi = entries["Cap emploi"]
    assert re.search(r"^Cap emploi .*Numéro : _+ Où le trouver : Demandez ses coordonnées à la MDPH", cap_emploi)
    assert "portail" not in entries["Cap emploi"]  # « le portail ne connaît ni numéro national… »: not on paper
    # France Travail's number is the demandeurs d'emploi's line: its site, for after a licenciement.
    assert "Site : francetravail.fr, pour trouver votre agence ou, après un licenciement" in entries["France Travail"]
    assert "39 49" not in entries["France Travail"]
    mdph = entries["Maison départementale des personnes handicapées"]
    assert "Trouver le service de votre département : cnsa.fr" in mdph


def test_on_the_medecin_traitant_tree_the_service_de_sante_au_travail_is_one_entry_to_find(real_app):
    page = (
        real_app.test_client()
        .get("/orientation/medecin-traitant/pour-le-salarie?etape=pendant-arret&statut=salarie")
        .text
    )
    entries = {name: " ".join(text.split()) for name, text in _parse_entries(page)}
    assert "Médecin traitant" not in entries and "Médecin du travail" not in entries
    assert re.search(r"Numéro : _+ Où le trouver : .*demandez-les à l'employeur", entries[OWN_ENTRY])


def _every_handout(real_app, places=PLACES):
    """(tree, result, place, sheet text) of every result of both real trees, in each place."""
    from portal.serving import current_catalog

    client = real_app.test_client()
    with real_app.app_context():
        catalog = current_catalog()
    for tree in catalog.trees.values():
        for node in tree.resultats:
            path = next(path for path in walk_paths(tree) if path.end == node)
            query = "&".join(f"{q}={c}" for q, c, step in path.answers if step)
            for lieu in places:
                page = client.get(f"/orientation/{tree.id}/pour-le-salarie?{query}&lieu={lieu}").text
                yield tree, node, lieu, sheet(page)


def test_no_handout_gives_the_demandeurs_d_emploi_line_to_a_worker(real_app):
    """39 49 is France Travail's line for demandeurs d'emploi: every result of both trees (68 when the issue was
    written, 90 with the paths of agents publics, régime agricole, contracts ended…), without a place and in Vannes
    and Dijon, never gives it; where the CEP is proposed, the sheet leaves a line for the operator of the
    worker's région (France Travail is the CEP of demandeurs d'emploi)."""
    from portal.serving import current_catalog

    with real_app.app_context():
        results = sum(len(tree.resultats) for tree in current_catalog().trees.values())
    handouts, giving, with_cep = 0, [], 0
    for tree, node, lieu, text in _every_handout(real_app, ("", "Vannes", "Dijon")):
        handouts += 1
        if re.search(r"39\s?49", text):
            giving.append(f"{tree.id} › {node} › {lieu}")
        if "Conseil en évolution professionnelle" in text:
            with_cep += 1
            operator = r"Conseil en évolution professionnelle \(CEP\) \(l'opérateur de votre région\) Numéro : _+"
            assert re.search(operator, text), (tree.id, node, lieu)
            assert not re.search(r"France Travail \(pour : [^)]*Conseil en évolution", text), (tree.id, node, lieu)
    assert handouts == 3 * results > 0 and with_cep > 0
    assert not giving, f"{len(giving)} feuilles sur {handouts} donnent le 39 49 : {giving}"


def test_the_dijon_sheet_names_the_rendez_vous_de_liaison(real_app):
    """A patient in long arrêt in Dijon: the rendez-vous de liaison (« selon la situation ») is on the sheet in words
    to the salarié (a number « à vérifier » is marked so: test_the_handout_speaks_to_the_salarie, on the fixtures)."""
    page = real_app.test_client().get(
        "/orientation/medecin-traitant/pour-le-salarie?etape=pendant-arret&statut=salarie&lieu=Dijon"
    )
    text = sheet(page.text)
    assert re.search(r"Selon votre situation .*Rendez-vous de liaison : ", text)
