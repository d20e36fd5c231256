"""An orientation tree as Mermaid flowchart text, for editors and reviewers to see its shape."""

from portal.models import Arbre
from portal.walk import libelle


def _text(value: str) -> str:
    # Mermaid labels are quoted; a quote inside is written as an entity.
    return '"' + value.replace('"', "#quot;") + '"'


def _id(kind: str, value: str) -> str:
    # Prefixed so that no id is a Mermaid keyword (« end »), dashes made underscores.
    return f"{kind}_{value.replace('-', '_')}"


def tree_mermaid(tree: Arbre) -> str:
    """The tree as a Mermaid `flowchart LR`: steps as questions, answers as labelled edges, results as ends.

    Left to right: a question has up to four answers and a tree some forty results, so drawn top-down the real
    médecin du travail tree is 16,000 pixels wide; left to right, 2,300 wide and read by scrolling down."""
    lines = ["flowchart LR"]
    for node_id, step in tree.noeuds.items():
        lines.append(f"    {_id('q', node_id)}{{{_text(tree.questions[step.question].texte)}}}")
    for result_id, result in tree.resultats.items():
        lines.append(f"    {_id('r', result_id)}([{_text(result.titre)}])")
    for node_id, step in tree.noeuds.items():
        for code, target in step.suites.items():
            kind = "q" if target in tree.noeuds else "r"
            label = _text(libelle(tree, step.question, code, node_id))
            lines.append(f"    {_id('q', node_id)} -->|{label}| {_id(kind, target)}")
    lines.append("    classDef resultat fill:#e8f0fb,stroke:#1f4e99;")
    if tree.resultats:
        lines.append("    class " + ",".join(_id("r", r) for r in tree.resultats) + " resultat;")
    return "\n".join(lines) + "\n"
