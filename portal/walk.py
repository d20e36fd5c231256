"""Walking an orientation tree: the answers of a query string lead to the next question or to a result."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from portal.models import QUAND, Arbre, Ligne

# Query parameters of a walk that are not answers: the place for local contacts.
RESERVED = ("lieu",)


class WalkError(ValueError):
    """A query string that cannot be read at all (a question answered twice); a French sentence for the user."""


@dataclass(frozen=True)
class Ignored:
    """An answer of the URL that this walk does not use, and why, in French (links outlive tree edits)."""

    question: str
    code: str
    reason: str


@dataclass(frozen=True)
class Answer:
    """One answer of a walk."""

    question: str
    code: str
    node: str | None  # the step that asked it; None when an earlier answer implied it


@dataclass(frozen=True)
class Option:
    """An answer offered at a step, as the médecin reads it."""

    code: str
    libelle: str
    aide: str | None


@dataclass(frozen=True)
class Walk:
    """Where the answers lead: the answers in the order asked, and the current step or result."""

    tree: Arbre
    answers: tuple[Answer, ...]
    node: str
    ignored: tuple[Ignored, ...] = ()  # answers of the URL this walk does not use, each with its reason
    pending: tuple[tuple[str, str], ...] = ()  # answers given ahead, kept until their question comes

    @property
    def is_result(self) -> bool:
        return self.node in self.tree.resultats

    @property
    def by_question(self) -> dict[str, str]:
        """Every answer of the walk, implied ones included: question -> code."""
        return {answer.question: answer.code for answer in self.answers}

    @property
    def asked(self) -> list[Answer]:
        """The answers the médecin gave (not those implied by another)."""
        return [answer for answer in self.answers if answer.node is not None]

    def params(self, before: str | None = None) -> list[tuple[str, str]]:
        """The query parameters of the answers given (and of those given ahead), or of those given before
        question `before`."""
        params = []
        for answer in self.asked:
            if answer.question == before:
                return params
            params.append((answer.question, answer.code))
        return params + list(self.pending)


def _short(value: str) -> str:
    # Echo at most a few characters of what was typed; templates and JSON escape the rest.
    return value if len(value) <= 40 else value[:40] + "…"


def libelle(tree: Arbre, question: str, code: str, node: str | None = None) -> str:
    """The label of answer `code` to `question` (as step `node` words it, if it does)."""
    if node and code in tree.noeuds[node].libelles:
        return tree.noeuds[node].libelles[code]
    return tree.questions[question].reponses[code].libelle


def options(tree: Arbre, node: str) -> list[Option]:
    """The answers offered at step `node`, in the order written."""
    step = tree.noeuds[node]
    question = tree.questions[step.question]
    return [
        Option(code, libelle(tree, step.question, code, node), question.reponses[code].aide) for code in step.suites
    ]


def walk_tree(tree: Arbre, params: Mapping[str, Sequence[str]] | Iterable[tuple[str, str]]) -> Walk:
    """Follow the answers of `params` from the first step, as far as they lead.

    Links outlive tree edits: an answer this path does not ask is ignored (`ignored`, with its reason); an answer
    given ahead is kept until its question comes (`pending`); an unknown or no longer offered answer stops the walk
    at its question, asked again. Only a question answered twice raises WalkError: that URL cannot be read."""
    given, ignored = _answers_given(tree, params)
    answers: list[Answer] = []
    used: set[str] = set()
    node = tree.debut
    while node in tree.noeuds:
        step = tree.noeuds[node]
        question = tree.questions[step.question]
        code = given.get(step.question)
        if code is None:
            break
        if code not in step.suites:
            offered = code in question.reponses
            label = question.reponses[code].libelle if offered else _short(code)
            reason = "n'est pas proposée après les réponses précédentes" if offered else "n'est plus une réponse"
            ignored.append(Ignored(step.question, code, f"« {label} » {reason} : choisissez à nouveau"))
            used.add(step.question)
            break
        answers.append(Answer(step.question, code, node))
        used.add(step.question)
        for implied_question, implied_code in step.implique.get(code, {}).items():
            if given.get(implied_question, implied_code) != implied_code:
                ignored.append(
                    Ignored(
                        implied_question,
                        given[implied_question],
                        f"« {libelle(tree, step.question, code, node)} » implique "
                        f"« {libelle(tree, implied_question, implied_code)} »",
                    )
                )
            answers.append(Answer(implied_question, implied_code, None))
            used.add(implied_question)
        node = step.suites[code]
    ahead = _questions_after(tree, node) if node in tree.noeuds else set()
    pending = []
    for question_id, code in given.items():
        if question_id in used:
            continue
        if question_id in ahead:
            pending.append((question_id, code))
        else:
            ignored.append(Ignored(question_id, code, "cette question ne se pose pas sur ce parcours"))
    return Walk(tree, tuple(answers), node, tuple(ignored), tuple(pending))


def _questions_after(tree: Arbre, node: str) -> set[str]:
    """The questions that may still be asked from step `node` on."""
    seen, stack, questions = set(), [node], set()
    while stack:
        current = stack.pop()
        if current in seen or current not in tree.noeuds:
            continue
        seen.add(current)
        questions.add(tree.noeuds[current].question)
        stack.extend(tree.noeuds[current].suites.values())
    return questions


def _answers_given(tree: Arbre, params) -> tuple[dict[str, str], list[Ignored]]:
    pairs = (
        [(key, value) for key, values in params.items() for value in values]
        if isinstance(params, Mapping)
        else list(params)
    )
    given: dict[str, str] = {}
    ignored: list[Ignored] = []
    for key, value in pairs:
        if key in RESERVED:
            continue
        if key not in tree.questions:
            ignored.append(Ignored(key, value, f"« {_short(key)} » n'est pas (ou plus) une question de cet arbre"))
            continue
        if key in given:
            raise WalkError(f"La question « {tree.questions[key].texte} » a reçu plusieurs réponses.")
        given[key] = value
    return given, ignored


def result_lines(tree: Arbre, result: str) -> list[Ligne]:
    """The fiches of a result in order, its blocs expanded."""
    lines: list[Ligne] = []
    for line in tree.resultats[result].fiches:
        lines.extend(tree.blocs[line.bloc].fiches if line.bloc else [line])
    return lines


_QUAND_RANK = {quand: rank for rank, quand in enumerate(QUAND)}


def visit_order(lines: list[Ligne]) -> list[Ligne]:
    """The lines in the order of the visit: « maintenant », then « ensuite », then « selon », each group in the
    order written."""
    return sorted(lines, key=lambda line: _QUAND_RANK[line.quand])


def remaining(tree: Arbre, node: str) -> tuple[int, int]:
    """The fewest and the most questions still to answer from `node` (this one included) to a result."""
    memo: dict[str, tuple[int, int]] = {}

    def depth(current: str) -> tuple[int, int]:
        if current not in tree.noeuds:
            return (0, 0)
        if current not in memo:
            memo[current] = (0, 0)  # the checker refuses cycles; this only stops a bad tree from looping
            ends = [depth(target) for target in tree.noeuds[current].suites.values()]
            memo[current] = (1 + min(e[0] for e in ends), 1 + max(e[1] for e in ends))
        return memo[current]

    return depth(node)
