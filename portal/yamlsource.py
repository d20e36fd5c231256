"""Read a YAML file into plain Python data while remembering the line of every key."""

import re
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


@dataclass(frozen=True)
class SyntaxProblem:
    """One place where a file is not valid YAML: line, column (1-based) and a French explanation."""

    line: int
    column: int
    message: str


class YamlSyntaxError(Exception):
    """A file that is not valid YAML; carries every independent problem found, in line order."""

    def __init__(self, problems: list[SyntaxProblem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = sorted(problems, key=lambda problem: (problem.line, problem.column))


# libyaml's parser when PyYAML was built with it: several times faster on large content.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAB = "une tabulation est utilisée pour indenter ; remplacez-la par des espaces"

_PROBLEMS_FR = [
    (
        "mapping values are not allowed",
        "un « : » est mal placé ; vérifiez l'indentation de cette ligne "
        "et mettez entre guillemets un texte qui contient « : »",
    ),
    ("tab character", _TAB),
    ("found character '\\t'", _TAB),
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


MAX_BYTES = 1_000_000  # a fiche is a few kB, the largest tree 60 kB: more is a mistake (or an attack)
MAX_DEPTH = 40  # keys within keys: the deepest content file has 5 levels

_RESOLVER = yaml.resolver.Resolver()  # PyYAML's safe tags: dates, numbers, booleans as YAML 1.1 reads them


def load_yaml(path: Path, data: bytes | None = None) -> YamlDocument:
    """Parse `path` (or `data`, its bytes already read); raise YamlSyntaxError (in French) listing every problem
    found when it is not valid YAML, or is more than the portal reads: too large, too deep, or with aliases."""
    if data is None:
        data = path.read_bytes()
    _refuse_if_too_large(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(
            [SyntaxProblem(1, 1, "le fichier n'est pas en UTF-8 ; enregistrez-le en UTF-8")]
        ) from error
    try:
        node = _compose(text)
    except yaml.YAMLError as error:
        raise YamlSyntaxError(syntax_problems(text, _problem(error, text.splitlines()))) from error
    except _Refused as refused:
        raise YamlSyntaxError([refused.problem]) from None
    document = YamlDocument(path=path, data=None)
    problems: list[SyntaxProblem] = []
    if node is not None:
        # A constructor per file: PyYAML's keeps every node it built, so a shared one grew with each reload.
        document.data = _convert(node, (), document, problems, yaml.constructor.SafeConstructor())
    if problems:
        raise YamlSyntaxError(problems)
    return document


def parse_yaml(text: str) -> object:
    """The data of `text` read as the loader reads a content file (what it refuses, refused the same way:
    YamlSyntaxError): for code that reads a content file outside the catalog (the territory editor, the import)."""
    return load_yaml(Path("texte.yaml"), text.encode("utf-8")).data


def compose_yaml(text: str) -> yaml.Node | None:
    """The nodes of `text`, within the loader's limits (size, depth, no alias); YamlSyntaxError otherwise."""
    _refuse_if_too_large(text.encode("utf-8"))
    try:
        return _compose(text)
    except yaml.YAMLError as error:
        raise YamlSyntaxError([_problem(error, text.splitlines())]) from error
    except _Refused as refused:
        raise YamlSyntaxError([refused.problem]) from None


def _refuse_if_too_large(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        message = f"le fichier fait plus de {MAX_BYTES // 1000} ko, ce qu'aucune fiche ne fait"
        raise YamlSyntaxError([SyntaxProblem(1, 1, f"{message} ; découpez-le ou retirez ce qui n'est pas du contenu")])


class _Refused(Exception):
    """Valid YAML that the portal does not read (an alias, nesting too deep)."""

    def __init__(self, mark: yaml.Mark, message: str):
        super().__init__(message)
        self.problem = SyntaxProblem(mark.line + 1, mark.column + 1, message)


def _compose(text: str) -> yaml.Node | None:
    """The node tree of `text`, built from libyaml's events without recursion (its own composer overflows the C
    stack on a deep file) and without aliases (a few lines of them expand into gigabytes): both are refused."""
    parents: list[tuple[yaml.Node, list]] = []  # open collections, with their items so far
    root: yaml.Node | None = None
    documents, anchors = 0, set()
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream", None, "but found another document", event.start_mark
                )
            continue
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:  # a value that starts with « * » by mistake, said as libyaml says it
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                )
            raise _Refused(
                event.start_mark,
                f"un alias YAML (*{event.anchor}) reprend une autre valeur : le portail ne les lit pas ; "
                "recopiez la valeur",
            )
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            node, items = parents.pop()
            node.value = (
                items if isinstance(node, yaml.SequenceNode) else list(zip(items[::2], items[1::2], strict=True))
            )
            node.end_mark = event.end_mark
            continue
        if isinstance(event, yaml.ScalarEvent):
            tag = (
                event.tag
                if event.tag not in (None, "!")
                else _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
            )
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(parents) >= MAX_DEPTH:
                raise _Refused(
                    event.start_mark,
                    f"les valeurs s'imbriquent sur plus de {MAX_DEPTH} niveaux : le portail ne lit pas un fichier "
                    "aussi profond ; vérifiez les crochets et l'indentation",
                )
            kind = yaml.MappingNode if isinstance(event, yaml.MappingStartEvent) else yaml.SequenceNode
            tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(kind, None, event.implicit)
            node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
        else:  # stream and document ends
            continue
        if event.anchor:
            anchors.add(event.anchor)
        if parents:
            parents[-1][1].append(node)
        else:
            root = node
        if isinstance(node, yaml.CollectionNode):
            parents.append((node, []))
    return root


def _problem(error: yaml.YAMLError, lines: list[str]) -> SyntaxProblem:
    """The French problem of one PyYAML error, at the line an editor must look at."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return SyntaxProblem(1, 1, _french(str(error)))
    problem = f"{error.context or ''} {error.problem or ''}"
    # An unclosed bracket or quote is noticed lines later: point at where it was opened.
    opened = any(words in problem for words in _UNCLOSED)
    mark = (error.context_mark if opened else None) or error.problem_mark or error.context_mark
    if mark is None:
        return SyntaxProblem(1, 1, _french(problem))
    text = lines[mark.line] if mark.line < len(lines) else ""
    # libyaml words a tab in the indentation in several ways, some of them about reserved characters.
    if "\t" in text[: len(text) - len(text.lstrip(" \t"))]:
        return SyntaxProblem(mark.line + 1, mark.column + 1, _TAB)
    return SyntaxProblem(mark.line + 1, mark.column + 1, _french(problem))


def _parse_problem(lines: list[str], start: int, end: int) -> SyntaxProblem | None:
    """The problem of lines[start:end] parsed alone (earlier lines left blank, so lines and columns hold)."""
    try:
        _compose("\n" * start + "".join(lines[start:end]))
    except yaml.YAMLError as error:
        return _problem(error, lines)
    except _Refused as refused:
        return refused.problem
    return None


def syntax_problems(text: str, first: SyntaxProblem) -> list[SyntaxProblem]:
    """Every independent syntax problem of `text`, whose whole parse stopped at `first`.

    PyYAML stops at the first problem. Each top-level key (and, inside a failing one, each of its list items
    or sub-keys) is parsed again on its own, so that a problem in `sources:` does not hide another one in
    `contacts:`. A problem found on the line where the whole parse stopped keeps that parse's words."""
    lines = text.splitlines(keepends=True)
    found = _block_problems(lines, 0, len(lines)) or [first]
    if len(found) == 1:
        return [first]
    return list(dict.fromkeys(first if problem.line == first.line else problem for problem in found))


def _significant(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    # A tab counts as the editor showed it (8 columns): the line is read as a child of the key above it.
    line = line.expandtabs(8)
    return len(line) - len(line.lstrip(" "))


# A header whose value is a block of text (« description: >- »): what follows is text, never parsed as keys.
_TEXT_BLOCK = re.compile(r"[:-]\s*[|>][-+0-9]*\s*(#.*)?$")


def _block_problems(lines: list[str], start: int, end: int) -> list[SyntaxProblem]:
    """The problems of lines[start:end]: if it does not parse, those of each sibling block (lines that start at
    its smallest indentation, with the lines below them), else of its content below the first line."""
    problem = _parse_problem(lines, start, end)
    if problem is None:
        return []
    starts = [i for i in range(start, end) if _significant(lines[i])]
    if not starts:
        return [problem]
    margin = min(_indent(lines[i]) for i in starts)
    heads = [starts[0]] + [i for i in starts[1:] if _indent(lines[i]) == margin]
    if len(heads) > 1:
        bounds = zip(heads, [*heads[1:], end], strict=True)
        found = [found for head, tail in bounds for found in _block_problems(lines, head, tail)]
        return found or [problem]
    head = heads[0]
    if head + 1 < end and not _TEXT_BLOCK.search(lines[head].rstrip("\n")):
        return _block_problems(lines, head + 1, end) or [problem]
    return [problem]


def _convert(
    node: yaml.Node,
    key_path: Path_,
    document: YamlDocument,
    problems: list[SyntaxProblem],
    constructor: yaml.constructor.SafeConstructor,
) -> object:
    document.positions.setdefault(key_path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node, problems, constructor))
            if key in result:
                problems.append(
                    SyntaxProblem(
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                        f"la clé « {key} » apparaît deux fois ; gardez-en une seule",
                    )
                )
                continue
            document.positions[(*key_path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = _convert(value_node, (*key_path, key), document, problems, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*key_path, index), document, problems, constructor) for index, item in enumerate(node.value)
        ]
    return _scalar(node, problems, constructor)


def _scalar(node: yaml.Node, problems: list[SyntaxProblem], constructor: yaml.constructor.SafeConstructor) -> object:
    """Build one scalar with PyYAML's own resolver (dates, numbers, booleans as YAML 1.1 reads them)."""
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if not isinstance(node, yaml.ScalarNode):
        problems.append(SyntaxProblem(line, column, "une clé ne peut pas être une liste ou un dictionnaire"))
        return None
    try:
        return constructor.construct_object(node)
    except yaml.YAMLError:  # an explicit tag (« !!python/... ») that safe YAML does not build
        problems.append(
            SyntaxProblem(line, column, f"l'étiquette « {node.tag} » n'est pas lue par le portail ; retirez-la")
        )
        return None
    except ValueError:
        problems.append(
            SyntaxProblem(line, column, f"la valeur « {node.value} » n'est pas une date possible ; écrivez AAAA-MM-JJ")
        )
        return None
