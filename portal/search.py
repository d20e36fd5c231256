"""Full-text search of the fiches: French analysis, the index of a content version, queries (the only
module that knows Whoosh).

How it works, and why (measured by `python -m bench` on 5,000 fiches; see README):
- French analysis: NFC, `\\w+` words, lowercase and accents folded, folded stop words (plus « les »), the
  Snowball French stemmer that Whoosh ships.
- Whoosh keeps the lexicon of unstemmed words; its Levenshtein automata find the words one typo away
  (« esai » -> « essai ») for « Vouliez-vous dire » and the search itself.
- A vocabulary of situations (content/vocabulaire.yaml: « AVC », « fonctionnaire », « arrêt long »…) and the
  glossary name fiches: a query that names them gets them first, in the editors' order, even when they lack
  some of its words. The other fiches hold every word; when none does, those holding the most come first. The
  page says which words the first fiche lacks (« mots ignorés »).
- A real French word (the dictionary-fr word list, portal.french_words) is never « corrected » into another.
- The doctors' lexicon (portal/lexique-medecins.yaml, portal.doctor_words) adds words the vocabulary lacks
  (pathologies, body regions, trades, statuses, acronyms) leading to its situations, reads a typed length of
  leave (« arrêt depuis 4 mois »), and gives French words that no fiche holds the general situation and the
  tree: a query made of a pathology or a trade never ends on nothing.
- Phone numbers of the acteurs' `joindre` are indexed as one word (« 3646 »), and typed groups of digits
  (« 36 46 ») are joined when the index has them.
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
import threading
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import nlargest
from itertools import chain, repeat
from operator import add, mul
from pathlib import Path
from string import ascii_lowercase, digits
from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from whoosh import index
from whoosh.fields import KEYWORD, Schema
from whoosh.lang import stemmer_for_language, stopwords_for_language

from portal.atomic import write_atomically
from portal.doctor_words import doctor_lexicon, duration_days, family_situations, general_situation
from portal.french_words import french_words
from portal.models import ETAPES, PUBLICS, TYPES, Fiche, Situation, Terme
from portal.text import WORD, clean, fold, fold_in_place

if TYPE_CHECKING:  # the catalog uses this module's analysis to check the vocabulary
    from portal.catalog import Catalog

# Bump when the analysis or the index format changes: an index built by older code is then rebuilt.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
FUZZY_LENGTH = (4, 30)  # shorter words are acronyms or too ambiguous to correct
WEIGHTS = {"title": 4.0, "aliases": 4.0, "tags": 2.0, "body": 1.0}
LENGTH_NORMALISATION = {"title": 0.5, "aliases": 0.5, "tags": 0.75, "body": 0.75}  # BM25 b, per field
K1 = 1.2
EXTRACT_CHARS = 240
WORD_STARTS_KEPT = 512  # fiches whose word positions are kept for the extracts (per worker and version)
TITLE_BONUS = 1.5  # every word of the query in the title or an alias
EXPANSION_WEIGHT = 0.8  # a glossary synonym counts a little less than the word typed
# A phone number as people type it: « 36 46 », « 0 800 11 10 09 », « 01.23.45.67.89 ».
_NUMBER_RUN = re.compile(r"(?<![\w.])\d{1,4}(?:[ .-]\d{1,4})+(?![\w.])")
# Ranking: the fiches the query names (by a situation or a glossary term), in the editors' order, then the number
# of slots matched, then BM25F. One float per fiche keeps the sort in C: each level's scale is above the largest
# sum of the levels below it (BM25F sums stay under 1e4, 12 slots at most).
_NAMED_SCALE, _ORDER_SCALE, _COUNT_SCALE = 1e12, 1e8, 1e5
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


def phone_digits(number: str) -> str:
    """« 0 800 11 10 09 » -> « 0800111009 »: a phone number as one indexed word."""
    return re.sub(r"\D", "", number)


# ---------------------------------------------------------------- building


def fiche_texts(fiche: Fiche, catalog: "Catalog") -> dict[str, str]:
    """The searchable text of a fiche, by field: title, aliases (with glossary terms), tags, body."""
    glossary = [t for t in catalog.glossaire if t.fiche == fiche.id]
    aliases = [fiche.sigle or "", *fiche.alias] + [form for t in glossary for form in (t.terme, *t.synonymes)]
    aliases += [phone_digits(c.telephone) for c in fiche.joindre if c.telephone]  # « 3646 » finds who answers it
    aliases = list(dict.fromkeys(a for a in aliases if a))
    tags = [TYPES[fiche.type]] + [ETAPES[e] for e in fiche.etapes] + [PUBLICS[p] for p in fiche.publics]
    tags += [catalog.fiches[a].titre for a in fiche.acteurs if a in catalog.fiches]
    mobiliser = (
        [*fiche.mobiliser.model_dump(exclude_none=True, exclude={"salarie_selon"}).values()]
        + [case.texte for case in fiche.mobiliser.salarie_selon]
        if fiche.mobiliser
        else []
    )
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


def write_index(folder: Path, catalog: "Catalog") -> None:
    """Write the index of `catalog` into `folder` (a content version being built: see portal/version.py)."""
    folder.mkdir(parents=True, exist_ok=True)
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
    write_atomically(folder / "docs.bin", docs.tobytes())
    write_atomically(folder / "scores.bin", scores.tobytes())
    surface: dict[str, list[str]] = {}  # stem -> the folded words that have it, for highlighting
    for word in sorted(words):
        surface.setdefault(french_stem(word), []).append(word)
    meta = {"ids": [f.id for f in fiches], "headings": headings, "stems": stems, "words": words, "surface": surface}
    meta.update(bodies=bodies, folded_bodies=folded_bodies)
    write_atomically(folder / "meta.json", json.dumps(meta, ensure_ascii=False))

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
    ignored: list[str] = field(default_factory=list)  # words as typed that the first fiche does not have
    situations: list[Situation] = field(default_factory=list)  # vocabulary entries named in the query


@dataclass
class _Slot:
    """One thing the user asked for: the stems typed, or any form of a glossary term they named; a situation
    of the vocabulary, or a glossary term with a fiche, also names fiches that match it without its words."""

    typed: list[str]
    alternatives: list[list[str]] = field(default_factory=list)
    label: str = ""  # the words as typed, for « mots ignorés »
    situation: Situation | None = None
    named: list[int] = field(default_factory=list)  # docs of the fiches it names, most useful first
    span: tuple[int, int] = (0, 0)  # where a duration of leave was typed


class SearchIndex:
    """The read-only index of one content version, loaded once per process (arrays shared by threads)."""

    def __init__(self, path: str | Path, catalog: "Catalog"):
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
        self._doc_of = {fiche_id: doc for doc, fiche_id in enumerate(self._ids)}
        # Each form of a vocabulary situation by its first stem, the longest first.
        self._situation_at: dict[str, list[tuple[Situation, list[str]]]] = {}
        for situation in catalog.vocabulaire:
            for form in map(analyse, (situation.nom, *situation.mots)):
                if form:
                    self._situation_at.setdefault(form[0], []).append((situation, form))
        self._surface: dict[str, list[str]] = meta["surface"]  # stem -> the folded words that have it
        self._add_lexicon(catalog)
        for forms in self._situation_at.values():
            forms.sort(key=lambda item: -len(item[1]))
        # The words the vocabulary and the lexicon understand, for « Vouliez-vous dire » where no fiche has them.
        said = [w for situation in catalog.vocabulaire for w in (situation.nom, *situation.mots)]
        said += [w for _situation, words in self._families for w in words]
        self._understood = frozenset(
            w for w in folded_terms(" ".join(said)) if FUZZY_LENGTH[0] <= len(w) <= FUZZY_LENGTH[1] and w.isalpha()
        )
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
        # Where each word of a fiche's body starts, for the extracts: made on the first search that shows the fiche,
        # kept for the most recently shown fiches (a regular expression over the body took 80 µs an extract).
        self._word_starts = lru_cache(maxsize=WORD_STARTS_KEPT)(self._find_word_starts)

    def _find_word_starts(self, doc: int) -> dict[str, list[int]]:
        starts: dict[str, list[int]] = {}
        for match in WORD.finditer(self._folded_bodies[doc]):
            starts.setdefault(match.group(), []).append(match.start())
        return starts

    def _add_lexicon(self, catalog: "Catalog") -> None:
        """The doctors' lexicon after the vocabulary and the glossary, which win for the same words: its words
        lead to their situations, its acronyms to their fiches, a typed duration of leave to « Arrêt long »."""
        lexique = doctor_lexicon()
        self._general = general_situation(lexique)
        self._general_docs = [self._doc_of[f] for f in self._general.fiches if f in self._doc_of]
        by_name = {situation.nom: situation for situation in catalog.vocabulaire}
        self._long_leave = (by_name.get(lexique.duree.situation), lexique.duree.jours)
        taken = {tuple(form) for forms in self._situation_at.values() for _situation, form in forms}
        taken |= {tuple(form) for forms in self._glossary_at.values() for _terme, form, _forms in forms}
        families = self._families = family_situations(lexique, catalog.vocabulaire, self._general)
        lexicon_words = {fold_word(word) for _situation, words in families for word in words}
        self._exact_words: dict[str, Situation] = {}  # folded word -> situation, where the stem would mislead
        for situation, words in families:
            for word, form in zip(words, map(analyse, words), strict=True):
                if not form or tuple(form) in taken:
                    continue
                if len(form) == 1 and self._conflates(form[0], lexicon_words):
                    self._exact_words[fold_word(word)] = situation
                    continue
                if situation is self._general and any(heading.issuperset(form) for heading in self._headings):
                    continue  # a fiche is titled so (« MSA » once it has its fiche): the fiche answers
                taken.add(tuple(form))
                self._situation_at.setdefault(form[0], []).append((situation, form))
        for terme in lexique.sigles:
            forms = [analyse(f) for f in (terme.terme, *terme.synonymes)]
            if terme.fiche in self._doc_of and not any(tuple(form) in taken for form in forms):
                for form in forms:
                    self._glossary_at.setdefault(form[0], []).append((terme, form, forms))

    def _conflates(self, stem: str, lexicon_words: set[str]) -> bool:
        """Whether the fiches hold, under this stem, a word the lexicon does not mean: « formateur » and
        « formation » share « format », so « formateur » would turn every search for « formation » into a trade."""
        return any(word not in lexicon_words and word[:-1] not in lexicon_words for word in self._surface.get(stem, ()))

    @classmethod
    def build(cls, folder: Path, catalog: "Catalog") -> "SearchIndex":
        """Write the index of `catalog` into `folder` and open it (the benchmark and tests; the portal stores it
        within a content version)."""
        write_index(folder, catalog)
        return cls(folder, catalog)

    def search(
        self,
        text: str,
        filters: dict[str, str] | None = None,
        page: int = 1,
        per_page: int = 10,
        excluded: frozenset[str] = frozenset(),
    ):
        """Search `text` (any string: it is never parsed as a query language), narrowed by `filters`; the fiche
        ids of `excluded` (e.g. regional fiches of another région than the place asked for) are left out."""
        notices: list[str] = []
        query_text = clean(text)
        if len(query_text) > MAX_QUERY_CHARS:
            query_text = clean(query_text, MAX_QUERY_CHARS)
            notices.append(f"La recherche est limitée à {MAX_QUERY_CHARS} caractères : la fin a été ignorée.")
        slots, termes, corrections = self._slots(query_text, notices)
        suggestion = _suggestion(query_text, corrections)
        situations: list[Situation] = []
        for slot in slots:
            if slot.situation and all(slot.situation is not known for known in situations):
                situations.append(slot.situation)
        if not slots:
            if WORD.search(query_text):
                notices.append("Ces mots sont trop courants pour être cherchés seuls : ajoutez un mot plus précis.")
            return SearchResult(query=query_text, termes=termes, notices=notices, suggestion=suggestion)

        slot_scores = [self._slot_scores(slot) for slot in slots]
        general = [slot for slot in slots if slot.situation is self._general]
        if (
            general
            and len(general) < len(slots)
            and any(self._names_a_fiche(slot, scores) for slot, scores in zip(slots, slot_scores, strict=True))
        ):
            # « agriculteur MSA » once the MSA has its fiche: the general situation is a way out, not an answer;
            # the fiche the query names comes first (a word only in the body, « contact », does not name one).
            for slot in general:
                slot.named = []
            situations.sort(key=lambda situation: situation is self._general)  # the specific one first
        if not any(slot_scores) and not any(slot.named for slot in slots) and self._in_french(slots, corrections):
            # Real French words that no fiche holds (a pathology or a trade the lexicon lacks): never nothing,
            # the general situation and the tree.
            slots.append(_Slot([], [], situation=self._general, named=self._general_docs))
            slot_scores.append({})
            situations.append(self._general)
        slot_named = [set(slot.named) for slot in slots]
        named = set().union(*slot_named)
        # The fiches the facets and the place leave: whether some fiche holds every word is decided among them
        # (« formation salaire » among the acteurs gives the acteurs holding « formation », not nothing).
        scope = self._allowed(filters or {})
        if excluded:
            gone = {self._doc_of[fiche_id] for fiche_id in excluded if fiche_id in self._doc_of}
            scope = (set(range(len(self._ids))) if scope is None else scope) - gone
        # The fiches holding every slot, by C-speed set operations from the smallest slot.
        order = sorted(range(len(slots)), key=lambda i: len(slot_scores[i]) + len(slot_named[i]))
        full = set(slot_scores[order[0]]) | slot_named[order[0]]
        for i in order[1:]:
            full = (full & slot_scores[i].keys()) | (full & slot_named[i])
        if scope is not None:
            full &= scope
        partial = not full
        if partial:  # no fiche holds them all: those holding the most come first
            counts = Counter(
                chain.from_iterable(scores.keys() | n for scores, n in zip(slot_scores, slot_named, strict=True))
            )
            matched, default_count = set(counts), 0
        else:  # those holding them all, and the fiches the query names: a named fiche is never lost
            holds = list(zip(slot_scores, slot_named, strict=True))
            counts = {doc: sum(doc in sc or doc in n for sc, n in holds) for doc in named - full}
            matched, default_count = full | named, len(slots)
        if scope is not None:
            matched &= scope
        pages = max(1, math.ceil(len(matched) / per_page))
        page = min(max(page, 1), pages)
        ranked = self._rank(matched, slots, slot_scores, (counts, default_count), page * per_page)
        top = ranked[0] if ranked else None
        ignored = [
            slot.label
            for slot, sc, n in zip(slots, slot_scores, slot_named, strict=True)
            if slot.label and slot.situation is not self._general and top not in sc and top not in n
        ]
        typed = sum(1 for slot in slots if slot.label)  # the general situation's slot is not a word typed
        # Highlight what was typed, and acronyms standing for it; not each word of a long synonym.
        terms = {
            stem for slot in slots for alt in slot.alternatives if alt == slot.typed or len(alt) == 1 for stem in alt
        }
        words = with_ligatures(set().union(*(self._surface.get(stem, ()) for stem in terms)))
        hits = [self._hit(doc, words) for doc in ranked[(page - 1) * per_page : page * per_page]]
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
            partial=partial and typed > 1 and bool(matched) and self._general not in situations,
            ignored=ignored if typed > 1 and ranked else [],
            situations=situations,
        )

    def _rank(self, matched: set[int], slots: list, slot_scores: list, counts: tuple, wanted: int) -> list[int]:
        """The `wanted` best fiches: first those the query names (a situation's fiches in the editors' order, a
        glossary term's fiche), then by the number of slots they match, then by BM25F; the title bonus goes
        to a fiche whose title or aliases hold every word."""
        count_of, default_count = counts  # slots held, by fiche where it differs from the default
        bonus: dict[int, float] = {}
        for slot in slots:
            for position, doc in enumerate(slot.named):
                bonus[doc] = bonus.get(doc, 0.0) + _NAMED_SCALE + max(0, 100 - position) * _ORDER_SCALE
        typed = {stem for slot in slots for stem in slot.typed}

        def value(doc: int, total: float) -> float:
            rank = bonus.get(doc, 0.0) + count_of.get(doc, default_count) * _COUNT_SCALE
            return rank + (total * TITLE_BONUS if typed <= self._headings[doc] else total)

        # The named fiches are few and always first; the others are sorted in C by their BM25F sum, plus the
        # number of slots they hold when it varies (no fiche holds them all).
        named = [doc for doc in bonus if doc in matched]
        named.sort(key=lambda doc: (-value(doc, sum(scores.get(doc, 0.0) for scores in slot_scores)), doc))
        docs = list(matched.difference(bonus))
        totals = [0.0] * len(docs)
        for scores in slot_scores:  # map() keeps the loop over thousands of fiches in C
            totals = list(map(add, totals, map(scores.get, docs, repeat(0.0))))
        keys = totals
        if count_of and not default_count:
            keys = list(map(add, totals, map(mul, map(count_of.__getitem__, docs), repeat(_COUNT_SCALE))))
        best = nlargest(max(0, wanted - len(named)) + 50, zip(keys, totals, docs, strict=True))
        best.sort(key=lambda item: (-value(item[2], item[1]), item[2]))
        return named + [doc for _key, _total, doc in best]

    def _slots(self, query_text: str, notices: list[str]):
        leave = self._leave_slot(query_text)
        if leave:  # the duration is read, not searched: « 4 » and « mois » are in no fiche worth finding
            start, end = leave.span
            query_text = f"{query_text[:start]} {query_text[end:]}"
        words = self._typed_words(query_text)
        if len(words) > MAX_QUERY_WORDS:
            words = words[:MAX_QUERY_WORDS]
            notices.append(f"Seuls les {MAX_QUERY_WORDS} premiers mots ont été cherchés.")
        corrections = {}
        for position, (typed, word) in enumerate(words):
            if self._may_be_a_typo(word):
                correction = self._correct(word)
                if correction:
                    corrections[word] = correction
                    words[position] = (typed, correction)
        stems, labels, folded = [], [], []  # each stem once, with the word typed for it
        for typed, word in words:
            stem = french_stem(word)
            if stem not in stems:
                stems.append(stem)
                labels.append(typed)
                folded.append(word)
        slots, termes, position = [leave] if leave else [], [], 0
        while position < len(stems):
            # A glossary term named here (its acronym or a synonym) matches any of its forms; a situation of the
            # vocabulary names its fiches. The longer form wins; a situation wins over a term of the same length.
            term = next((n for n in self._glossary_at.get(stems[position], ()) if _at(stems, position, n[1])), None)
            situated = next(
                (s for s in self._situation_at.get(stems[position], ()) if _at(stems, position, s[1])), None
            )
            exact = self._exact_words.get(folded[position]) or self._exact_words.get(folded[position][:-1])
            if exact and not term and not situated:
                # « caissier »: a lexicon word whose stem the fiches use for another (« caisse »), matched as typed.
                named = [self._doc_of[f] for f in exact.fiches if f in self._doc_of]
                slots.append(_Slot([], [], label=labels[position], situation=exact, named=named))
                position += 1
                continue
            if situated and (not term or len(situated[1]) >= len(term[1])):
                situation, form = situated
                alternatives = [form]
                if term and term[1] == form:  # « inaptitude »: the glossary term too
                    alternatives = [f for f in term[2] if f]
                    termes.append(term[0])
                fiches = [self._doc_of[f] for f in situation.fiches if f in self._doc_of]
                slot = _Slot(form, alternatives, situation=situation, named=fiches)
            elif term:
                terme, form, forms = term
                fiche = self._doc_of.get(terme.fiche or "")
                slot = _Slot(form, [f for f in forms if f], named=[] if fiche is None else [fiche])
                termes.append(terme)
            else:
                form = [stems[position]]
                slot = _Slot(form, [form])
            slot.label = " ".join(labels[position : position + len(form)])
            slots.append(slot)
            position += len(form)
        return slots, termes, corrections

    def _leave_slot(self, query_text: str) -> "_Slot | None":
        """« arrêt depuis 4 mois », « 90 jours d'arrêt »: a sick leave longer than the lexicon's threshold names
        the « Arrêt long » situation and its fiches. A duration without « arrêt » (« visite de reprise 45 jours »)
        is left to the words."""
        situation, threshold = self._long_leave
        folded = fold_in_place(query_text)  # same offsets as the query
        if situation is None or not re.search(r"\barr[eê]t", folded):
            return None
        found = duration_days(folded)
        if not found or found[0] <= threshold:
            return None
        fiches = [self._doc_of[f] for f in situation.fiches if f in self._doc_of]
        slot = _Slot([], [], label=query_text[found[1][0] : found[1][1]].strip(), situation=situation, named=fiches)
        slot.span = found[1]
        return slot

    def _typed_words(self, query_text: str) -> list[tuple[str, str]]:
        """(as typed, folded) for each searched word; a phone number typed in groups (« 36 46 ») is one word
        when the index has it, so that it finds the acteur that answers it."""

        def join(match: re.Match) -> str:
            digits = phone_digits(match.group())
            return digits if digits in self._words else match.group()

        text = _NUMBER_RUN.sub(join, unicodedata.normalize("NFC", query_text))
        words = ((w, fold_word(w)) for w in WORD.findall(text))
        return [(typed, w) for typed, w in words if len(w) > 1 and w not in STOP_WORDS]

    def _names_a_fiche(self, slot: _Slot, scores: dict[int, float]) -> bool:
        """Whether this slot names fiches: a situation's or a term's, or those titled with its words."""
        if slot.situation is self._general:
            return False
        return bool(slot.named) or any(self._headings[doc].issuperset(slot.typed) for doc in scores)

    def _in_french(self, slots: list[_Slot], corrections: dict[str, str]) -> bool:
        """Whether the query is made of French words as typed (no typo corrected): « maçon », not « xqzt »."""
        words = [fold_word(word) for slot in slots for word in slot.label.split()]
        return not corrections and bool(words) and all(w in self._french or w.isdigit() for w in words)

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
        same first letter; a typo on the first letter, or two letters swapped, is looked up directly (the
        automaton without a prefix walks the whole lexicon: 3 to 8 ms a word)."""
        try:
            candidates = {c for c in self._reader().terms_within("words", word, 1, prefix=1) if c != word}
        except (OSError, index.IndexError):  # the folder is gone and this thread never opened it: no correction
            return None
        if not candidates:
            rest = word[1:]
            swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}  # « rqht »
            guesses = {rest} | swaps | {ch + rest for ch in _ALPHABET} | {ch + word for ch in _ALPHABET}
            candidates = {c for c in guesses if c in self._words and c != word}
        if not candidates:  # a word of the vocabulary or the lexicon that no fiche holds (« depresion »)
            return min((w for w in self._understood if _one_edit(word, w)), default=None)
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

    def fiche_ids(self, filters: dict[str, str | None]) -> set[str]:
        """Ids of the fiches that have every value of `filters` ("type", "etape", "public"; None or "" is no
        filter): the lists of fiches and the API filter with the index's facets, without searching."""
        allowed = self._allowed(filters)
        return set(self._ids) if allowed is None else {self._ids[doc] for doc in allowed}

    def _allowed(self, filters: dict[str, str | None]) -> set[int] | None:
        sets = [self._facet_docs[name].get(value, set()) for name, value in filters.items() if value]
        return set.intersection(*sets) if sets else None

    def _facets(self, matched: set[int]) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {"type": {}, "etape": {}, "public": {}}
        for signature, n in Counter(map(self._signature_of.__getitem__, matched)).items():
            for name, value in self._signatures[signature]:
                counts[name][value] = counts[name].get(value, 0) + n
        return counts

    def _hit(self, doc: int, words: frozenset[str]) -> Hit:
        fiche = self.catalog.fiches[self._ids[doc]]
        extract = words and passage(self._bodies[doc], self._word_starts(doc), words)
        return Hit(fiche, extract or escape(fiche.resume))


def with_ligatures(words: set[str]) -> frozenset[str]:
    """The folded `words`, and their forms with a ligature: the bodies are folded in place, ligatures kept, so
    « oeuvre » is also looked for as « œuvre »."""
    return frozenset(words | {w.replace("oe", "œ").replace("ae", "æ") for w in words})


def passage(
    text: str, starts: dict[str, list[int]], words: frozenset[str], width: int = EXTRACT_CHARS
) -> Markup | None:
    """The passage of `text` (at most `width` characters) holding the most searched words, those in <mark>,
    the rest escaped; None when no word matches. `starts`: where each word of `text`, folded in place, starts
    (Whoosh's highlighter took 0.8 ms a fiche, most of a query's time)."""
    found: list[tuple[int, int]] = []
    for word in words & starts.keys():
        found += [(start, start + len(word)) for start in starts[word]]
    if not found:
        return None
    found.sort()
    # The first word that starts the window ending on the most words (the words never overlap: their ends rise).
    best, most, following = 0, 0, 0
    for first, (word_start, _end) in enumerate(found):
        while following < len(found) and found[following][1] <= word_start + width:
            following += 1
        if following - first > most:
            best, most = first, following - first
    start = found[best][0]
    start = max(0, text.rfind(" ", 0, max(0, start - width // 5)) + 1) if start > width // 5 else 0
    end = min(len(text), start + width)
    if end < len(text):
        end = max(text.rfind(" ", start, end), found[best][1])
    # The words between two characters of Unicode's private use area, the whole escaped at once, then those
    # characters made <mark> and </mark> (the texts never hold them: clean() takes them out).
    parts, cursor = ["… " if start else ""], start
    for word_start, word_end in found:
        if start <= word_start and word_end <= end:
            parts += [text[cursor:word_start], _MARK_OPEN, text[word_start:word_end], _MARK_CLOSE]
            cursor = word_end
    parts += [text[cursor:end], " …" if end < len(text) else ""]
    return Markup(str(escape("".join(parts))).replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>"))


_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"


def _one_edit(typed: str, word: str) -> bool:
    """Whether `word` is one insertion, deletion, substitution or swap of two neighbours away from `typed`."""
    if typed == word or abs(len(typed) - len(word)) > 1:
        return False
    start = 0
    while start < min(len(typed), len(word)) and typed[start] == word[start]:
        start += 1
    a, b = typed[start:], word[start:]
    return a[1:] == b[1:] or a[1:] == b or a == b[1:] or (a[:2] == b[1::-1] and a[2:] == b[2:])


def _at(stems: list[str], position: int, form: list[str]) -> bool:
    return bool(form) and stems[position : position + len(form)] == form


def _suggestion(query_text: str, corrections: dict[str, str]) -> str | None:
    if not corrections:
        return None
    return WORD.sub(lambda m: corrections.get(fold_word(m.group()), m.group()), query_text)
