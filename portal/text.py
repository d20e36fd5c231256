"""French text normalisation shared by search, place lookup and sorting: NFC, case and accent folding."""

import re
import unicodedata

# Control characters and invisible marks that may come pasted from a word processor or typed on purpose, and the
# private use area (no meaning in a text; the search's extracts use two of its characters as marks).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ue000-\uf8ff\ufeff]")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
WORD = re.compile(r"\w+")


def clean(text: str, limit: int | None = None) -> str:
    """NFC, control characters replaced by spaces, spaces collapsed, cut at `limit` characters."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text or ""))
    text = " ".join(text.split())
    return text[:limit].rstrip() if limit is not None else text


def fold(text: str) -> str:
    """Lowercase without accents or ligatures: « Œuvre Thérapeutique » -> « oeuvre therapeutique »."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _same_length_table() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[:1].lower()
        if base != chr(code).lower() and len(base) == 1 and base.isascii():
            table[code] = base
    return table


_SAME_LENGTH = _same_length_table()


def fold_in_place(text: str) -> str:
    """Lowercase, accents removed, every character kept at its place: a match found in the result is at the
    same offsets in `text` (for highlighting). Ligatures stay as they are."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character whose lowercase is longer (« İ »)
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    return lowered.translate(_SAME_LENGTH)


def folded_words(text: str) -> list[str]:
    """The `\\w+` words of `text`, folded."""
    return WORD.findall(fold(text))


def sort_key(text: str) -> str:
    """A key that sorts French words the way a reader expects (accents ignored)."""
    return " ".join(folded_words(text))


def slug(text: str, limit: int = 60) -> str:
    """« Service social de la Carsat — Côte-d'Or » -> « service-social-de-la-carsat-cote-d-or » (`limit` at most)."""
    found = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(found) > limit:
        found = found[:limit].rsplit("-", 1)[0]
    return found or "contact"
