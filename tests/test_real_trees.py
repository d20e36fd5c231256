"""The real trees (trees/) on the real fiches (content/): sound, and every « cas type » holds."""

import pytest

from portal.catalog import _load_fiches
from portal.config import ROOT
from portal.models import CasTypes
from portal.trees import load_trees
from portal.walk import result_lines, walk_tree
from portal.yamlsource import load_yaml

TREES = ROOT / "trees"


@pytest.fixture(scope="module")
def loaded():
    problems: list = []
    fiches, _documents = _load_fiches(ROOT / "content", ROOT, problems)  # territories are not needed here
    trees, tree_problems = load_trees(TREES, fiches, ROOT)
    return fiches, trees, tree_problems


def test_real_trees_have_no_problem(loaded):
    _fiches, trees, problems = loaded
    assert set(trees) == {"medecin-du-travail", "medecin-traitant"}
    assert [str(p) for p in problems if p.severity == "erreur"] == []
    # Every combination étape × statut × situation either reaches a result or is declared without object.
    assert [str(p) for p in problems if "aucun parcours ne mène" in p.message] == []
    assert [str(p) for p in problems if "aucun cas type" in p.message or "n'a pas de cas types" in p.message] == []


def _cases() -> list[tuple[str, int, object]]:
    found = []
    for path in sorted(TREES.glob("*.cas.yaml")):
        cases = CasTypes.model_validate(load_yaml(path).data)
        found += [(path.name.removesuffix(".cas.yaml"), index, case) for index, case in enumerate(cases.cas)]
    return found


@pytest.mark.parametrize(("tree_id", "index", "case"), _cases(), ids=lambda v: v if isinstance(v, str) else None)
def test_cas_type(loaded, tree_id, index, case):
    _fiches, trees, _problems = loaded
    walk = walk_tree(trees[tree_id], list(case.reponses.items()))
    assert walk.is_result, f"{case.nom} : le parcours s'arrête à l'étape {walk.node}"
    proposed = [line.fiche for line in result_lines(trees[tree_id], walk.node)]
    assert [f for f in case.doit_proposer if f not in proposed] == [], case.nom
    assert [f for f in case.ne_doit_pas_proposer if f in proposed] == [], case.nom
    if case.resultat:
        assert walk.node == case.resultat


ONLY_IN_SOME_SITUATIONS = {
    "ueros",
    "bilan-medico-socio-professionnel-kerpape",
    "comete-france",
    "moaij",
    "premij",
    "arpij",
}


def test_every_result_is_in_the_order_of_the_visit(loaded):
    """Note de recherche §4: what to do during the visit first, the rest after, the special cases apart (the rules
    of the field that an editor must see are in `portal check`: portal/tree_rules.py, tests/test_tree_rules.py)."""
    from portal.trees import walk_paths

    _fiches, trees, _problems = loaded
    for tree in trees.values():
        for path in walk_paths(tree):
            answers = {question: code for question, code, _node in path.answers}
            when = {line.fiche: line.quand for line in result_lines(tree, path.end)}
            now = [fiche for fiche, quand in when.items() if quand == "maintenant"]
            assert 1 <= len(now) <= 5, (tree.id, path.end, now)
            assert all(when[f] == "selon" for f in ONLY_IN_SOME_SITUATIONS & set(when)), (tree.id, path.end)
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
