"""Content problems: where (file, line, column, key path), what (a French sentence) and how to fix it."""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from portal.yamlsource import YamlDocument


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a content file."""

    file: str
    line: int
    column: int
    key: str  # the key path, e.g. « sources[0].url »
    message: str
    hint: str = ""
    severity: str = "erreur"  # « erreur » blocks; « avertissement » informs
    target: str = ""  # for a reference to a missing fiche: its id (not shown; lets the loader drop echoes)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        key = f" [{self.key}]" if self.key else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}: {self.severity}{key} : {self.message}{hint}"


class ContentError(Exception):
    """Raised when the content has at least one error; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problème(s) dans le contenu")
        self.problems = problems

    @property
    def errors(self) -> list[Problem]:
        """The problems that block publication (the others are warnings)."""
        return [problem for problem in self.problems if problem.severity == "erreur"]


def key_path_text(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def relative(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def problem_at(
    document: YamlDocument,
    key_path: tuple,
    message: str,
    hint: str = "",
    severity: str = "erreur",
    root: Path | None = None,
) -> Problem:
    """A problem located at `key_path` of `document`."""
    line, column = document.position(key_path)
    return Problem(relative(document.path, root), line, column, key_path_text(key_path), message, hint, severity)


def nearest(word: str, choices) -> str | None:
    """The closest known word to a misspelt one, if one is close enough."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


_CUSTOM = {
    "formule": (
        "commence comme une formule de tableur (=, +, -, @)",
        "retirez ce signe du début : un tableur qui ouvre l'export des contacts l'exécuterait",
    ),
    "url": ("n'est pas une adresse web valide", "écrivez l'adresse complète, commençant par https://"),
    "telephone": (
        "n'est pas un numéro de téléphone valide",
        "écrivez les chiffres, par exemple « 02 97 00 00 00 »",
    ),
    "email": ("n'est pas une adresse électronique valide", "écrivez une adresse comme service@exemple.fr"),
    "domaine": (
        "n'est pas un nom de domaine",
        "écrivez le seul nom du site, sans « https:// » ni chemin, par exemple « transitionspro.fr »",
    ),
    "source-sans-lieu": (
        "la source n'a ni `url` ni `document`",
        "ajoutez l'adresse de la page ou le document source",
    ),
    "source-primaire-sans-url": (
        "une source primaire (`primaire: true`) n'a pas d'`url`",
        "ajoutez l'adresse de la page lue, ou retirez `primaire: true` si ce n'est pas une page web officielle",
    ),
    "a-verifier-sans-explication": (
        "la fiche est « a-verifier » mais ne dit pas quoi vérifier",
        "ajoutez `a_verifier:` avec ce qui reste à vérifier",
    ),
    "zone-vide": (
        "la zone ne nomme ni région ni département",
        "ajoutez `regions:` ou `departements:`, ou retirez `zone:` si la fiche vaut partout en France",
    ),
}


def validation_problems(
    error: ValidationError,
    model: type[BaseModel],
    document: YamlDocument,
    root: Path | None = None,
    prefix: tuple = (),
) -> list[Problem]:
    """Translate pydantic's errors into French problems located in the YAML file."""
    problems = []
    for item in error.errors(include_url=False):
        loc = prefix + tuple(part for part in item["loc"] if not _is_branch_name(part))
        message, hint = _french(item, loc, model)
        problems.append(problem_at(document, loc, message, hint, root=root))
    return problems


def _is_branch_name(part) -> bool:
    # pydantic adds names of union branches or validators to the location; they are not YAML keys.
    return isinstance(part, str) and ("[" in part or part in {"str", "date", "int", "list", "bool"})


def _french(item: dict, loc: tuple, model: type[BaseModel]) -> tuple[str, str]:
    kind, value = item["type"], item.get("input")
    # The key's name, not a list index: « etapes », not « 1 », for etapes[1].
    name = next((str(part) for part in reversed(loc) if not isinstance(part, int)), "?")
    context = item.get("ctx") or {}
    if kind == "missing":
        meaning = _field_description(model, loc)
        return f"la clé obligatoire « {name} » manque", f"ajoutez une ligne `{name}: …`" + (
            f" ({meaning[0].lower()}{meaning[1:]})" if meaning else ""
        )
    if kind == "extra_forbidden":
        return f"la clé « {name} » n'existe pas dans ce format", _refused_key_hint(name, model, loc)
    if kind == "literal_error":
        allowed = re.findall(r"'((?:[^'\\]|\\.)*)'", str(context.get("expected", "")))
        guess = nearest(str(value), allowed)
        listed = "valeurs permises : " + ", ".join(allowed)
        return (
            f"la valeur « {value} » n'est pas permise pour « {name} »",
            f"vouliez-vous dire « {guess} » ? ({listed})" if guess else listed,
        )
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}:
        return f"« {name} » doit être une date", "écrivez-la AAAA-MM-JJ, sans guillemets (ex. 2024-07-05)"
    if kind == "string_type":
        return (
            f"« {name} » doit être un texte",
            "mettez le texte entre guillemets s'il commence par un chiffre",
        )
    if kind == "list_type":
        return f"« {name} » doit être une liste", "écrivez chaque élément sur une ligne commençant par « - »"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return (
            f"« {name} » doit contenir des clés (une par ligne, indentées)",
            "écrivez `clé: valeur` sur les lignes suivantes, décalées de deux espaces",
        )
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"« {name} » doit être un nombre entier", "écrivez le nombre seul, sans guillemets (ex. 6)"
    if kind == "bool_type":
        return f"« {name} » doit valoir true ou false", "écrivez true ou false, sans guillemets"
    if kind == "string_pattern_mismatch":
        if name == "departement":
            return (
                f"« {value} » n'est pas un code de département",
                'deux chiffres entre guillemets (ex. "56"), "2A", "2B" ou 971 à 976',
            )
        return (
            f"« {value} » n'est pas un identifiant valide",
            "minuscules sans accents, chiffres et tirets (ex. essai-encadre)",
        )
    if kind == "string_too_short":
        return f"« {name} » est vide", "écrivez un texte ou retirez la clé si elle est facultative"
    if kind == "string_too_long":
        return (
            f"« {name} » fait plus de {context.get('max_length')} caractères",
            "raccourcissez-le : une phrase courte (pour une action, un verbe et son objet)",
        )
    if kind == "too_short":
        return (
            f"« {name} » doit avoir au moins {context.get('min_length', 1)} élément(s)",
            "ajoutez-les, chacun sur une ligne commençant par « - »",
        )
    if kind in {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        bound = context.get("le", context.get("ge", context.get("lt", context.get("gt"))))
        word = {"less_than_equal": "au plus", "greater_than_equal": "au moins"}.get(kind, "strictement")
        return f"« {name} » vaut {value}, hors des limites permises", f"la valeur doit être {word} {bound}"
    if kind == "value_error":
        code = str(context.get("error", ""))
        if code in _CUSTOM:
            message, hint = _CUSTOM[code]
            return (f"« {value} » {message}" if code in {"url", "telephone", "email", "formule"} else message), hint
    return (
        f"la valeur de « {name} » n'a pas la forme attendue",
        "comparez avec une fiche existante qui remplit cette clé",
    )


# Keys written from habit or from another format, and the keys that say the same thing: the first one the
# place accepts is proposed (« remarque » is `note:` in a contact, `description:` in a fiche).
SAME_MEANING: dict[str, tuple[str, ...]] = {
    "remarque": ("note", "description"),
    "remarques": ("note", "description"),
    "commentaire": ("note", "description"),
    "commentaires": ("note", "description"),
    "precision": ("note", "description"),
    "info": ("note", "description"),
    "infos": ("note", "description"),
    "notes": ("note", "description"),
    "tel": ("telephone",),
    "phone": ("telephone",),
    "numero": ("telephone",),
    "mail": ("email",),
    "courriel": ("email",),
    "mel": ("email",),
    "e_mail": ("email",),
    "web": ("site",),
    "site_web": ("site",),
    "url": ("site",),
    "lien": ("site", "url"),
    "adresse_postale": ("adresse",),
    "nom": ("titre",),
    "titre": ("nom",),
    "source": ("sources",),
    "sources": ("source",),
    "contact": ("joindre",),
    "contacts": ("joindre",),
    "coordonnees": ("joindre",),
    "note_interne": ("note_editeurs",),
    "note_editeur": ("note_editeurs",),
    "note_redaction": ("note_editeurs",),
    "points_a_verifier": ("a_verifier_points",),
    "verifier": ("a_verifier",),
    "a_verifier": ("a_verifier",),
    "a_confirmer": ("a_verifier",),
    "etat": ("statut",),
    "verifie": ("statut",),
    "liens": ("liees",),
    "voir_aussi": ("liees",),
    "dispositifs": ("pour",),
    "date": ("vu_le", "mis_a_jour"),
    "mise_a_jour": ("mis_a_jour",),
}

# Keys refused here because the same thing is written elsewhere: (a key that tells the place, where to write it).
ELSEWHERE: dict[str, tuple[tuple[str, str], ...]] = {
    "mis_a_jour": (
        ("source", "un contact est daté par `vu_le:` de sa `source:` (le jour où ses coordonnées ont été lues)"),
    ),
    "responsable": (("source", "un contact a le responsable de son fichier : `responsable:` en haut du fichier"),),
    "telephone": (
        ("joindre", "les coordonnées d'un acteur s'écrivent sous `joindre:`, une entrée par moyen de le joindre"),
    ),
    "email": (
        ("joindre", "les coordonnées d'un acteur s'écrivent sous `joindre:`, une entrée par moyen de le joindre"),
    ),
    "site": (
        ("joindre", "les coordonnées d'un acteur s'écrivent sous `joindre:`, une entrée par moyen de le joindre"),
    ),
}


def _folded(key: str) -> str:
    """« À vérifier », « a-verifier » and « a_verifier » alike: lowercase ASCII, words joined by « _ »."""
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_key).strip("_")


def _refused_key_hint(name: str, model: type[BaseModel], loc: tuple) -> str:
    """What to write instead of a refused key: the key that means the same here, the place where it goes, the
    nearest spelling, or else the list of keys this place accepts."""
    known = _known_keys(model, loc[:-1])
    folded = _folded(name)
    for candidate in SAME_MEANING.get(folded, ()):
        if candidate in known and candidate != name:
            meaning = _field_description(model, (*loc[:-1], candidate))
            return f"utilisez `{candidate}:` à la place" + (f" ({meaning[0].lower()}{meaning[1:]})" if meaning else "")
    for marker, hint in ELSEWHERE.get(folded, ()):
        if marker in known:
            return hint
    guess = nearest(name, known)
    return f"vouliez-vous dire « {guess} » ?" if guess else "clés permises : " + ", ".join(sorted(known))


def _field_description(model: type[BaseModel], loc: tuple) -> str:
    """The French meaning of the key at `loc` (its docstring in portal/models.py), if any."""
    current: type[BaseModel] | None = model
    field = None
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return ""
        current = _inner_model(field.annotation)
    return (field.description or "").rstrip(".") if field else ""


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys a model accepts at `loc` (following nested models and lists)."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found:
            return found
    return None
