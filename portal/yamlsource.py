"""Read a YAML file into plain Python data while remembering the line of every key."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

Path_ = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """The data of one YAML file and the position (line, column; 1-based) of each key path."""

    path: Path
    data: object
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, key_path: Path_) -> tuple[int, int]:
        """Position of the longest prefix of `key_path` that exists in the file."""
        for end in range(len(key_path), -1, -1):
            if key_path[:end] in self.positions:
                return self.positions[key_path[:end]]
        return (1, 1)


class YamlSyntaxError(Exception):
    """A file that is not valid YAML; carries the line, the column and a French explanation."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


# libyaml's parser when PyYAML was built with it: several times faster on large content.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PROBLEMS_FR = [
    (
        "mapping values are not allowed",
        "un « : » est mal placé ; vérifiez l'indentation de cette ligne "
        "et mettez entre guillemets un texte qui contient « : »",
    ),
    ("tab character", "une tabulation est utilisée pour indenter ; remplacez-la par des espaces"),
    ("found character '\\t'", "une tabulation est utilisée pour indenter ; remplacez-la par des espaces"),
    (
        "did not find expected key",
        "l'indentation ne correspond pas à la clé précédente ; alignez les clés de même niveau",
    ),
    ("did not find expected '-'", "l'indentation ne correspond pas à la liste ; alignez les « - »"),
    ("found undefined alias", "un alias YAML (*nom) n'est défini nulle part"),
    ("found duplicate anchor", "une ancre YAML (&nom) est définie deux fois"),
    ("could not find expected ':'", "il manque un « : » après une clé"),
    (
        "found unexpected end of stream",
        "le fichier se termine au milieu d'une valeur ; fermez les guillemets",
    ),
    ("while scanning a quoted scalar", "des guillemets ne sont pas fermés"),
    ("unacceptable character", "le fichier contient un caractère interdit ; enregistrez-le en UTF-8"),
    (
        "expected ',' or ']'",
        "une liste entre crochets n'est pas fermée ; ajoutez le « ] » final, ou mettez entre guillemets un "
        "élément qui contient « , » ou « [ »",
    ),
    (
        "expected ',' or '}'",
        "un dictionnaire entre accolades n'est pas fermé ; ajoutez le « } » final",
    ),
    (
        "expected <block end>",
        "l'indentation de cette ligne ne correspond à aucun niveau au-dessus ; alignez-la sur la clé ou le « - » "
        "dont elle dépend",
    ),
    (
        "expected a comment or a line break",
        "du texte suit une valeur entre guillemets ; mettez toute la valeur entre les guillemets",
    ),
    ("unknown escape character", "un « \\ » entre guillemets doubles est inconnu ; utilisez des guillemets simples"),
    (
        "that cannot start any token",
        "une valeur commence par un caractère réservé (@ ou `) ; mettez la valeur entre guillemets",
    ),
    (
        "expected a single document",
        "le fichier contient plusieurs documents séparés par « --- » ; une fiche par fichier : retirez cette ligne",
    ),
    ("while scanning an alias", "un « * » en début de valeur annonce un alias ; mettez la valeur entre guillemets"),
    ("while scanning an anchor", "un « & » en début de valeur annonce une ancre ; mettez la valeur entre guillemets"),
]


_UNCLOSED = ("expected ',' or ']'", "expected ',' or '}'", "while scanning a quoted scalar")


def _french(problem: str) -> str:
    for english, french in _PROBLEMS_FR:
        if english in problem:
            return french
    return f"le YAML n'est pas valide ; vérifiez l'indentation et les guillemets (détail technique : {problem.strip()})"


def load_yaml(path: Path) -> YamlDocument:
    """Parse `path`; raise YamlSyntaxError (in French) when it is not valid YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(1, 1, "le fichier n'est pas en UTF-8 ; enregistrez-le en UTF-8") from error
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        problem = f"{error.context or ''} {error.problem or ''}"
        # An unclosed bracket or quote is noticed lines later: point at where it was opened.
        opened = any(words in problem for words in _UNCLOSED)
        mark = (error.context_mark if opened else None) or error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlSyntaxError(line, column, _french(problem)) from error
    except yaml.YAMLError as error:
        raise YamlSyntaxError(1, 1, _french(str(error))) from error
    document = YamlDocument(path=path, data=None)
    if node is not None:
        document.data = _convert(node, (), document)
    return document


def _convert(node: yaml.Node, key_path: Path_, document: YamlDocument) -> object:
    document.positions.setdefault(key_path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node))
            if key in result:
                raise YamlSyntaxError(
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                    f"la clé « {key} » apparaît deux fois ; gardez-en une seule",
                )
            document.positions[(*key_path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = _convert(value_node, (*key_path, key), document)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*key_path, index), document) for index, item in enumerate(node.value)]
    return _scalar(node)


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.Node) -> object:
    """Build one scalar with PyYAML's own resolver (dates, numbers, booleans as YAML 1.1 reads them)."""
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if not isinstance(node, yaml.ScalarNode):
        raise YamlSyntaxError(line, column, "une clé ne peut pas être une liste ou un dictionnaire")
    try:
        return _CONSTRUCTOR.construct_object(node)
    except ValueError as error:
        raise YamlSyntaxError(
            line, column, f"la valeur « {node.value} » n'est pas une date possible ; écrivez AAAA-MM-JJ"
        ) from error
