"""Full-text search of the fiches: French analysis, the index of a content version, queries (the only
module that knows Whoosh).

How it works, and why (measured by `python -m portal.bench` on 5,000 fiches; see README):
- French analysis: NFC, `\\w+` words, lowercase and accents folded, folded stop words (plus « les »), the
  Snowball French stemmer that Whoosh ships.
- Whoosh keeps the lexicon of unstemmed words; its Levenshtein automata find the words one typo away
  (« esai » -> « essai ») for « Vouliez-vous dire » and the search itself.
- Scoring does not run Whoosh's matchers: walking their postings in pure Python took 180 ms (p50) for
  common words such as « santé au travail ». The field weights being fixed, a stem's BM25F contribution to a
  fiche does not depend on the query: the build computes it once per (stem, fiche) and stores in the index
  folder one array of fiches and one of scores per stem; a query adds a few of them with C-speed dict and
  map() operations.
"""

import json
import math
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import nlargest
from itertools import repeat
from operator import add, mul
from pathlib import Path
from string import ascii_lowercase, digits

from flask import current_app
from markupsafe import Markup, escape
from whoosh import index
from whoosh.fields import KEYWORD, Schema
from whoosh.lang import stemmer_for_language, stopwords_for_language

from portal.catalog import Catalog
from portal.french_words import french_words
from portal.models import ETAPES, PUBLICS, TYPES, Fiche, Terme
from portal.text import WORD, clean, fold, fold_in_place

# Bump when the analysis or the index format changes: an index built by older code is then rebuilt.
FORMAT_VERSION = "7"
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
FUZZY_LENGTH = (4, 30)  # shorter words are acronyms or too ambiguous to correct
WEIGHTS = {"title": 4.0, "aliases": 4.0, "tags": 2.0, "body": 1.0}
LENGTH_NORMALISATION = {"title": 0.5, "aliases": 0.5, "tags": 0.75, "body": 0.75}  # BM25 b, per field
K1 = 1.2
EXTRACT_CHARS = 240
TITLE_BONUS = 1.5  # every word of the query in the title or an alias
EXPANSION_WEIGHT = 0.8  # a glossary synonym counts a little less than the word typed
_ALPHABET = ascii_lowercase + digits  # folded words are made of these
STOP_WORDS = frozenset(fold(word) for word in stopwords_for_language("fr")) | {"les"}
_snowball = stemmer_for_language("fr")


# ---------------------------------------------------------------- analysis


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """One word, lowercase, without accents or ligatures."""
    return fold(word)


@lru_cache(maxsize=200_000)
def french_stem(word: str) -> str:
    """Stem a folded word; a plural s/x goes first and the stemmer runs twice, because folding the accents
    before stemming leaves « encadree » and « encadre » apart after one pass."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word[-1] in "sx" and word[-2] not in "su":
        word = word[:-1]
    return _snowball(_snowball(word))


def folded_terms(text: str) -> list[str]:
    """The folded words of `text` that are not stop words: what is corrected and stemmed."""
    words = (fold_word(w) for w in WORD.findall(unicodedata.normalize("NFC", text)))
    return [w for w in words if len(w) > 1 and w not in STOP_WORDS]


def analyse(text: str) -> list[str]:
    """NFC, `\\w+` words, lowercase, accents folded, stop words dropped, French stems."""
    return [french_stem(w) for w in folded_terms(text)]


# ---------------------------------------------------------------- building


def fiche_texts(fiche: Fiche, catalog: Catalog) -> dict[str, str]:
    """The searchable text of a fiche, by field: title, aliases (with glossary terms), tags, body."""
    glossary = [t for t in catalog.glossaire if t.fiche == fiche.id]
    aliases = [fiche.sigle or "", *fiche.alias] + [form for t in glossary for form in (t.terme, *t.synonymes)]
    aliases = list(dict.fromkeys(a for a in aliases if a))
    tags = [TYPES[fiche.type]] + [ETAPES[e] for e in fiche.etapes] + [PUBLICS[p] for p in fiche.publics]
    tags += [catalog.fiches[a].titre for a in fiche.acteurs if a in catalog.fiches]
    mobiliser = fiche.mobiliser.model_dump(exclude_none=True).values() if fiche.mobiliser else []
    body = [
        fiche.resume,
        fiche.description,
        *fiche.conditions,
        *fiche.qui_demande,
        fiche.duree or "",
        fiche.remuneration or "",
        *mobiliser,
        *(change.texte for change in fiche.changements),
        fiche.hors_champ or "",
        *fiche.references_legales,
        *(t.definition for t in glossary),
    ]
    return {
        "title": clean(fiche.titre),
        "aliases": clean(" ; ".join(aliases)),
        "tags": clean(" ; ".join(tags)),
        "body": "\n\n".join(clean(part) for part in body if part),
    }


def build_index(index_dir: str | Path, catalog: Catalog) -> Path:
    """Build the index of `catalog` unless it exists; return its folder. The caller holds the instance lock."""
    root = Path(index_dir)
    target = root / f"search-{FORMAT_VERSION}-{catalog.version}"
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        _write_index(building, catalog)
        os.rename(building, target)  # atomic: readers see no index or a whole one
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _remove_old_indexes(root, keep=target)
    return target


def _write_index(folder: Path, catalog: Catalog) -> None:
    fiches = list(catalog.fiches.values())
    counts: dict[str, list[Counter]] = {name: [] for name in WEIGHTS}
    headings, words, bodies, folded_bodies = [], Counter(), [], []
    for fiche in fiches:
        texts = fiche_texts(fiche, catalog)
        bodies.append(texts["body"])  # stored: the extracts are cut from it
        folded_bodies.append(fold_in_place(texts["body"]))  # stored: the searched words are found in it
        doc_words = set()
        for name, text in texts.items():
            terms = folded_terms(text)
            doc_words.update(terms)
            counts[name].append(Counter(french_stem(w) for w in terms))
        headings.append(sorted(set(counts["title"][-1]) | set(counts["aliases"][-1])))
        words.update(doc_words)

    impacts = _impacts(counts, len(fiches))
    stems, docs, scores, offsets = {}, array("I"), array("f"), 0
    for stem, postings in impacts.items():
        stems[stem] = (offsets, len(postings))
        docs.extend(postings)
        scores.extend(postings.values())
        offsets += len(postings)
    (folder / "docs.bin").write_bytes(docs.tobytes())
    (folder / "scores.bin").write_bytes(scores.tobytes())
    meta = {"ids": [f.id for f in fiches], "headings": headings, "stems": stems, "words": words}
    meta.update(bodies=bodies, folded_bodies=folded_bodies)
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    # Whoosh keeps the lexicon of unstemmed words; its automata find the words one typo away.
    lexicon = index.create_in(str(folder), Schema(words=KEYWORD))
    writer = lexicon.writer()
    writer.add_document(words=" ".join(sorted(words)))
    writer.commit()


def _impacts(counts: dict[str, list[Counter]], total: int) -> dict[str, dict[int, float]]:
    """Per stem, each fiche's BM25F score: idf × Σ fields weight × saturated, length-normalised frequency."""
    frequency = Counter(stem for doc in range(total) for stem in set().union(*(counts[n][doc] for n in WEIGHTS)))
    impacts: dict[str, dict[int, float]] = {}
    for name, weight in WEIGHTS.items():
        lengths = [sum(c.values()) for c in counts[name]]
        filled = [n for n in lengths if n]
        # Averaged over the fiches that have the field: most have no alias, which must not punish those that do.
        average = sum(filled) / len(filled) if filled else 1.0
        b = LENGTH_NORMALISATION[name]
        for doc, counter in enumerate(counts[name]):
            norm = K1 * (1 - b + b * lengths[doc] / average)
            for stem, tf in counter.items():
                postings = impacts.setdefault(stem, {})
                postings[doc] = postings.get(doc, 0.0) + weight * tf * (K1 + 1) / (tf + norm)
    for stem, postings in impacts.items():
        df = frequency[stem]
        idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
        for doc in postings:
            postings[doc] *= idf
    return impacts


def _remove_old_indexes(root: Path, keep: Path) -> None:
    # Keep the previous version too: a worker still serving it may read it until it reloads.
    others = sorted((p for p in root.glob("search-*") if p != keep), key=lambda p: p.stat().st_mtime)
    for old in others[:-1]:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- querying


@dataclass(frozen=True)
class Hit:
    """One fiche found, best first."""

    fiche: Fiche
    extrait: Markup  # escaped text with the matched words in <mark>


@dataclass(frozen=True)
class SearchResult:
    """What a search gives a page: hits of the page asked, total, facet counts, corrections, notices."""

    query: str  # the query as understood (cleaned, cut)
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # "type"|"etape"|"public" -> value -> count
    suggestion: str | None = None  # « Vouliez-vous dire … ? »
    termes: list[Terme] = field(default_factory=list)  # glossary entries named in the query
    notices: list[str] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    partial: bool = False  # no fiche has every word: fiches with some of them


@dataclass
class _Slot:
    """One thing the user asked for: the stems typed, or any form of a glossary term they named."""

    typed: list[str]
    alternatives: list[list[str]] = field(default_factory=list)


class SearchIndex:
    """The read-only index of one content version, loaded once per process (arrays shared by threads)."""

    def __init__(self, path: str | Path, catalog: Catalog):
        self.path = Path(path)
        self.catalog = catalog
        meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        self._ids: list[str] = meta["ids"]
        self._headings = [frozenset(h) for h in meta["headings"]]
        self._stems: dict[str, list[int]] = meta["stems"]
        self._words: dict[str, int] = meta["words"]
        self._docs = array("I", (self.path / "docs.bin").read_bytes())
        self._scores = array("f", (self.path / "scores.bin").read_bytes())
        self._lexicon = index.open_dir(str(self.path))
        self._french = french_words()  # shared by every index of the process
        self._local = threading.local()
        self._reader()  # open its files now: they stay readable if a later build removes this version's folder
        glossary = [(t, [analyse(f) for f in (t.terme, *t.synonymes)]) for t in catalog.glossaire]
        # Each form of a glossary term by its first stem, in glossary order: the first that fits wins.
        self._glossary_at: dict[str, list[tuple[Terme, list[str], list[list[str]]]]] = {}
        for terme, forms in glossary:
            for form in forms:
                if form:
                    self._glossary_at.setdefault(form[0], []).append((terme, form, forms))
        fiches = [catalog.fiches[i] for i in self._ids]
        self._facet_docs: dict[str, dict[str, set[int]]] = {"type": {}, "etape": {}, "public": {}}
        # Fiches sharing the same facet values share a « signature » number: counting those numbers over the
        # matched fiches is one C-speed Counter, whatever their number.
        signatures: dict[tuple, int] = {}
        self._signature_of: list[int] = []
        for doc, fiche in enumerate(fiches):
            values = [("type", fiche.type)] + [("etape", e) for e in fiche.etapes]
            values += [("public", p) for p in fiche.publics]
            self._signature_of.append(signatures.setdefault(tuple(values), len(signatures)))
            for name, value in values:
                self._facet_docs[name].setdefault(value, set()).add(doc)
        self._signatures = list(signatures)
        self._bodies: list[str] = meta["bodies"]
        self._folded_bodies: list[str] = meta["folded_bodies"]
        self._surface: dict[str, set[str]] = {}  # stem -> the folded words that have it, for highlighting
        for word in self._words:
            self._surface.setdefault(french_stem(word), set()).add(word)

    def search(self, text: str, filters: dict[str, str] | None = None, page: int = 1, per_page: int = 10):
        """Search `text` (any string: it is never parsed as a query language), narrowed by `filters`."""
        notices: list[str] = []
        query_text = clean(text)
        if len(query_text) > MAX_QUERY_CHARS:
            query_text = clean(query_text, MAX_QUERY_CHARS)
            notices.append(f"La recherche est limitée à {MAX_QUERY_CHARS} caractères : la fin a été ignorée.")
        slots, termes, corrections = self._slots(query_text, notices)
        suggestion = _suggestion(query_text, corrections)
        if not slots:
            if WORD.search(query_text):
                notices.append("Ces mots sont trop courants pour être cherchés seuls : ajoutez un mot plus précis.")
            return SearchResult(query=query_text, termes=termes, notices=notices, suggestion=suggestion)

        slot_scores = [self._slot_scores(slot) for slot in slots]
        matched = set(slot_scores[0]).intersection(*slot_scores[1:])
        partial = not matched and len(slots) > 1
        if partial:
            matched = set().union(*slot_scores)
        allowed = self._allowed(filters or {})
        if allowed is not None:
            matched &= allowed
        pages = max(1, math.ceil(len(matched) / per_page))
        page = min(max(page, 1), pages)
        docs = list(matched)
        totals = [0.0] * len(docs)
        for scores in slot_scores:  # map() keeps the loop over thousands of fiches in C
            totals = list(map(add, totals, map(scores.get, docs, repeat(0.0))))
        best = nlargest(page * per_page + 50, zip(totals, docs, strict=True))
        wanted = {stem for slot in slots for stem in slot.typed}
        ranked = sorted(
            ((score * TITLE_BONUS if wanted <= self._headings[doc] else score, doc) for score, doc in best),
            key=lambda item: (-item[0], item[1]),
        )
        # Highlight what was typed, and acronyms standing for it; not each word of a long synonym.
        terms = {
            stem for slot in slots for alt in slot.alternatives if alt == slot.typed or len(alt) == 1 for stem in alt
        }
        pattern = words_pattern(set().union(*(self._surface.get(stem, ()) for stem in terms)))
        hits = [self._hit(doc, pattern) for _score, doc in ranked[(page - 1) * per_page : page * per_page]]
        return SearchResult(
            query=query_text,
            hits=hits,
            total=len(matched),
            facets=self._facets(matched),
            suggestion=suggestion,
            termes=termes,
            notices=notices,
            page=page,
            pages=pages,
            partial=partial,
        )

    def _slots(self, query_text: str, notices: list[str]):
        words = folded_terms(query_text)
        if len(words) > MAX_QUERY_WORDS:
            words = words[:MAX_QUERY_WORDS]
            notices.append(f"Seuls les {MAX_QUERY_WORDS} premiers mots ont été cherchés.")
        corrections = {}
        for position, word in enumerate(words):
            if self._may_be_a_typo(word):
                correction = self._correct(word)
                if correction:
                    corrections[word] = words[position] = correction
        stems = list(dict.fromkeys(french_stem(w) for w in words))
        slots, termes, position = [], [], 0
        while position < len(stems):
            # A glossary term named here (its acronym or a synonym) matches any of its forms.
            named = next((n for n in self._glossary_at.get(stems[position], ()) if _at(stems, position, n[1])), None)
            if named:
                terme, form, forms = named
                slots.append(_Slot(form, [f for f in forms if f]))
                termes.append(terme)
                position += len(form)
            else:
                slots.append(_Slot([stems[position]], [[stems[position]]]))
                position += 1
        return slots, termes, corrections

    def _may_be_a_typo(self, word: str) -> bool:
        """A word to correct: long enough, unknown to the index (as typed and as a stem), and no French word:
        « paie » is never turned into « paye », nor « appeler » into « appeles »."""
        return (
            FUZZY_LENGTH[0] <= len(word) <= FUZZY_LENGTH[1]
            and word.isalpha()
            and word not in self._words
            and french_stem(word) not in self._stems
            and word not in self._french
        )

    def _correct(self, word: str) -> str | None:
        """The most frequent indexed word one edit away from `word`: Whoosh's automaton finds those with the
        same first letter; a typo on the first letter is looked up directly (the automaton without a prefix
        walks the whole lexicon: 3 to 8 ms a word)."""
        try:
            candidates = {c for c in self._reader().terms_within("words", word, 1, prefix=1) if c != word}
        except (OSError, index.IndexError):  # the folder is gone and this thread never opened it: no correction
            return None
        if not candidates:
            rest = word[1:]
            guesses = (
                {rest, word[1] + word[0] + word[2:]} | {ch + rest for ch in _ALPHABET} | {ch + word for ch in _ALPHABET}
            )
            candidates = {c for c in guesses if c in self._words and c != word}
        return max(candidates, key=lambda c: (self._words[c], c)) if candidates else None

    def _reader(self):
        # A Whoosh reader holds open files: never share one across a fork or between threads.
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.reader, local.pid = self._lexicon.reader(), os.getpid()
        return local.reader

    def _postings(self, stem: str) -> dict[int, float]:
        found = self._stems.get(stem)
        if not found:
            return {}
        start, length = found
        return dict(zip(self._docs[start : start + length], self._scores[start : start + length], strict=True))

    def _slot_scores(self, slot: _Slot) -> dict[int, float]:
        """Scores of the fiches that hold one form of the slot (all its stems); forms add up, the forms of
        a glossary term that were not typed weighing less. Sums run through map() to stay in C."""
        if slot.alternatives == [slot.typed] and len(slot.typed) == 1:
            return self._postings(slot.typed[0])  # the common case: one word typed
        scored = []
        for alternative in slot.alternatives:
            postings = [self._postings(stem) for stem in alternative]
            docs = list(set(postings[0]).intersection(*postings[1:])) if len(postings) > 1 else list(postings[0])
            totals = [0.0] * len(docs)
            for posting in postings:
                totals = list(map(add, totals, map(posting.__getitem__, docs)))
            if alternative != slot.typed:
                totals = list(map(mul, totals, repeat(EXPANSION_WEIGHT)))
            scored.append(dict(zip(docs, totals, strict=True)))
        if len(scored) == 1:
            return scored[0]
        docs = list(set().union(*scored))
        totals = [0.0] * len(docs)
        for scores in scored:
            totals = list(map(add, totals, map(scores.get, docs, repeat(0.0))))
        return dict(zip(docs, totals, strict=True))

    def _allowed(self, filters: dict[str, str]) -> set[int] | None:
        sets = [self._facet_docs[name].get(value, set()) for name, value in filters.items() if value]
        return set.intersection(*sets) if sets else None

    def _facets(self, matched: set[int]) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {"type": {}, "etape": {}, "public": {}}
        for signature, n in Counter(map(self._signature_of.__getitem__, matched)).items():
            for name, value in self._signatures[signature]:
                counts[name][value] = counts[name].get(value, 0) + n
        return counts

    def _hit(self, doc: int, pattern: re.Pattern | None) -> Hit:
        fiche = self.catalog.fiches[self._ids[doc]]
        extract = pattern and passage(self._bodies[doc], self._folded_bodies[doc], pattern)
        return Hit(fiche, extract or escape(fiche.resume))


_WORD_CHAR = re.compile(r"\w")


def words_pattern(words: set[str]) -> re.Pattern | None:
    """A regular expression finding any of the folded `words` as a whole word."""
    if not words:
        return None
    # No leading \b: a pattern that starts with the words lets the regex engine skip ahead on their first letters
    # (twice as fast on long fiches); a match that starts inside a word is dropped by `passage`.
    return re.compile(r"(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


def passage(text: str, folded: str, pattern: re.Pattern, width: int = EXTRACT_CHARS) -> Markup | None:
    """The passage of `text` (at most `width` characters) holding the most searched words, those in <mark>,
    the rest escaped; None when no word matches. The words are found in `folded` (`text` folded in place)
    by one regular expression: Whoosh's highlighter took 0.8 ms a fiche, most of a query's time."""
    found = [m.span() for m in pattern.finditer(folded) if not m.start() or not _WORD_CHAR.match(folded, m.start() - 1)]
    if not found:
        return None
    ends = [end for _start, end in found]
    best = max(range(len(found)), key=lambda i: bisect_right(ends, found[i][0] + width) - i)
    start = found[best][0]
    start = max(0, text.rfind(" ", 0, max(0, start - width // 5)) + 1) if start > width // 5 else 0
    end = min(len(text), start + width)
    if end < len(text):
        end = max(text.rfind(" ", start, end), found[best][1])
    parts, cursor = ["… " if start else ""], start
    for word_start, word_end in found:
        if start <= word_start and word_end <= end:
            parts += [escape(text[cursor:word_start]), Markup("<mark>"), escape(text[word_start:word_end])]
            parts.append(Markup("</mark>"))
            cursor = word_end
    parts += [escape(text[cursor:end]), " …" if end < len(text) else ""]
    return Markup("").join(parts)


def _at(stems: list[str], position: int, form: list[str]) -> bool:
    return bool(form) and stems[position : position + len(form)] == form


def _suggestion(query_text: str, corrections: dict[str, str]) -> str | None:
    if not corrections:
        return None
    return WORD.sub(lambda m: corrections.get(fold_word(m.group()), m.group()), query_text)


def current_search() -> SearchIndex:
    """The index of the content version the app serves."""
    return current_app.extensions["portal_search"]
