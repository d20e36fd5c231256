"""The orientation trees' command: `portal tree-graph <arbre>` prints a tree as Mermaid text."""

import sys
from pathlib import Path

import click

from portal.cli_options import content_option, trees_option


def _read_tree(trees_dir: Path, tree_id: str):
    """The tree `tree_id`, read alone and unchecked (for when the rest of the content has errors)."""
    from portal.content_files import read_document, validate_document
    from portal.models import Arbre

    path = trees_dir / f"{tree_id}.yaml"
    problems: list = []
    document = read_document(path, trees_dir.parent, problems) if path.exists() else None
    if document is None:
        return None, problems
    return validate_document(Arbre, document, {**document.data, "id": tree_id}, trees_dir.parent, problems), problems


@click.command("tree-graph")
@click.argument("arbre")
@content_option
@trees_option
def tree_graph_command(arbre: str, content_dir: Path, trees_dir: Path) -> None:
    """Afficher l'arbre ARBRE (ex. medecin-du-travail) en texte Mermaid, à coller dans un éditeur Mermaid."""
    from portal.catalog import load_catalog
    from portal.diagnostics import ContentError
    from portal.treegraph import tree_mermaid

    try:
        tree = load_catalog(content_dir, trees_dir).trees.get(arbre)
    except ContentError:
        click.echo("Le contenu a des erreurs (portal check) : l'arbre est affiché sans être vérifié.", err=True)
        tree, problems = _read_tree(trees_dir, arbre)
        for problem in problems:
            click.echo(str(problem), err=True)
    if tree is None:
        known = sorted(p.stem for p in trees_dir.glob("*.yaml") if not p.name.endswith(".cas.yaml"))
        click.echo(f"L'arbre « {arbre} » n'existe pas. Arbres : {', '.join(known) or 'aucun'}.", err=True)
        sys.exit(1)
    click.echo(tree_mermaid(tree), nl=False)


COMMANDS = (tree_graph_command,)
