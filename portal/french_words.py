"""Is this a real French word? The search never « corrects » one into another (« paie » into « paye »).

The words are those of the npm package `dictionary-fr` (the Grammalecte dictionary that LibreOffice and
Firefox use), expanded with its affix rules by the npm package `hunspell-reader`: 3.1 million forms, 422,500
once elisions are dropped and accents folded. Expanding takes about 25 s and 100 MB in node, so it is done once
per version of the two packages (`make install`, or `portal build`), into a compact file beside them: the
sorted 64-bit hashes of the folded words (3.4 MB), which a worker reads in a few milliseconds and searches by
bisection. A set of the words themselves would take 32 MB a worker.
"""

import hashlib
import subprocess
import sys
import threading
import unicodedata
from array import array
from bisect import bisect_left
from pathlib import Path

from portal.atomic import write_atomically
from portal.config import ROOT
from portal.text import fold

FORMAT_VERSION = "1"
PACKAGES = ROOT / "node_modules"
DICTIONARY = PACKAGES / "dictionary-fr"
READER = PACKAGES / "hunspell-reader"
CACHE_DIR = PACKAGES / ".cache" / "portal"


def word_hash(folded: str) -> int:
    """The 64-bit hash a folded word is kept as (stable across processes, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest(), "little")


class FrenchWords:
    """The folded French words, as a sorted array of their hashes."""

    def __init__(self, hashes: array):
        self._hashes = hashes

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, folded: str) -> bool:
        """Whether `folded` (lowercase, accents folded, as the search analyses words) is a French word."""
        wanted = word_hash(folded)
        at = bisect_left(self._hashes, wanted)
        return at < len(self._hashes) and self._hashes[at] == wanted


def expand_dictionary(dictionary: Path = DICTIONARY, reader: Path = READER) -> array:
    """Every form of the dictionary (node and hunspell-reader expand the affix rules), as sorted hashes of
    the folded single words: elided (« l’arrêt ») and hyphenated forms are left out, the search never sees them."""
    command = ["node", str(reader / "bin.js"), "words", str(dictionary / "index.dic")]
    hashes = set()
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, encoding="utf-8") as words:
            for line in words.stdout:
                word = unicodedata.normalize("NFC", line.strip())
                if word.isalpha():
                    hashes.add(word_hash(fold(word)))
    except FileNotFoundError:
        raise RuntimeError("Node.js manque pour déplier le dictionnaire français : lancez `make install`.") from None
    if words.returncode:
        raise RuntimeError(f"hunspell-reader a échoué (code {words.returncode}) : lancez `make install`.")
    return array("Q", sorted(hashes))


def _key(dictionary: Path, reader: Path) -> str:
    if not (dictionary / "index.dic").exists() or not (reader / "bin.js").exists():
        raise RuntimeError(
            "Le dictionnaire français (paquets npm dictionary-fr, hunspell-reader) manque : lancez `make install`."
        )
    stamp = b"".join((folder / "package.json").read_bytes() for folder in (dictionary, reader))
    return hashlib.sha256(stamp + FORMAT_VERSION.encode()).hexdigest()[:12]


def write_french_words(
    dictionary: Path = DICTIONARY, reader: Path = READER, cache_dir: Path = CACHE_DIR, quiet: bool = False
) -> Path:
    """Write the compact word list of these package versions unless it is there; return its path."""
    cache = cache_dir / f"mots-fr-{_key(dictionary, reader)}.bin"
    if not cache.exists():
        if not quiet:
            print("Liste des mots français : dépliage du dictionnaire (une fois, environ 30 s)…", file=sys.stderr)
        hashes = expand_dictionary(dictionary, reader)
        # 0644: workers may run as another user than the one who built it; whole: another worker reads it
        write_atomically(cache, hashes.tobytes(), 0o644)
        for old in cache_dir.glob("mots-fr-*.bin"):
            if old != cache:
                old.unlink(missing_ok=True)
    return cache


_loaded: dict[tuple[Path, Path, Path], FrenchWords] = {}  # read once per process, not at every content reload
_loading = threading.Lock()


def french_words(dictionary: Path = DICTIONARY, reader: Path = READER, cache_dir: Path = CACHE_DIR) -> FrenchWords:
    """The French words of the installed packages: from memory, else from the compact file (written if missing)."""
    with _loading:
        key = (dictionary, reader, cache_dir)
        if key not in _loaded:
            hashes = array("Q")
            hashes.frombytes(write_french_words(dictionary, reader, cache_dir).read_bytes())
            _loaded[key] = FrenchWords(hashes)
        return _loaded[key]


if __name__ == "__main__":  # `make install`: build the compact list once, so that no worker waits for it
    path = write_french_words()
    print(f"Liste des mots français : {len(french_words())} mots ({path.stat().st_size / 1e6:.1f} Mo), {path}")
