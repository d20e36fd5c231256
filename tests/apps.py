"""The portal as a test starts it: one call instead of the same settings copied into every test file."""

from pathlib import Path

from flask import Flask

from portal import create_app

FIXTURES = Path(__file__).parent / "fixtures"


def portal_app(folder: Path, content: Path = FIXTURES / "content", trees: Path | None = None, **settings) -> Flask:
    """The portal on `content` (the small fixture content unless told; its trees are `trees`, else the folder
    beside it), writing its database, built versions and key in `folder`; `settings` change the rest."""
    return create_app(
        {
            "TESTING": True,
            "CONTENT_DIR": str(content),
            "TREES_DIR": str(trees or content.parent / "trees"),
            "SECRET_KEY": "test",
            "INSTANCE_DIR": str(folder),
            **settings,
        }
    )


def edit(path: Path, old: str, new: str) -> None:
    """Change `old` into `new` in a content file, as an editor saving it would (`old` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
