"""Load and validate all content in one pass into an immutable Catalog, or report every problem at once."""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ConfigDict

from portal.content_files import ContentFiles, check_reference, read_content_files, read_document, validate_document
from portal.diagnostics import ContentError, Problem, nearest, problem_at, relative
from portal.models import Arbre, Contact, Fiche, Glossaire, Region, Situation, Terme, Territoire, Vocabulaire
from portal.search import analyse
from portal.trees import check_texts_by_answers, load_trees
from portal.walk import WalkError, walk_tree
from portal.yamlsource import YamlDocument

KIND_FOLDERS = {"dispositifs": "dispositif", "acteurs": "acteur"}


@dataclass(frozen=True)
class ContactEntry:
    """One contact of the content, with where it applies and the file an editor opens to fix it."""

    acteur: str
    contact: Contact
    portee: str  # « national » (the acteur's `joindre`), « regional » or « local »
    code: str | None  # the région or département code, for a regional or local contact
    responsable: str | None
    file: str


@dataclass(frozen=True)
class Catalog:
    """All content of one version, validated; never changed after loading."""

    fiches: MappingProxyType  # id -> Fiche, sorted by title
    territoires: MappingProxyType  # département code -> Territoire
    regions: MappingProxyType  # région code (INSEE) -> Region
    glossaire: tuple[Terme, ...]
    trees: MappingProxyType  # tree id -> Tree (portal.trees)
    version: str
    vocabulaire: tuple[Situation, ...] = ()  # situations a doctor searches by name (content/vocabulaire.yaml)
    warnings: tuple[Problem, ...] = ()
    lines: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # id -> (file, line)
    # An archived or renamed fiche's id -> the id of the current fiche its address redirects to.
    redirects: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def to_json(self) -> bytes:
        """The catalog as JSON through its models, for the version store (portal/version.py): data, never code."""
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        plain = {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in fields.items()}
        return _StoredCatalog.model_validate(plain).model_dump_json().encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Catalog":
        """The catalog `to_json` wrote, validated again by the models (ValueError when it is not one)."""
        stored = _StoredCatalog.model_validate_json(data)
        return cls(**{k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in dict(stored).items()})

    def of_type(self, kind: str) -> list[Fiche]:
        return [fiche for fiche in self.fiches.values() if fiche.type == kind]

    @property
    def contact_count(self) -> int:
        return len(self.contact_entries)

    @cached_property  # the catalog never changes: the list is built once per content version
    def contact_entries(self) -> list[ContactEntry]:
        """Every contact: national means of each acteur, then regional, then local ones."""
        any_file = next(iter(self.lines.values()), ("content/x/y.yaml", 1))[0]
        folder = PurePosixPath(any_file).parent.parent  # fiche files are <content>/<kind>/<id>.yaml
        entries = []
        for fiche in self.fiches.values():
            file = self.lines.get(fiche.id, ("", 1))[0]
            entries += [ContactEntry(fiche.id, c, "national", None, fiche.responsable, file) for c in fiche.joindre]
        for portee, places in (("regional", self.regions), ("local", self.territoires)):
            sub = "regions" if portee == "regional" else "territoires"
            for code, place in places.items():
                file = str(folder / sub / f"{code}.yaml")
                entries += [ContactEntry(c.acteur, c, portee, code, place.responsable, file) for c in place.contacts]
        return entries

    def summary(self) -> str:
        """The one line `portal check` prints on success."""
        a_verifier = sum(1 for fiche in self.fiches.values() if fiche.statut == "a-verifier")
        return (
            f"{len(self.fiches)} fiches ({a_verifier} à vérifier), {self.contact_count} contacts, "
            f"{len(self.trees)} arbres"
        )


class _StoredCatalog(BaseModel):
    """A Catalog's fields as the models read them: what a stored version holds."""

    model_config = ConfigDict(extra="forbid")

    fiches: dict[str, Fiche]
    territoires: dict[str, Territoire]
    regions: dict[str, Region]
    glossaire: tuple[Terme, ...]
    trees: dict[str, Arbre]
    version: str
    vocabulaire: tuple[Situation, ...]
    warnings: tuple[Problem, ...]
    lines: dict[str, tuple[str, int]]
    redirects: dict[str, str]


def load_catalog(
    content_dir: Path | str, trees_dir: Path | str | None = None, files: ContentFiles | None = None
) -> Catalog:
    """Read every content file (from `files`, their bytes already read, when given); raise ContentError listing
    all errors, or return the Catalog, whose `version` is the hash of the bytes it was made from."""
    content_dir = Path(content_dir)
    if files is None:
        files = read_content_files(content_dir, trees_dir)
    root = content_dir.parent
    problems: list[Problem] = []
    if not content_dir.is_dir():
        raise ContentError(
            [
                Problem(
                    str(content_dir),
                    1,
                    1,
                    "",
                    "le dossier de contenu n'existe pas",
                    "indiquez le bon dossier avec PORTAL_CONTENT_DIR",
                )
            ]
        )

    broken: set[str] = set()  # ids (file names) of fiches whose own file has errors
    fiches, documents = _load_fiches(content_dir, root, problems, files, broken)
    redirects = _take_out_archived(fiches, documents, root, problems)
    territoires = _load_places(content_dir / "territoires", Territoire, "departement", root, fiches, problems, files)
    regions = _load_places(content_dir / "regions", Region, "region", root, fiches, problems, files)
    glossaire = _load_glossaire(content_dir / "glossaire.yaml", root, fiches, problems, files)
    _check_references(fiches, documents, root, problems)
    _check_reach(fiches, documents, root, problems)
    _check_points(fiches, documents, root, problems)

    trees, tree_problems = load_trees(Path(trees_dir) if trees_dir else None, fiches, root, broken, files)
    problems.extend(tree_problems)
    tree_files = {path.stem for path in files.listing(Path(trees_dir))} if trees_dir else set()
    if trees and not tree_files & broken:  # a tree with errors of its own: its questions are not known here
        problems.extend(check_texts_by_answers(trees, fiches, documents, root))
    # Tree addresses are checked only when the trees are loaded (the contacts importer reads content alone); an
    # address in a tree whose own file has errors is not checked (`broken`).
    vocabulaire = _load_vocabulaire(
        content_dir / "vocabulaire.yaml", root, fiches, trees if trees_dir else None, problems, broken, files
    )
    problems.extend(_content_warnings(fiches, documents, root))
    # A fiche whose own file has errors is not loaded: references to it are echoes of those errors, not new ones.
    problems = [p for p in problems if not (p.target and p.target in broken)]
    problems = [_moved(p, redirects) if p.target in redirects else p for p in problems]

    errors = [p for p in problems if p.severity == "erreur"]
    if errors:
        raise ContentError(sorted(problems, key=lambda p: (p.file, p.line, p.column)))
    ordered = dict(sorted(fiches.items(), key=lambda item: _sort_key(item[1].titre)))
    return Catalog(
        fiches=MappingProxyType(ordered),
        territoires=MappingProxyType(dict(sorted(territoires.items()))),
        regions=MappingProxyType(dict(sorted(regions.items()))),
        glossaire=tuple(glossaire),
        trees=MappingProxyType(trees),
        version=files.version,
        vocabulaire=tuple(vocabulaire),
        warnings=tuple(sorted(problems, key=lambda p: (p.file, p.line))),
        lines=MappingProxyType({fid: (relative(doc.path, root), 1) for fid, doc in documents.items()}),
        redirects=MappingProxyType(redirects),
    )


def _take_out_archived(fiches: dict, documents: dict, root: Path, problems: list[Problem]) -> dict[str, str]:
    """Remove the archived fiches from `fiches`; return where each archived or former id now leads."""
    archived = {fid: fiche for fid, fiche in fiches.items() if fiche.archive}
    redirects: dict[str, str] = {}
    for fid, fiche in fiches.items():
        for index, old in enumerate(fiche.anciens_ids):
            if old in fiches or old in redirects:
                holder = "une fiche" if old in fiches else "l'ancien id d'une autre fiche"
                problems.append(
                    problem_at(
                        documents[fid],
                        ("anciens_ids", index),
                        f"« {old} » est déjà {holder}",
                        "une adresse mène à une seule fiche : retirez cette ligne",
                        root=root,
                    )
                )
            else:
                redirects[old] = fid
    for fid, fiche in archived.items():
        target = fiche.archive.remplacee_par
        target = redirects.get(target, target)
        if target not in fiches or target in archived or target == fid:
            why = "est elle-même archivée" if target in archived else "n'existe pas"
            problems.append(
                problem_at(
                    documents[fid],
                    ("archive", "remplacee_par"),
                    f"la fiche de remplacement « {fiche.archive.remplacee_par} » {why}",
                    "indiquez l'id d'une fiche publiée, vers laquelle l'ancienne adresse redirigera",
                    root=root,
                )
            )
        redirects[fid] = target
        del fiches[fid], documents[fid]
    return redirects


def _moved(problem: Problem, redirects: dict[str, str]) -> Problem:
    """A reference to an archived or renamed fiche: say so, and name the fiche to cite instead."""
    return replace(
        problem,
        message=f"la fiche « {problem.target} » est archivée ou renommée",
        hint=f"citez « {redirects[problem.target]} » à la place, ou retirez cette ligne",
    )


def _sort_key(title: str) -> str:
    return unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()


def _load_fiches(
    content_dir: Path,
    root: Path,
    problems: list[Problem],
    files: ContentFiles | None = None,
    broken: set[str] | None = None,
):
    files = files or read_content_files(content_dir, None)
    fiches: dict[str, Fiche] = {}
    documents: dict[str, YamlDocument] = {}
    broken = set() if broken is None else broken
    for folder, kind in KIND_FOLDERS.items():
        for path in files.listing(content_dir / folder):
            document = read_document(path, root, problems, files)
            if document is None:
                broken.add(path.stem)
                continue
            data = dict(document.data)
            if "type" in data:
                problems.append(
                    problem_at(
                        document,
                        ("type",),
                        "la clé « type » ne s'écrit pas",
                        f"le dossier « {folder} » dit déjà que c'est un {kind} : retirez cette ligne",
                        root=root,
                    )
                )
            data["type"] = kind
            fiche = validate_document(Fiche, document, data, root, problems)
            if fiche is None:
                broken.add(path.stem)
                continue
            if fiche.id != path.stem:
                problems.append(
                    problem_at(
                        document,
                        ("id",),
                        f"l'id « {fiche.id} » ne correspond pas au nom du fichier « {path.name} »",
                        f"renommez le fichier en {fiche.id}.yaml ou corrigez l'id",
                        root=root,
                    )
                )
            if fiche.id in fiches:
                other = relative(documents[fiche.id].path, root)
                problems.append(
                    problem_at(
                        document,
                        ("id",),
                        f"l'id « {fiche.id} » est déjà utilisé par {other}",
                        "chaque fiche doit avoir un id unique",
                        root=root,
                    )
                )
                continue
            fiches[fiche.id] = fiche
            documents[fiche.id] = document
    return fiches, documents


def _check_references(fiches: dict, documents: dict, root: Path, problems: list[Problem]) -> None:
    for fiche_id, fiche in fiches.items():
        document = documents[fiche_id]
        for key, targets, kind in (("liees", fiche.liees, None), ("acteurs", fiche.acteurs, "acteur")):
            for index, target in enumerate(targets):
                problem = check_reference(document, (key, index), target, fiches, kind, root)
                if problem:
                    problems.append(problem)
                elif target == fiche_id:
                    problems.append(
                        problem_at(
                            document,
                            (key, index),
                            "la fiche se cite elle-même",
                            "retirez cette ligne",
                            root=root,
                        )
                    )


def _check_reach(fiches: dict, documents: dict, root: Path, problems: list[Problem]) -> None:
    """The reach rule: every acteur says how to reach it, or what to do when nothing is known."""
    for fiche_id, fiche in fiches.items():
        document = documents[fiche_id]
        if fiche.type == "dispositif":
            if fiche.joindre or fiche.si_aucun_contact:
                key = "joindre" if fiche.joindre else "si_aucun_contact"
                problems.append(
                    problem_at(
                        document,
                        (key,),
                        f"« {key} » ne s'écrit que dans une fiche acteur",
                        "mettez ces coordonnées dans la fiche de l'acteur concerné et citez-le dans `acteurs:`",
                        root=root,
                    )
                )
            continue
        for index, contact in enumerate(fiche.joindre):
            if not contact.reachable:
                problems.append(
                    problem_at(
                        document,
                        ("joindre", index),
                        f"« {contact.nom} » n'a ni téléphone, ni courriel, ni formulaire, ni annuaire",
                        "ajoutez `telephone:`, `email:`, `formulaire:` ou `annuaire:` (une page qui trouve le "
                        "service local) ; un simple site ne suffit pas pour joindre quelqu'un",
                        root=root,
                    )
                )
        if not fiche.joindre and not fiche.si_aucun_contact:
            problems.append(
                problem_at(
                    document,
                    ("id",),
                    "l'acteur n'a aucun moyen d'être joint",
                    "ajoutez `joindre:` (numéro, courriel, formulaire ou page qui trouve le service local) ou, si "
                    "rien n'est connu, `si_aucun_contact:` qui dit quoi faire à la place",
                    root=root,
                )
            )


def _check_points(fiches: dict, documents: dict, root: Path, problems: list[Problem]) -> None:
    """A point « à vérifier » is shown at its field: the field must be filled, or the note would show nowhere."""
    for fiche_id, fiche in fiches.items():
        for index, point in enumerate(fiche.a_verifier_points):
            if not getattr(fiche, point.champ):
                problems.append(
                    problem_at(
                        documents[fiche_id],
                        ("a_verifier_points", index, "champ"),
                        f"le champ « {point.champ} » est vide dans cette fiche : la note ne s'afficherait nulle part",
                        "choisissez un champ rempli de la fiche (celui que le doute concerne), ou remplissez-le",
                        root=root,
                    )
                )


def _load_places(
    folder: Path,
    model: type[Territoire] | type[Region],
    code_key: str,
    root: Path,
    fiches: dict,
    problems: list,
    files: ContentFiles,
) -> dict:
    """The territoire (one file a département) or région files of `folder`, keyed by their code."""
    loaded: dict = {}
    for path in files.listing(folder):
        document = read_document(path, root, problems, files)
        if document is None:
            continue
        place = validate_document(model, document, document.data, root, problems)
        if place is None:
            continue
        code = getattr(place, code_key)
        if code != path.stem:
            problems.append(
                problem_at(
                    document,
                    (code_key,),
                    f"le code « {code} » ne correspond pas au nom du fichier « {path.name} »",
                    f"renommez le fichier en {code}.yaml",
                    root=root,
                )
            )
        for index, contact in enumerate(place.contacts):
            problem = check_reference(document, ("contacts", index, "acteur"), contact.acteur, fiches, "acteur", root)
            if problem:
                problems.append(problem)
            for sub, target in enumerate(contact.pour):
                problem = check_reference(
                    document, ("contacts", index, "pour", sub), target, fiches, "dispositif", root
                )
                if problem:
                    problems.append(problem)
        loaded[code] = place
    return loaded


def _load_optional(path: Path, model: type[BaseModel], root: Path, problems: list[Problem], files: ContentFiles):
    """(document, validated model) of an optional single file (glossary, vocabulary), or (None, None)."""
    if not files.exists(path):
        return None, None
    document = read_document(path, root, problems, files)
    if document is None:
        return None, None
    return document, validate_document(model, document, document.data, root, problems)


def _load_glossaire(path: Path, root: Path, fiches: dict, problems: list[Problem], files: ContentFiles) -> list[Terme]:
    document, glossaire = _load_optional(path, Glossaire, root, problems, files)
    if glossaire is None:
        return []
    for index, terme in enumerate(glossaire.termes):
        if terme.fiche:
            problem = check_reference(document, ("termes", index, "fiche"), terme.fiche, fiches, None, root)
            if problem:
                problems.append(problem)
        for n, synonyme in enumerate(terme.synonymes):
            # « [direction régionale de l'économie, de l'emploi] » is two synonyms: the second, « de l'emploi »,
            # would show the term for any search holding « emploi ».
            if _SPLIT_START.match(synonyme):
                problems.append(
                    problem_at(
                        document,
                        ("termes", index, "synonymes", n),
                        f"le synonyme « {synonyme} » commence comme la suite d'une expression coupée à sa virgule",
                        "entre crochets, une virgule sépare deux synonymes : mettez l'expression entière entre "
                        'guillemets ("…, …")',
                        root=root,
                    )
                )
    return list(glossaire.termes)


_SPLIT_START = re.compile(r"(?i)(?:de|du|des|et|d['’])(?:\s|$)|d['’]")


def _load_vocabulaire(
    path: Path,
    root: Path,
    fiches: dict,
    trees: dict | None,
    problems: list[Problem],
    broken: set[str],
    files: ContentFiles,
) -> list[Situation]:
    """The situations of content/vocabulaire.yaml, each fiche, word and tree address checked."""
    document, vocabulaire = _load_optional(path, Vocabulaire, root, problems, files)
    if vocabulaire is None:
        return []
    owners: dict[tuple[str, ...], tuple[str, str]] = {}  # analysed word -> (its situation, the word as written)
    for index, situation in enumerate(vocabulaire.situations):
        at = ("situations", index)
        words = [((*at, "nom"), situation.nom)] + [((*at, "mots", n), mot) for n, mot in enumerate(situation.mots)]
        for key, word in words:
            stems = tuple(analyse(word))
            if not stems:
                problems.append(
                    problem_at(
                        document,
                        key,
                        f"« {word} » n'a que des mots trop courants pour être cherchés",
                        "écrivez le mot qui dit la situation (« arrêt long », pas « le »)",
                        root=root,
                    )
                )
            elif stems in owners:
                other, written = owners[stems]
                same = other == situation.nom
                problems.append(
                    problem_at(
                        document,
                        key,
                        f"« {word} » se cherche déjà comme « {written} »"
                        + ("" if same else f", de la situation « {other} »"),
                        "la recherche ne tient compte ni des majuscules, ni des accents, ni des terminaisons : "
                        + ("retirez cette ligne" if same else "un mot mène à une seule situation, gardez-le une fois"),
                        "avertissement" if same else "erreur",
                        root,
                    )
                )
            else:
                owners[stems] = (situation.nom, word)
        for n, target in enumerate(situation.fiches):
            problem = check_reference(document, (*at, "fiches", n), target, fiches, None, root)
            if problem:
                problems.append(problem)
            elif target in situation.fiches[:n]:
                problems.append(
                    problem_at(
                        document,
                        (*at, "fiches", n),
                        f"« {target} » est déjà dans cette liste",
                        "retirez cette ligne",
                        root=root,
                    )
                )
        for n, entree in enumerate(situation.orientation if trees is not None else ()):
            if urlsplit(entree.adresse).path.removeprefix("/orientation/") in broken:
                continue  # its tree has errors of its own, reported in its file
            problem = _check_tree_address(entree.adresse, trees)
            if problem:
                problems.append(problem_at(document, (*at, "orientation", n, "adresse"), *problem, root=root))
    return list(vocabulaire.situations)


def _check_tree_address(address: str, trees: dict) -> tuple[str, str] | None:
    """(message, hint) when `address` is not a step of an orientation tree."""
    parts = urlsplit(address)
    tree_id = parts.path.removeprefix("/orientation/")
    if tree_id not in trees:
        guess = nearest(tree_id, trees)
        known = ", ".join(sorted(trees)) or "aucun"
        return f"l'arbre « {tree_id} » n'existe pas", (
            f"vouliez-vous dire « {guess} » ?" if guess else f"arbres existants : {known}"
        )
    try:
        walk = walk_tree(trees[tree_id], parse_qsl(parts.query, keep_blank_values=True))
        if walk.ignored:
            raise WalkError(" ; ".join(f"{item.question} = {item.code} : {item.reason}" for item in walk.ignored) + ".")
    except WalkError as error:
        return "cette adresse ne mène à aucune étape de l'arbre", (
            f"{error} Ouvrez l'arbre sur le portail, répondez aux questions, puis copiez l'adresse de l'étape."
        )
    return None


_SENTENCE_END = re.compile(r"[.!?…](\s|$)")


def _content_warnings(fiches: dict, documents: dict, root: Path, today: date | None = None) -> list[Problem]:
    """Things an editor should look at, that do not block publication."""
    today = today or date.today()
    warnings = []
    for fiche_id, fiche in fiches.items():
        document = documents[fiche_id]
        if len(_SENTENCE_END.findall(fiche.resume.strip())) > 2:
            warnings.append(
                problem_at(
                    document,
                    ("resume",),
                    "le résumé fait plus de deux phrases",
                    "gardez une phrase lisible en cinq secondes ; le détail va dans `description`",
                    "avertissement",
                    root,
                )
            )
        warnings += _sourcing_warnings(fiche, document, root)
        for index, source in enumerate(fiche.sources):
            # A primary text (a law article, the organisation's page) is as current as its last reading: an old
            # version date re-read recently is not stale. Other documents age from their publication.
            seen = source.vu_le if source.primaire else (source.publie_le or source.vu_le)
            if (today - seen).days > 3 * 365:
                warnings.append(
                    problem_at(
                        document,
                        ("sources", index),
                        f"la source « {source.titre} » date de plus de trois ans ({seen:%d/%m/%Y})",
                        "relisez-la et mettez à jour `vu_le`, ou citez une source récente",
                        "avertissement",
                        root,
                    )
                )
    return warnings


def _sourcing_warnings(fiche, document: YamlDocument, root: Path) -> list[Problem]:
    """A fiche without a primary source (an error) and a banner text that would never show."""
    warnings = []
    primary = fiche.primary_sources
    if not primary:
        how = (
            "le texte sur Légifrance, ou la page de l'organisme (un site en .gouv.fr, service-public.fr, ameli.fr, "
            "msa.fr…, ou un site déclaré dans `sites_propres`) : `url:`, `vu_le:`, `publie_le:` si la page en "
            "affiche une, et `primaire: true`"
        )
        hint = f"ajoutez la source primaire qui confirme la fiche ({how}) ; si aucune n'existe, archivez la fiche"
        warnings.append(problem_at(document, ("sources",), "la fiche n'a aucune source primaire", hint, root=root))
    if fiche.statut == "verifie" and fiche.a_verifier:
        warnings.append(
            problem_at(
                document,
                ("a_verifier",),
                "`a_verifier` ne s'affiche que sur une fiche « a-verifier »",
                "un doute sur un point précis va dans `a_verifier_points` (champ et texte), affiché à ce champ ; "
                "s'il ne reste rien à vérifier, retirez la ligne",
                "avertissement",
                root,
            )
        )
    return warnings
