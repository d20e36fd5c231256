"""The real trees (trees/) on the real fiches (content/): no error, and none of the warnings that would leave a walk
without a result or a cas type (the cas types themselves are checked by `portal check`)."""

import pytest

from portal.catalog import _load_fiches
from portal.config import ROOT
from portal.trees import load_trees
from portal.walk import result_lines

TREES = ROOT / "trees"


@pytest.fixture(scope="module")
def loaded():
    problems: list = []
    fiches, _documents = _load_fiches(ROOT / "content", ROOT, problems)  # territories are not needed here
    trees, tree_problems = load_trees(TREES, fiches, ROOT)
    return fiches, trees, tree_problems


def test_real_trees_have_no_problem(loaded):
    _fiches, trees, problems = loaded
    assert trees
    assert [str(p) for p in problems if p.severity == "erreur"] == []
    # Every combination étape × statut × situation either reaches a result or is declared without object.
    assert [str(p) for p in problems if "aucun parcours ne mène" in p.message] == []
    assert [str(p) for p in problems if "aucun cas type" in p.message or "n'a pas de cas types" in p.message] == []


def test_every_result_is_in_the_order_of_the_visit(loaded):
    """Note de recherche §4: what to do during the visit first, the rest after (the rules of the field that an
    editor must see are in `portal check`: portal/tree_rules.py, tests/test_tree_rules.py; the special cases
    apart there too). Left here: at least one line « maintenant » (the fixture trees have results without one),
    and what the médecin du travail does first during an arrêt (that tree only)."""
    from portal.trees import walk_paths

    _fiches, trees, _problems = loaded
    for tree in trees.values():
        for path in walk_paths(tree):
            answers = {question: code for question, code, _node in path.answers}
            when = {line.fiche: line.quand for line in result_lines(tree, path.end)}
            now = [fiche for fiche, quand in when.items() if quand == "maintenant"]
            assert 1 <= len(now) <= 5, (tree.id, path.end, now)
            if tree.id == "medecin-du-travail" and answers.get("etape") == "pendant-arret":
                expected = {
                    ("salarie", "en-cours"): {
                        "visite-pre-reprise",
                        "service-social-assurance-maladie",
                        "cellule-pdp-spst",
                    },
                    ("salarie", "termine"): {"fin-contrat-pendant-arret", "service-social-assurance-maladie"},
                    ("independant", None): {"pdp-travailleurs-independants"},
                    ("salarie-agricole", None): {"msa"},
                    ("agent-public", None): {"agent-public-maintien", "service-medecine-prevention"},
                }[answers["statut"], answers.get("contrat")]
                assert expected <= set(now), (path.end, now)
