"""Where is the patient? A commune, a code postal, a département or a région, resolved to a département
with the official dataset of the npm package @etalab/decoupage-administratif (never a hand-typed list).

Reading the package's 8.6 MB communes.json and building the lookup takes about 0.4 s and a transient
100 MB in every worker; `portal build` (or the first request) writes instead a compact lookup (about
1.5 MB) next to the search index, which a worker reads in a few tens of milliseconds.
"""

import difflib
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from portal.atomic import write_atomically
from portal.text import clean, fold

FORMAT_VERSION = "3"
MAX_PLACE_CHARS = 100
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLES = ("le ", "la ", "les ", "l ")
_DEPARTEMENT_CODE = re.compile(r"^(0?[1-9]|[1-8]\d|9[0-5]|2[ab]|97[1-8]|98[4-9])$")
_TRAILING_CODE = re.compile(r"^(.*?)[\s(,-]+(\d{2,3}|2[ab])\)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Departement:
    """A département (or a collectivité d'outre-mer, zone « com »)."""

    code: str
    nom: str
    zone: str  # metro, drom, com
    region: str = ""  # INSEE code of its région (« 53 » Bretagne); empty for a collectivité d'outre-mer
    region_nom: str = ""


@dataclass(frozen=True)
class Candidate:
    """One possible place: shown as a choice; `lieu` is what to search again to pick it."""

    departement: Departement
    commune: str | None = None

    @property
    def lieu(self) -> str:
        return f"{self.commune} ({self.departement.code})" if self.commune else self.departement.code

    @property
    def label(self) -> str:
        if self.commune:
            return f"{self.commune} ({self.departement.nom}, {self.departement.code})"
        return f"{self.departement.nom} ({self.departement.code})"


@dataclass(frozen=True)
class Resolution:
    """The answer for one typed place: a département, or choices, or suggestions, with a French message."""

    query: str
    departement: Departement | None = None
    place: str | None = None  # the commune or code postal recognised, to say back what was understood
    candidats: list[Candidate] = field(default_factory=list)  # homonyms: the user chooses
    suggestions: list[Candidate] = field(default_factory=list)  # near names when nothing matched
    message: str | None = None


def place_key(text: str) -> str:
    """« Saint-Denis », « st denis », « SAINT DENIS » -> « saint denis »."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def _without_article(key: str) -> str:
    for article in _ARTICLES:
        if key.startswith(article):
            return key[len(article) :]
    return key


class Places:
    """The compact lookup: départements, names (communes, départements, régions) and codes postaux."""

    def __init__(self, data: dict, key: str = ""):
        self.key = key  # the dataset's: part of every page's ETag, so a new communes dataset changes them
        self.regions: dict[str, str] = data["regions"]  # INSEE code -> name
        self.departements = {
            code: Departement(code, nom, zone, region or "", self.regions.get(region or "", ""))
            for code, (nom, zone, region) in data["departements"].items()
        }
        # Entries stay tab-separated strings until used: a list per entry would double the memory of a worker.
        self._names: dict[str, list[str]] = data["names"]  # key -> ["name\tdep code\tkind", …]
        self._postcodes: dict[str, list[str]] = data["postcodes"]  # code postal -> ["commune\tdep code", …]
        self._by_start: dict[str, list[str]] = {}
        for key in self._names:
            self._by_start.setdefault(key[:2], []).append(key)

    def resolve(self, text: str) -> Resolution:
        """Resolve a typed place; see `resolve_place`."""
        query = clean(text, MAX_PLACE_CHARS)
        key = place_key(query)
        if not key:  # only punctuation or symbols: nothing to look up, but still a sentence to show
            return Resolution(
                query,
                message="Ce lieu ne contient ni lettre ni chiffre : tapez une commune, un code postal "
                "ou un département.",
            )
        postcode = next((word for word in key.split() if re.fullmatch(r"\d{5}", word)), None)
        if postcode:  # « 56100 », « 56100 Lorient »
            rest = " ".join(word for word in key.split() if word != postcode)
            return self._postcode(query, postcode, rest)
        if key == "20":
            corse = [Candidate(self.departements["2A"]), Candidate(self.departements["2B"])]
            return Resolution(query, candidats=corse, message="La Corse a deux départements : lequel ?")
        if _DEPARTEMENT_CODE.match(key.replace(" ", "")):
            code = key.replace(" ", "").upper()
            departement = self.departements.get(code.zfill(2) if code.isdigit() else code)
            if departement:
                return Resolution(query, departement)
        wanted_code = None
        trailing = _TRAILING_CODE.match(query)
        if trailing and place_key(trailing.group(1)):  # « Saint-Denis (93) », « Saint-Denis 974 »
            key, wanted_code = place_key(trailing.group(1)), trailing.group(2).upper().zfill(2)
        matches = self._named(key) or self._named(_without_article(key))
        if wanted_code:
            matches = [m for m in matches if m[1] == wanted_code] or matches
        return self._choose(query, matches, key)

    def _choose(self, query: str, matches: list[list], key: str) -> Resolution:
        candidates = _candidates(self, matches)
        if len({c.departement.code for c in candidates}) == 1:
            commune = next((c.commune for c in candidates if c.commune), None)
            return Resolution(query, candidates[0].departement, commune)
        if candidates and all(kind == "region" for _name, _code, kind in matches):
            message = f"« {query} » est une région : choisissez le département."
            return Resolution(query, candidats=candidates, message=message)
        if candidates:
            message = f"Plusieurs lieux s'appellent « {query} » : lequel ?"
            return Resolution(query, candidats=candidates, message=message)
        message = f"Aucune commune, aucun département ni code postal ne correspond à « {query} »."
        return Resolution(query, suggestions=self._suggestions(key), message=message)

    def _postcode(self, query: str, code: str, name_key: str) -> Resolution:
        communes = [entry.split("\t") for entry in self._postcodes.get(code, ())]
        if communes:
            named = [c for c in communes if place_key(c[0]) == name_key]
            communes = named or communes
            departements = {dep for _name, dep in communes}
            if len(departements) == 1:
                names = ", ".join(name for name, _dep in communes[:3]) + (" …" if len(communes) > 3 else "")
                return Resolution(query, self.departements[departements.pop()], f"{code} {names}")
            return Resolution(
                query,
                candidats=_candidates(self, [[name, dep, "commune"] for name, dep in communes]),
                message=f"Le code postal {code} couvre des communes de plusieurs départements : laquelle ?",
            )
        # Not in the list (a CEDEX, a typo): its first digits still give the département, except in Corsica.
        prefix = code[:3] if code.startswith(("97", "98")) else code[:2]
        found = [self.departements[c] for c in (["2A", "2B"] if prefix == "20" else [prefix]) if c in self.departements]
        message = f"Le code postal {code} n'est pas dans la liste officielle (c'est peut-être un CEDEX)."
        if len(found) == 1:
            return Resolution(query, found[0], code, message=message)
        return Resolution(query, candidats=[Candidate(d) for d in found], message=message)

    def _suggestions(self, key: str) -> list[Candidate]:
        pool = self._by_start.get(key[:2], [])
        close = difflib.get_close_matches(key, pool, n=5, cutoff=0.75)
        return _candidates(self, [m for near in close for m in self._named(near)])[:8]

    def _named(self, key: str) -> list[list[str]]:
        return [entry.split("\t") for entry in self._names.get(key, ())]


def _candidates(places: Places, matches: list[list]) -> list[Candidate]:
    seen, result = set(), []
    for name, code, kind in matches:
        departement = places.departements.get(code)
        commune = name if kind == "commune" else None
        if departement is None or (code, commune) in seen:
            continue
        seen.add((code, commune))
        result.append(Candidate(departement, commune))
    return sorted(result, key=lambda c: (c.commune is not None, c.departement.code))


def build_lookup(data_dir: Path) -> dict:
    """The compact lookup from the package's JSON files (what the cache file holds)."""
    read = lambda name: json.loads((data_dir / name).read_text(encoding="utf-8"))  # noqa: E731
    departements = read("departements.json")
    names: dict[str, list[list]] = {}

    def add(name: str, code: str, kind: str) -> None:
        key = place_key(name)
        for variant in {key, _without_article(key)}:
            entries = names.setdefault(variant, [])
            if f"{name}\t{code}\t{kind}" not in entries:
                entries.append(f"{name}\t{code}\t{kind}")

    for region in read("regions.json"):
        for dep in departements:
            if dep["region"] == region["code"]:
                add(region["nom"], dep["code"], "region")
    for dep in departements:
        add(dep["nom"], dep["code"], "departement")
    postcodes: dict[str, list[list]] = {}
    for commune in read("communes.json"):
        code = commune.get("departement")
        if not code:
            continue
        add(commune["nom"], code, "commune")
        for postcode in commune.get("codesPostaux", ()):
            entries = postcodes.setdefault(postcode, [])
            if f"{commune['nom']}\t{code}" not in entries:
                entries.append(f"{commune['nom']}\t{code}")
    return {
        "departements": {d["code"]: [d["nom"], d["zone"], d.get("region")] for d in departements},
        "regions": {r["code"]: r["nom"] for r in read("regions.json")},
        "names": names,
        "postcodes": postcodes,
    }


def official_departements(data_dir: str | Path) -> dict[str, Departement]:
    """Every département of the official dataset, with its région: code -> Departement (« 2A », « 974 »…)."""
    read = lambda name: json.loads((Path(data_dir) / name).read_text(encoding="utf-8"))  # noqa: E731
    regions = {region["code"]: region["nom"] for region in read("regions.json")}
    return {
        d["code"]: Departement(d["code"], d["nom"], d["zone"], d.get("region") or "", regions.get(d.get("region"), ""))
        for d in read("departements.json")
    }


def _dataset_key(data_dir: Path) -> str:
    package = data_dir.parent / "package.json"
    stamp = package.read_bytes() if package.exists() else str((data_dir / "communes.json").stat().st_size).encode()
    return hashlib.sha256(stamp + FORMAT_VERSION.encode()).hexdigest()[:12]


_loaded: dict[str, "Places"] = {}  # dataset key -> lookup: read once per process
_loading = threading.Lock()


def write_lookup(data_dir: str | Path, cache_dir: str | Path) -> Path:
    """Write the compact lookup of `data_dir` into `cache_dir` unless it is there; return its path."""
    data_dir, cache_dir = Path(data_dir), Path(cache_dir)
    cache = cache_dir / f"places-{_dataset_key(data_dir)}.json"
    if not cache.exists():
        lookup = json.dumps(build_lookup(data_dir), ensure_ascii=False, separators=(",", ":"))
        write_atomically(cache, lookup, 0o644)  # readable by the workers' account when an operator ran `portal build`
    return cache


def load_places(data_dir: str | Path, cache_dir: str | Path) -> Places:
    """The lookup of `data_dir`: from memory, else from its cache file in `cache_dir` (written if missing)."""
    key = _dataset_key(Path(data_dir))
    with _loading:
        if key not in _loaded:
            cache = write_lookup(data_dir, cache_dir)
            _loaded[key] = Places(json.loads(cache.read_text(encoding="utf-8")), key)
        return _loaded[key]
