"""Orientation trees: loading and checking (the walk comes with the orientation issue)."""

from pathlib import Path


def load_trees(trees_dir: Path | None, fiches: dict, root: Path):
    """Return (trees by id, problems). No tree format is defined yet, so no tree is loaded."""
    return {}, []
