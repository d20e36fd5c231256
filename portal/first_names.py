"""First names given in France, of every origin, accent-folded and lowercase: a person's name in free text.

They come from the PyPI package `names-dataset` (MIT licence, Philippe Rémy): its first names with a rank in
France, the 17,000 names people in France go by (Marie, Mohamed, Fatima, Nguyen, Mamadou…), and the most given
in the countries many families in France come from (`ORIGINS`). The package keeps
every country's names in one pickle that takes 4 s and 900 MB to open, so the French ones are drawn out once per
version of the package (`make install`, `portal build`, or the first report a worker checks), in a child process
that gives the memory back, into a small file beside the French word list (`node_modules/.cache/portal`).

Kept: the names ranked in France down to `RANK_LIMIT`, of three letters or more (« Jo », « Ma » are initials
and syllables more often than names), written as one word or joined by hyphens. A name that is also a common
noun, adjective or verb of the French dictionary (`dictionary-fr`, « Mars », « Lien », « Est ») is kept only
among the most given names (Pierre, Martin, Ana: `COMMON_RANK`, `COMMON_ORIGIN_RANK`), and `ORDINARY_WORDS`
leaves out the few of those that are words of an ordinary report (« Rose », « Marine »).
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
from importlib import metadata
from pathlib import Path

from portal.french_words import CACHE_DIR, DICTIONARY
from portal.text import fold

PACKAGE = "names-dataset"
FORMAT_VERSION = "4"
RANK_LIMIT = 12_000
COMMON_RANK = 500
_ORIGINS_TEXT = "PT ES IT MA DZ TN SN ML CI CM TR VN CN PL RO RU UA DE GB US"
# People in France also bear the names most given where their families come from: the first ORIGIN_RANK names of
# these countries (the package ranks each country apart: « Olga », « Fernando », « Mei » are not ranked in France).
ORIGINS = frozenset(_ORIGINS_TEXT.split())
ORIGIN_RANK = 1_500
COMMON_ORIGIN_RANK = 100  # as common there as the COMMON_RANK first names here (« Ana »)
_ORDINARY_TEXT = """
    avril aurore ange belle blanche bonheur candide clair claire colombe constance desire esperance fleur
    france grace honore juste lune lys mai marine marin merveille noel olive page paris patience prudence
    reine rose sage salut soleil victoire violette ocean prince
"""
ORDINARY_WORDS = frozenset(_ORDINARY_TEXT.split())


def _package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise RuntimeError("Le paquet names-dataset manque : lancez `make install`.") from None


def cache_path(cache_dir: Path = CACHE_DIR) -> Path:
    return cache_dir / f"prenoms-{PACKAGE}-{_package_version()}-{FORMAT_VERSION}.json"


def draw_french_names() -> list[str]:
    """The French first names of the package, folded, lowercase, sorted (run in a child process: 900 MB)."""
    import gzip
    import pickle
    import unicodedata
    from importlib import resources

    words = set()  # the dictionary's lowercase entries: common nouns, adjectives, verbs (never a proper noun)
    for line in (DICTIONARY / "index.dic").read_text(encoding="utf-8").splitlines()[1:]:
        entry = unicodedata.normalize("NFC", line.split("/")[0].split("\t")[0].strip())
        if entry[:1].islower():
            words.add(fold(entry).lower())

    data = resources.files("names_dataset") / "v3" / "first_names.pkl.gz"
    with data.open("rb") as raw, gzip.open(raw) as unzipped:
        names = pickle.load(unzipped)  # the package's own data file, installed from PyPI with pinned hashes
    kept = set()
    for name, info in names.items():
        ranks = info.get("rank") or {}
        rank = ranks.get("FR")
        if rank is None or rank > RANK_LIMIT:
            best = min((ranks[country] for country in ORIGINS if country in ranks), default=ORIGIN_RANK + 1)
            if best > ORIGIN_RANK:
                continue
            rank = 1 if best <= COMMON_ORIGIN_RANK else RANK_LIMIT
        folded = fold(name).lower()
        parts = folded.split("-")
        if not all(part.isalpha() and len(part) >= 3 for part in parts) or folded in ORDINARY_WORDS:
            continue
        if rank <= COMMON_RANK or folded not in words:
            kept.add(folded)
    return sorted(kept)


def write_first_names(cache_dir: Path = CACHE_DIR, quiet: bool = False) -> Path:
    """Write the French first names of the installed package unless they are there; return the file."""
    cache = cache_path(cache_dir)
    if cache.exists():
        return cache
    if not quiet:
        print("Prénoms : extraction des prénoms donnés en France (une fois, environ 5 s)…", file=sys.stderr)
    child = subprocess.run(
        [sys.executable, "-m", "portal.first_names", "--extraire"], capture_output=True, text=True, check=False
    )
    if child.returncode:
        raise RuntimeError(f"L'extraction des prénoms a échoué : {child.stderr.strip()[-300:]}")
    names = json.loads(child.stdout)
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=cache_dir, delete=False, encoding="utf-8") as handle:
        json.dump(names, handle, ensure_ascii=False)
    os.chmod(handle.name, 0o644)  # workers may run as another user than the one who built it
    os.replace(handle.name, cache)
    for old in cache_dir.glob("prenoms-*.json"):
        if old != cache:
            old.unlink(missing_ok=True)
    return cache


_loaded: dict[Path, frozenset[str]] = {}
_loading = threading.Lock()


def first_names(cache_dir: Path = CACHE_DIR) -> frozenset[str]:
    """The folded French first names: from memory, else from the small file (drawn out if missing)."""
    with _loading:
        if cache_dir not in _loaded:
            path = write_first_names(cache_dir)
            _loaded[cache_dir] = frozenset(json.loads(path.read_text(encoding="utf-8")))
        return _loaded[cache_dir]


if __name__ == "__main__":
    if sys.argv[1:] == ["--extraire"]:
        json.dump(draw_french_names(), sys.stdout, ensure_ascii=False)
    else:  # `make install`: draw them out once, so that no worker waits for it
        path = write_first_names()
        print(f"Prénoms : {len(first_names())} prénoms donnés en France ({path.stat().st_size / 1e3:.0f} ko), {path}")
