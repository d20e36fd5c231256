"""Score the held-out doctor phrasings (bench/heldout-requetes.yaml) on the real content, and print each miss.

Run from a checkout: PYTHONPATH=$PWD python bench/score_heldout.py [--quiet]
The phrasings are never used to tune the search; the tuning phrasings live in tests/fixtures/.
"""

import sys
import tempfile
from pathlib import Path

import yaml

from portal.catalog import load_catalog
from portal.config import ROOT
from portal.search import SearchIndex

HELDOUT = Path(__file__).with_name("heldout-requetes.yaml")


def failures(case: dict, result) -> list[str]:
    """What the first page lacks for this case (empty when it passes)."""
    ids = [hit.fiche.id for hit in result.hits]
    top5, top3 = ids[:5], ids[:3]
    missing = []
    missing += [f"{fiche} hors top 5" for fiche in case.get("top5", []) if fiche not in top5]
    if case.get("un_de") and not set(case["un_de"]) & set(top5):
        missing.append(f"aucune de {case['un_de']} dans le top 5")
    if case.get("arbre") and not any(situation.orientation for situation in result.situations):
        missing.append("pas de lien vers l'arbre")
    missing += [f"{fiche} dans le top 3" for fiche in case.get("pas_top3", []) if fiche in top3]
    return missing


def main() -> None:
    cases = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["requetes"]
    catalog = load_catalog(ROOT / "content", ROOT / "trees")
    with tempfile.TemporaryDirectory() as folder:
        index = SearchIndex.build(Path(folder), catalog)
        passed = 0
        for case in cases:
            result = index.search(case["q"])
            missing = failures(case, result)
            passed += not missing
            if missing and "--quiet" not in sys.argv:
                top = [hit.fiche.id for hit in result.hits[:5]]
                print(f"ÉCHEC {case['q']!r}: {'; '.join(missing)} (top 5 : {top})")
    print(f"{passed}/{len(cases)} requêtes tenues à l'écart réussies")


if __name__ == "__main__":
    main()
