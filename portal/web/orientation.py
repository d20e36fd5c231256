"""The orientation walk: one URL per step, answers in the query string; the result with local contacts."""

from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from portal.counts import count_demand, count_result
from portal.models import Arbre
from portal.serving import current_catalog
from portal.walk import Ignored, Walk, WalkError, libelle, options, remaining, walk_tree
from portal.web import wants_fragment
from portal.web.letters import letters_url
from portal.web.orientation_contacts import result_in_place
from portal.web.orientation_handout import handout_context

bp = Blueprint("orientation", __name__, url_prefix="/orientation")
api_bp = Blueprint("orientation_api", __name__, url_prefix="/api/orientation")

MAX_PLACE = 100  # characters of `lieu` kept: a commune name, a code postal or a département


def _tree(tree_id: str) -> Arbre:
    tree = current_catalog().trees.get(tree_id)
    if tree is None:
        abort(404)
    return tree


def _walk(tree: Arbre) -> tuple[Walk, str]:
    """The walk of the request's query string and its place; a French 400 when the answers make no walk."""
    places = request.args.getlist("lieu")
    if len(places) > 1:
        abort(400, description="Le lieu est donné plusieurs fois : gardez-en un seul.")
    try:
        walk = walk_tree(tree, {key: request.args.getlist(key) for key in request.args})
    except WalkError as error:
        abort(400, description=str(error))
    return walk, (places[0].strip()[:MAX_PLACE] if places else "")


def step_url(tree: Arbre, params: list[tuple[str, str]], endpoint: str = "orientation.walk", **external) -> str:
    """The URL of the walk step reached by `params` (or of the handout, with endpoint="orientation.handout")."""
    base = url_for(endpoint, tree_id=tree.id, **external)
    return f"{base}?{urlencode(params)}" if params else base


def with_place(walk: Walk, place: str) -> list[tuple[str, str]]:
    """The query parameters of the walk's answers, and of its place when one is given."""
    return walk.params() + ([("lieu", place)] if place else [])


def summary(walk: Walk) -> list[dict]:
    """The answers so far, each with the URL that asks its question again (dropping the answers after it)."""
    base = url_for("orientation.walk", tree_id=walk.tree.id)
    again, query = {}, []  # each question asked: the query string of the answers before it
    for question, code in walk.params():
        again.setdefault(question, f"{base}?{'&'.join(query)}" if query else base)
        query.append(urlencode([(question, code)]))
    rows = []
    for answer in walk.answers:
        question = walk.tree.questions[answer.question]
        modifier = None
        if answer.node:
            modifier = again.get(answer.question) or step_url(walk.tree, walk.params(before=answer.question))
        rows.append(
            {
                "question": question.titre_court,
                "reponse": libelle(walk.tree, answer.question, answer.code, answer.node),
                "modifier": modifier,
            }
        )
    return rows


def ignored_text(tree: Arbre, item: Ignored) -> str:
    """« Statut : Travailleur indépendant » ignoré, and why: one line of the notice above the step."""
    question = tree.questions.get(item.question)
    answer = question.reponses.get(item.code) if question else None
    what = f"{question.titre_court} : {answer.libelle if answer else item.code}" if question else item.question
    return f"{what[:80]} ({item.reason})"


def step_context(walk: Walk, place: str) -> dict:
    """What the step and result templates show."""
    tree = walk.tree
    context = {
        "tree": tree,
        "walk": walk,
        "summary": summary(walk),
        "params": walk.params(),
        "walk_url": url_for("orientation.walk", tree_id=tree.id),
        # What the summary of the answers shows (rendered once per version): the answers given, each a known
        # code; those given ahead are not shown.
        "answers_key": tuple((answer.question, answer.code) for answer in walk.asked),
        "lieu": place,
        "ignored": [ignored_text(walk.tree, item) for item in walk.ignored],
    }
    if walk.is_result:
        found, view = result_in_place(walk, place)
        query = urlencode(with_place(walk, place))  # a result has answers: never empty
        context.update(
            result=tree.resultats[walk.node],
            lines=view.lines,
            groups=view.groups,
            contacts=found,
            # No place yet: the numbers that hold everywhere, so that the result already ends on someone to call.
            national=[] if found else [acteur for acteur in view.national if acteur.group.means],
            today=date.today(),
            url=f"{url_for('orientation.walk', tree_id=tree.id, _external=True)}?{query}",
            handout_url=f"{url_for('orientation.handout', tree_id=tree.id)}?{query}",
            letters=view.letters,
            letters_href=letters_url([fiche.id for fiche, _ in view.lines], place),
        )
    else:
        step = tree.noeuds[walk.node]
        question = tree.questions[step.question]
        answered = len(walk.asked)
        fewest, most = remaining(tree, walk.node)
        context.update(
            question_id=step.question,
            question=question,
            aide=step.aide or question.aide,
            options=options(tree, walk.node),
            number=answered + 1,
            total=(answered + fewest, answered + most),
        )
    return context


@bp.get("")
def index():
    """Choose a tree: each shows its first question, so one click starts the walk."""
    trees = current_catalog().trees.values()
    firsts = [(tree, walk_tree(tree, {})) for tree in trees]
    return render_template(
        "orientation/index.html",
        firsts=[(tree, tree.questions[tree.noeuds[w.node].question], options(tree, w.node)) for tree, w in firsts],
    )


@bp.get("/<tree_id>")
def walk(tree_id: str):
    """One step of the walk (a question), or its result; htmx gets the step only."""
    tree = _tree(tree_id)
    current, place = _walk(tree)
    if current.is_result and not place:
        # Counted once per walk (adding a place shows the same result), in memory: a GET writes nothing.
        codes = {answer.question: answer.code for answer in current.answers}
        count_result(tree.id, current.node, codes.get("etape", ""), codes.get("statut", ""))
    context = step_context(current, place)
    found = context.get("contacts")
    if found and found.departement:  # the acteurs a doctor was told to call in this département
        count_demand(found.departement.code, [item.acteur.id for item in found.acteurs])
    template = "orientation/_step.html" if wants_fragment() else "orientation/walk.html"
    return render_template(template, fragment=wants_fragment(), **context)


@bp.get("/<tree_id>/pour-le-salarie")
def handout(tree_id: str):
    """The handout for the salarié: the steps to take now, whom to call, what to bring; dated, one A4 page."""
    tree = _tree(tree_id)
    current, place = _walk(tree)
    if not current.is_result:  # an answer is missing: ask it
        return redirect(step_url(tree, with_place(current, place)))
    return render_template(
        "orientation/handout.html",
        tree=tree,
        result_url=step_url(tree, with_place(current, place)),
        **handout_context(current, place),
    )


@api_bp.get("")
def api_trees():
    """The trees and the URL of their first question."""
    return jsonify(
        {
            "arbres": [
                {"id": tree.id, "titre": tree.titre, "pour": tree.pour, "url": url_for(".api_walk", tree_id=tree.id)}
                for tree in current_catalog().trees.values()
            ]
        }
    )


@api_bp.get("/<tree_id>")
def api_walk(tree_id: str):
    """The next question, or the result with its fiches (and contacts when `lieu` is given)."""
    tree = _tree(tree_id)
    current, place = _walk(tree)
    answers = [
        {"question": a.question, "code": a.code, "deduite": a.node is None, "libelle": row["reponse"]}
        for a, row in zip(current.answers, summary(current), strict=True)
    ]
    body: dict = {"arbre": {"id": tree.id, "titre": tree.titre}, "reponses": answers}
    context = step_context(current, place)
    body["ignorees"] = [
        {"question": item.question[:80], "code": item.code[:80], "raison": item.reason} for item in current.ignored
    ]
    body["avertissements"] = context["ignored"]
    if not current.is_result:
        body["question"] = {
            "id": context["question_id"],
            "texte": context["question"].texte,
            "aide": context["aide"],
            "options": [{"code": o.code, "libelle": o.libelle, "aide": o.aide} for o in context["options"]],
        }
        return jsonify(body)
    body["resultat"] = {
        "id": current.node,
        "titre": context["result"].titre,
        "a_faire": [line.action for _fiche, line in context["groups"]["maintenant"]],
        "fiches": [
            {
                "id": fiche.id,
                "titre": fiche.titre,
                "type": fiche.type,
                "raison": line.raison,
                "quand": line.quand,
                "action": line.action,
                "url": url_for("directory.fiche_detail", fiche_id=fiche.id, _external=True),
            }
            for fiche, line in context["lines"]
        ],
        "contacts": context["contacts"].as_json() if context["contacts"] else [],
        "pour_le_salarie": step_url(tree, with_place(current, place), "orientation.handout", _external=True),
    }
    if context["contacts"]:
        body["lieu"] = context["contacts"].place_json()
    return jsonify(body)
