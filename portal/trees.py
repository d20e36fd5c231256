"""Orientation trees: load trees/*.yaml, prove each tree sound, run its « cas types »; counts of results."""

import itertools
from dataclasses import dataclass
from pathlib import Path

from portal.content_files import ContentFiles, check_reference, read_content_files, read_document, validate_document
from portal.diagnostics import Problem, nearest, problem_at, relative
from portal.models import MAX_NOW, Arbre, CasTypes
from portal.tree_rules import broken_rules
from portal.treegraph import tree_mermaid
from portal.walk import RESERVED, WalkError, result_lines, walk_tree
from portal.yamlsource import YamlDocument

__all__ = ["check_texts_by_answers", "handout_texts", "load_trees", "tree_mermaid", "walk_paths"]

CASES_SUFFIX = ".cas.yaml"
WARNING = "avertissement"


@dataclass(frozen=True)
class Path_:
    """One walk from the first step to an end: the answers (question -> code, implied included) and the end."""

    answers: tuple[tuple[str, str, str | None], ...]  # (question, code, asking node or None when implied)
    end: str


def load_trees(
    trees_dir: Path | None,
    fiches: dict,
    root: Path,
    broken: set[str] | None = None,
    files: ContentFiles | None = None,
) -> tuple[dict[str, Arbre], list[Problem]]:
    """Return (trees by id, problems): every tree validated and proved sound, its cas types run (the bytes from
    `files` when given, else read now).

    `broken` holds the ids of the fiches whose own file has errors (they are not in `fiches`): a tree that names
    one is kept, so that what refers to the tree is checked against it, and the id of a tree file that cannot be
    read is added to it, so that what refers to that tree is not reported as missing."""
    broken = set() if broken is None else broken
    problems: list[Problem] = []
    trees: dict[str, Arbre] = {}
    if trees_dir is None or not trees_dir.is_dir():
        return trees, problems
    if files is None:
        files = read_content_files(None, trees_dir)
    for path in files.listing(trees_dir):
        if path.name.endswith(CASES_SUFFIX):
            if not files.exists(path.with_name(path.name.removesuffix(CASES_SUFFIX) + ".yaml")):
                problems.append(
                    Problem(
                        relative(path, root),
                        1,
                        1,
                        "",
                        "ces cas types ne correspondent à aucun arbre",
                        f"nommez le fichier <arbre>{CASES_SUFFIX}, à côté de trees/<arbre>.yaml",
                    )
                )
            continue
        document = read_document(path, root, problems, files)
        if document is None:
            broken.add(path.stem)
            continue
        data = dict(document.data)
        if "id" in data:
            problems.append(
                problem_at(document, ("id",), "la clé « id » ne s'écrit pas", "le nom du fichier donne l'id", root=root)
            )
        data["id"] = path.stem
        tree = validate_document(Arbre, document, data, root, problems)
        if tree is None:
            broken.add(path.stem)
            continue
        tree_problems = check_tree(tree, document, fiches, root)
        problems.extend(tree_problems)
        if any(p.severity == "erreur" and not (p.target and p.target in broken) for p in tree_problems):
            broken.add(tree.id)
            continue
        trees[tree.id] = tree
        problems.extend(_check_cases(tree, path.with_name(path.stem + CASES_SUFFIX), fiches, root, files))
    if trees:
        problems.extend(_unreached_dispositifs(trees, fiches, trees_dir, root))
    return trees, problems


def check_tree(tree: Arbre, document: YamlDocument, fiches: dict, root: Path) -> list[Problem]:
    """Everything that can be wrong in one tree: targets, reachability, cycles, repeated questions, fiches."""
    problems: list[Problem] = []

    def error(key: tuple, message: str, hint: str = "", severity: str = "erreur") -> None:
        problems.append(problem_at(document, key, message, hint, severity, root))

    for question_id in tree.questions:
        if question_id in RESERVED:
            error(("questions", question_id), f"« {question_id} » est réservé à l'adresse", "choisissez un autre id")
    for result_id in tree.resultats:
        if result_id in tree.noeuds:
            error(
                ("resultats", result_id),
                f"« {result_id} » est à la fois une étape et un résultat",
                "donnez-leur des ids différents",
            )
    if tree.debut not in tree.noeuds:
        error(("debut",), f"l'étape « {tree.debut} » n'existe pas", _guess(tree.debut, tree.noeuds))
    _check_steps(tree, error)
    if problems:
        return problems  # the walk checks below need sound steps
    reached, cycle = _explore(tree)
    if cycle:
        node, code = cycle
        error(
            ("noeuds", node, "suites", code),
            f"cette suite revient à « {tree.noeuds[node].suites[code]} » : le parcours tournerait en rond",
            "faites-la mener à une étape plus loin ou à un résultat",
        )
        return problems
    for node in tree.noeuds:
        if node not in reached:
            error(("noeuds", node), "cette étape n'est atteinte par aucun parcours", "reliez-la ou retirez-la")
    for result_id in tree.resultats:
        if result_id not in reached:
            error(("resultats", result_id), "ce résultat n'est atteint par aucun parcours", "reliez-le ou retirez-le")
    used_questions = {step.question for step in tree.noeuds.values()}
    for question_id in tree.questions:
        if question_id not in used_questions:
            error(("questions", question_id), "cette question n'est posée à aucune étape", "", WARNING)
    paths = walk_paths(tree)
    _check_repeated_questions(tree, paths, error)
    _check_results(tree, fiches, document, root, error, problems)
    _check_coverage(tree, paths, error)
    if not any(p.severity == "erreur" for p in problems):
        _check_rules_of_the_field(tree, paths, error)
    return problems


def _check_rules_of_the_field(tree: Arbre, paths: list[Path_], error) -> None:
    """The rules of the field (portal/tree_rules.py), at each result, once per result and rule."""
    broken: dict[str, list[tuple[str, dict]]] = {}  # message -> the results that break it, and a walk to each
    for path in paths:
        answers = {question: code for question, code, _node in path.answers}
        for message in broken_rules(answers, result_lines(tree, path.end)):
            results = broken.setdefault(message, [])
            if path.end not in [result for result, _answers in results]:
                results.append((path.end, answers))
    for message, results in broken.items():  # once per rule, at the first result (a bloc may be in many)
        first, answers = results[0]
        via = ", ".join(f"{question} = {code}" for question, code in answers.items())
        others = f" ; aussi dans {', '.join(result for result, _ in results[1:])}" if len(results) > 1 else ""
        error(("resultats", first), message, f"parcours : {via}{others}")


def _guess(word: str, known) -> str:
    found = nearest(word, known)
    return f"vouliez-vous dire « {found} » ?" if found else "ids connus : " + ", ".join(sorted(known))


def _check_steps(tree: Arbre, error) -> None:
    targets = set(tree.noeuds) | set(tree.resultats)
    for node_id, step in tree.noeuds.items():
        question = tree.questions.get(step.question)
        if question is None:
            error(
                ("noeuds", node_id, "question"),
                f"la question « {step.question} » n'existe pas",
                _guess(step.question, tree.questions),
            )
            continue
        for code, target in step.suites.items():
            if code not in question.reponses:
                error(
                    ("noeuds", node_id, "suites", code),
                    f"« {code} » n'est pas une réponse de la question « {step.question} »",
                    _guess(code, question.reponses),
                )
            if target not in targets:
                error(
                    ("noeuds", node_id, "suites", code), f"la suite « {target} » n'existe pas", _guess(target, targets)
                )
        for key in ("libelles", "implique"):
            for code in getattr(step, key):
                if code not in step.suites:
                    error(
                        (("noeuds", node_id, key, code)),
                        f"« {code} » n'est pas une réponse proposée à cette étape",
                        _guess(code, step.suites),
                    )
        for code, implied in step.implique.items():
            for question_id, implied_code in implied.items():
                other = tree.questions.get(question_id)
                if other is None:
                    error(
                        ("noeuds", node_id, "implique", code, question_id),
                        f"la question « {question_id} » n'existe pas",
                        _guess(question_id, tree.questions),
                    )
                elif implied_code not in other.reponses:
                    error(
                        ("noeuds", node_id, "implique", code, question_id),
                        f"« {implied_code} » n'est pas une réponse de la question « {question_id} »",
                        _guess(implied_code, other.reponses),
                    )


def _explore(tree: Arbre) -> tuple[set[str], tuple[str, str] | None]:
    """Every step and result reachable from the first step, and the first edge that closes a cycle (if any)."""
    reached: set[str] = set()
    on_path: set[str] = set()

    def visit(node: str) -> tuple[str, str] | None:
        reached.add(node)
        if node not in tree.noeuds:
            return None
        on_path.add(node)
        for code, target in tree.noeuds[node].suites.items():
            if target in on_path:
                return (node, code)
            if target not in reached:
                found = visit(target)
                if found:
                    return found
        on_path.discard(node)
        return None

    return reached, visit(tree.debut)


def walk_paths(tree: Arbre) -> list[Path_]:
    """Every walk of a sound tree (no cycle), from the first step to its result."""
    paths: list[Path_] = []

    def follow(node: str, answers: tuple) -> None:
        if node not in tree.noeuds:
            paths.append(Path_(answers, node))
            return
        step = tree.noeuds[node]
        for code, target in step.suites.items():
            implied = tuple((q, c, None) for q, c in step.implique.get(code, {}).items())
            follow(target, (*answers, (step.question, code, node), *implied))

    follow(tree.debut, ())
    return paths


def _check_repeated_questions(tree: Arbre, paths: list[Path_], error) -> None:
    reported: set[str] = set()
    for path in paths:
        seen: set[str] = set()
        for question, _code, node in path.answers:
            if question in seen and node and node not in reported:
                reported.add(node)
                error(
                    ("noeuds", node, "question"),
                    f"la question « {question} » est déjà posée ou déduite plus haut dans un parcours qui mène ici",
                    "une question ne se pose qu'une fois par parcours : l'adresse n'a qu'une réponse par question",
                )
            seen.add(question)


def _check_results(tree: Arbre, fiches: dict, document: YamlDocument, root: Path, error, problems: list) -> None:
    def check_line(key: tuple, line, in_bloc: bool) -> None:
        if line.bloc:
            if in_bloc:
                error(key, "un bloc ne peut pas contenir un autre bloc", "recopiez ses lignes ici")
            elif line.fiche or line.raison:
                error(key, "une ligne est soit un bloc, soit une fiche avec sa raison", "séparez-les en deux lignes")
            elif "quand" in line.model_fields_set or line.action:
                error(
                    key,
                    "une ligne `bloc:` n'a ni `quand` ni `action`",
                    "écrivez-les sur chaque ligne du bloc (un bloc garde le même moment dans chaque résultat)",
                )
            elif line.bloc not in tree.blocs:
                error((*key, "bloc"), f"le bloc « {line.bloc} » n'existe pas", _guess(line.bloc, tree.blocs or {"": 0}))
            return
        if not line.fiche or not line.raison:
            error(key, "chaque fiche proposée a une raison d'une phrase", "écrivez `fiche:` et `raison:`")
            return
        problem = check_reference(document, (*key, "fiche"), line.fiche, fiches, None, root)
        if problem:
            problems.append(problem)
        if line.quand == "maintenant" and not line.action:
            error(
                (*key, "quand"),
                "une ligne « maintenant » dit l'action à faire",
                "ajoutez `action:` : un verbe et son objet, par exemple « Demander la visite de pré-reprise »",
            )
        elif line.action and line.quand != "maintenant":
            error(
                (*key, "action"),
                "`action` ne sert qu'aux lignes « maintenant »",
                "retirez-la, ou écrivez `quand: maintenant` si c'est à faire dès cette consultation",
            )

    for bloc_id, bloc in tree.blocs.items():
        for index, line in enumerate(bloc.fiches):
            check_line(("blocs", bloc_id, "fiches", index), line, True)
    used_blocs = set()
    for result_id, result in tree.resultats.items():
        for index, line in enumerate(result.fiches):
            check_line(("resultats", result_id, "fiches", index), line, False)
            used_blocs.add(line.bloc)
        if any(p.severity == "erreur" for p in problems):
            continue
        now = [line for line in result_lines(tree, result_id) if line.quand == "maintenant"]
        if len(now) > MAX_NOW:
            error(
                ("resultats", result_id, "fiches"),
                f"ce résultat a {len(now)} lignes « maintenant » ({', '.join(line.fiche for line in now)}) : "
                f"{MAX_NOW} au plus",
                "passez les moins urgentes en « ensuite » : « À faire maintenant » doit se lire d'un coup d'œil",
            )
        seen: set[str] = set()
        for line in result_lines(tree, result_id):
            if line.fiche in seen:
                error(
                    ("resultats", result_id, "fiches"),
                    f"la fiche « {line.fiche} » est proposée deux fois",
                    "gardez-en une",
                )
            seen.add(line.fiche)
    for bloc_id in tree.blocs:
        if bloc_id not in used_blocs:
            error(("blocs", bloc_id), "ce bloc n'est utilisé par aucun résultat", "", WARNING)


def _combination_text(tree: Arbre, combination: dict[str, str]) -> str:
    return " × ".join(
        f"{tree.questions[q].titre_court} : {tree.questions[q].reponses[c].libelle}" for q, c in combination.items()
    )


def _check_coverage(tree: Arbre, paths: list[Path_], error) -> None:
    for index, question_id in enumerate(tree.couverture):
        if question_id not in tree.questions:
            error(
                ("couverture", index),
                f"la question « {question_id} » n'existe pas",
                _guess(question_id, tree.questions),
            )
            return
    for index, declared in enumerate(tree.sans_objet):
        for question_id, code in declared.reponses.items():
            if question_id not in tree.couverture:
                error(
                    ("sans_objet", index, "reponses", question_id),
                    f"« {question_id} » n'est pas une question de `couverture`",
                )
                return
            if code not in tree.questions[question_id].reponses:
                error(
                    ("sans_objet", index, "reponses", question_id),
                    f"« {code} » n'est pas une réponse de « {question_id} »",
                )
                return
    if not tree.couverture:
        return
    walked = [
        {q: c for q, c, _node in path.answers if q in tree.couverture} for path in paths if path.end in tree.resultats
    ]
    codes = [list(tree.questions[q].reponses) for q in tree.couverture]
    for values in itertools.product(*codes):
        combination = dict(zip(tree.couverture, values, strict=True))
        covered = any(all(answers.get(q, c) == c for q, c in combination.items()) for answers in walked)
        declared = [
            index
            for index, item in enumerate(tree.sans_objet)
            if all(combination[q] == c for q, c in item.reponses.items())
        ]
        if covered and declared:
            error(
                ("sans_objet", declared[0]),
                f"la combinaison {_combination_text(tree, combination)} est déclarée sans objet, "
                "mais un parcours y mène",
                "retirez-la de `sans_objet` ou corrigez le parcours",
            )
        elif not covered and not declared:
            error(
                ("couverture",),
                f"aucun parcours ne mène à un résultat pour {_combination_text(tree, combination)}",
                "ajoutez un résultat, ou déclarez la combinaison dans `sans_objet` avec sa raison",
                WARNING,
            )


def _check_cases(tree: Arbre, path: Path, fiches: dict, root: Path, files: ContentFiles) -> list[Problem]:
    problems: list[Problem] = []
    first_question = tree.noeuds[tree.debut].question
    if not files.exists(path):
        return [
            Problem(
                relative(path, root),
                1,
                1,
                "",
                f"l'arbre « {tree.id} » n'a pas de cas types",
                f"écrivez-en au moins un par réponse à « {first_question} » dans {path.name}",
                WARNING,
            )
        ]
    document = read_document(path, root, problems, files)
    cases = validate_document(CasTypes, document, document.data, root, problems) if document else None
    if cases is None:
        return problems

    def error(key: tuple, message: str, hint: str = "") -> None:
        problems.append(problem_at(document, key, message, hint, root=root))

    for index, case in enumerate(cases.cas):
        for key in ("doit_proposer", "ne_doit_pas_proposer"):
            for sub, fiche_id in enumerate(getattr(case, key)):
                problem = check_reference(document, ("cas", index, key, sub), fiche_id, fiches, None, root)
                if problem:
                    problems.append(problem)
        try:
            walk = walk_tree(tree, list(case.reponses.items()))
        except WalkError as failure:
            error(("cas", index, "reponses"), f"le cas « {case.nom} » ne fait pas un parcours : {failure}")
            continue
        if walk.ignored:
            reasons = " ; ".join(f"{item.question} = {item.code} : {item.reason}" for item in walk.ignored)
            error(("cas", index, "reponses"), f"le cas « {case.nom} » a des réponses inutilisées ({reasons})")
            continue
        if not walk.is_result:
            question = tree.noeuds[walk.node].question
            error(
                ("cas", index, "reponses"),
                f"le cas « {case.nom} » s'arrête à la question « {question} »",
                "ajoutez sa réponse",
            )
            continue
        if case.resultat and case.resultat != walk.node:
            error(
                ("cas", index, "resultat"), f"le cas « {case.nom} » mène à « {walk.node} », pas à « {case.resultat} »"
            )
        proposed = {line.fiche for line in result_lines(tree, walk.node)}
        for sub, fiche_id in enumerate(case.doit_proposer):
            if fiche_id in fiches and fiche_id not in proposed:
                error(
                    ("cas", index, "doit_proposer", sub), f"le résultat « {walk.node} » ne propose pas « {fiche_id} »"
                )
        for sub, fiche_id in enumerate(case.ne_doit_pas_proposer):
            if fiche_id in proposed:
                error(
                    ("cas", index, "ne_doit_pas_proposer", sub), f"le résultat « {walk.node} » propose « {fiche_id} »"
                )
        texts = " ".join(handout_texts(walk, fiches)).casefold()
        for sub, words in enumerate(case.feuille_doit_dire):
            if words.casefold() not in texts:
                error(
                    ("cas", index, "feuille_doit_dire", sub),
                    f"les démarches de la feuille au salarié ne disent pas « {words} »",
                    "voyez `mobiliser.salarie` et `salarie_selon` des fiches « maintenant » de ce résultat",
                )
        for sub, words in enumerate(case.feuille_ne_doit_pas_dire):
            if words.casefold() in texts:
                error(
                    ("cas", index, "feuille_ne_doit_pas_dire", sub),
                    f"les démarches de la feuille au salarié disent « {words} »",
                    "écrivez dans la fiche un texte `salarie_selon` pour ces réponses",
                )
    covered = {case.reponses.get(first_question) for case in cases.cas}
    for code in tree.noeuds[tree.debut].suites:
        if code not in covered:
            problems.append(
                problem_at(
                    document,
                    ("cas",),
                    f"aucun cas type ne répond « {code} » à la question « {first_question} »",
                    "ajoutez-en un",
                    WARNING,
                    root,
                )
            )
    return problems


def handout_texts(walk, fiches: dict) -> list[str]:
    """The texts the handout writes to the salarié for a finished walk: its « maintenant » fiches' text for the
    salarié, as the walk's answers choose it (`salarie_selon`)."""
    answers = walk.by_question
    texts = []
    for line in result_lines(walk.tree, walk.node):
        fiche = fiches.get(line.fiche)
        if line.quand == "maintenant" and fiche and fiche.mobiliser:
            text = fiche.mobiliser.salarie_for(answers)
            if text:
                texts.append(text)
    return texts


def check_texts_by_answers(trees: dict[str, Arbre], fiches: dict, documents: dict, root: Path) -> list[Problem]:
    """Each `mobiliser.salarie_selon` names questions and answer codes that a tree asks: a misspelt one would
    silently never match, and the handout would state what the answers rule out."""
    codes: dict[str, set[str]] = {}
    for tree in trees.values():
        for question_id, question in tree.questions.items():
            codes.setdefault(question_id, set()).update(question.reponses)
    problems = []
    for fiche_id, fiche in fiches.items():
        if not fiche.mobiliser or fiche_id not in documents:
            continue
        for index, case in enumerate(fiche.mobiliser.salarie_selon):
            for question_id, code in case.si.items():
                key = ("mobiliser", "salarie_selon", index, "si", question_id)
                if question_id not in codes:
                    hint = _guess(question_id, codes) if codes else "aucun arbre n'est chargé"
                    problems.append(
                        problem_at(
                            documents[fiche_id],
                            key,
                            f"« {question_id} » n'est une question d'aucun arbre",
                            hint,
                            root=root,
                        )
                    )
                elif code not in codes[question_id]:
                    problems.append(
                        problem_at(
                            documents[fiche_id],
                            key,
                            f"« {code} » n'est pas une réponse de la question « {question_id} »",
                            _guess(code, codes[question_id]),
                            root=root,
                        )
                    )
    return problems


def _unreached_dispositifs(trees: dict[str, Arbre], fiches: dict, trees_dir: Path, root: Path) -> list[Problem]:
    reached = {
        line.fiche for tree in trees.values() for result in tree.resultats for line in result_lines(tree, result)
    }
    return [
        Problem(
            relative(trees_dir, root),
            1,
            1,
            fiche_id,
            f"le dispositif « {fiche.titre} » n'est proposé par aucun résultat d'arbre",
            "ajoutez-le aux résultats où il s'applique, s'il oriente",
            WARNING,
        )
        for fiche_id, fiche in sorted(fiches.items())
        if fiche.type == "dispositif" and fiche_id not in reached
    ]
