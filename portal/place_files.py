"""Write contacts into territoire and région files (content/territoires/<code>.yaml, content/regions/<code>.yaml).

A contact is known by its acteur and its name: an imported contact replaces the one of the same acteur and name,
or, when the file has one contact of that acteur and the import one too, that contact under its new name (no
duplicate of one service under two spellings); else it is added after the others. Only the lines of a changed
contact are rewritten; every other line (comments, other contacts, their layout) stays as the editor wrote it, so
that re-importing the same file changes nothing.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date

import yaml

from portal.models import ID_PATTERN, LocalContact, Region, Territoire
from portal.schema import MODELINE
from portal.yamlsource import YamlSyntaxError, compose_yaml, parse_yaml

RESPONSABLE = "Équipe éditoriale du portail PDP"
# kind (the folder) -> (model, key of the code, schema file)
KINDS = {
    "territoires": (Territoire, "departement", "territoire.schema.json"),
    "regions": (Region, "region", "region.schema.json"),
}
_PLAIN_KEYS = {"acteur", "statut"}  # ids and fixed values are written bare, texts between double quotes


class PlaceFileError(Exception):
    """A place file whose layout the importer cannot change safely; the message is French."""


def _read(text: str, compose: bool = False):
    """`text` read within the loader's limits (no alias, no deep nesting: portal/yamlsource.py), as data or as
    nodes; PlaceFileError (in French) when it cannot be read."""
    try:
        return compose_yaml(text) if compose else parse_yaml(text)
    except YamlSyntaxError as error:
        first = error.problems[0]
        raise PlaceFileError(
            f"le fichier ne se lit pas (ligne {first.line} : {first.message}) : corrigez-le d'abord (portal check)"
        ) from None


@dataclass
class Upsert:
    """What importing into one file does: the new text, and which contacts are added or changed."""

    text: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def contact_key(contact: LocalContact) -> tuple[str, str]:
    return (contact.acteur, contact.nom)


def render_contact(contact: LocalContact, indent: int = 2) -> list[str]:
    """The YAML lines of one contact, as a list item: acteur first, then the keys in the model's order."""
    data = contact.model_dump(exclude_none=True, exclude_defaults=False)
    data["source"] = contact.source.model_dump(exclude_none=True, exclude_defaults=True)  # no « primaire: false »
    return render_contact_data(data, indent)


def render_contact_data(data: dict, indent: int = 2) -> list[str]:
    """The YAML lines of a contact given as plain values (a form's, not yet validated: the check that reads the
    file says what is wrong, at its line), in the model's order; empty values are left out."""
    order = ["acteur", *LocalContact.model_fields]
    ordered = {key: data[key] for key in sorted(data, key=lambda k: order.index(k) if k in order else len(order))}
    lines = []
    for key, value in ordered.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        prefix = " " * indent + ("  " if lines else "- ")
        if isinstance(value, dict):
            lines.append(f"{prefix}{key}:")
            lines += [f"{' ' * (indent + 4)}{k}: {_scalar(k, v)}" for k, v in value.items() if v not in (None, "")]
        else:
            lines.append(f"{prefix}{key}: {_scalar(key, value)}")
    return [line + "\n" for line in lines]


_ID = re.compile(ID_PATTERN)


def _scalar(key: str, value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(v if _ID.match(v) else json.dumps(v, ensure_ascii=False) for v in value) + "]"
    if key in _PLAIN_KEYS and _ID.match(str(value)):
        return str(value)
    # A JSON string is a valid YAML double-quoted scalar (same escapes), readable with ensure_ascii=False; YAML
    # reads three more characters as line breaks, which must stay escaped.
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")


def new_file_text(kind: str, code: str, contacts: list[LocalContact], today: date) -> str:
    """A new territoire or région file, in the style of the existing ones."""
    _model, code_key, schema_file = KINDS[kind]
    lines = [
        MODELINE.format(f"../../schemas/{schema_file}") + "\n",
        f"{code_key}: {json.dumps(code)}\n",
        f"mis_a_jour: {today.isoformat()}\n",
        f"responsable: {json.dumps(RESPONSABLE, ensure_ascii=False)}\n",
        "contacts:\n",
    ]
    for contact in contacts:
        lines += render_contact(contact)
    return "".join(lines)


def upsert_contacts(
    kind: str, code: str, text: str | None, imported: list[tuple[LocalContact, frozenset]], today: date
) -> Upsert:
    """Put `imported` contacts (each with the keys its row gave) into the file `text` (None: a new file).

    A key the row did not give (a column absent from the spreadsheet) keeps the existing contact's value.
    """
    if text is None:
        contacts = [contact for contact, _ in imported]
        return _checked(kind, Upsert(new_file_text(kind, code, contacts, today), added=[c.nom for c in contacts]))
    layout = _layout(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    replaced: dict[int, list[str]] = {}
    appended: list[str] = []
    result = Upsert(text)
    position = {contact_key(contact): index for index, contact in enumerate(layout.contacts)}
    renamed = _renamed(layout.contacts, [contact for contact, _ in imported], position)
    for contact, given in imported:
        index = position.get(contact_key(contact))
        if index is None and contact.acteur in renamed:
            index, given = renamed[contact.acteur], given | {"nom"}
        if index is None:
            appended += render_contact(contact, layout.indent)
            result.added.append(contact.nom)
            continue
        merged = _merge(layout.contacts[index], contact, given)
        if merged == layout.contacts[index]:
            result.unchanged.append(contact.nom)
        else:
            replaced[index] = render_contact(merged, layout.indent)
            result.changed.append(contact.nom)
    if not replaced and not appended:
        return result
    for index in sorted(replaced, reverse=True):  # from the end: earlier line numbers stay right
        start, end = layout.spans[index]
        lines[start:end] = replaced[index]
    insert_at = layout.insert_at
    if layout.empty_list_line is not None:
        lines[layout.empty_list_line] = "contacts:\n"
    elif insert_at is None:
        lines.append("contacts:\n")
        insert_at = len(lines)
    else:  # after the last contact, which a replaced contact may have moved
        insert_at += sum(len(new) - (layout.spans[i][1] - layout.spans[i][0]) for i, new in replaced.items())
    lines[insert_at:insert_at] = appended
    result.text = "".join(lines)
    return _checked(kind, result)


def _renamed(existing: list[LocalContact], imported: list[LocalContact], position: dict) -> dict[str, int]:
    """Acteur -> the index of the file's only contact of that acteur, which the import's only contact of that
    acteur replaces although its name differs."""
    count = lambda contacts, acteur: sum(1 for c in contacts if c.acteur == acteur)  # noqa: E731
    return {
        contact.acteur: next(i for i, c in enumerate(existing) if c.acteur == contact.acteur)
        for contact in imported
        if contact_key(contact) not in position
        and count(imported, contact.acteur) == 1
        and count(existing, contact.acteur) == 1
    }


def _merge(existing: LocalContact, imported: LocalContact, given: frozenset) -> LocalContact:
    data = existing.model_dump()
    data.update({key: value for key, value in imported.model_dump().items() if key in given and key != "id"})
    if data["nom"] != existing.nom:  # renamed: the published id stays the one of the old name
        data["id"] = existing.stable_id
    if "statut" not in given and data != existing.model_dump():
        data["statut"] = imported.statut  # new values that nobody has checked yet: « a-verifier »
    return LocalContact.model_validate(data)


@dataclass
class _Layout:
    """Where the contacts of an existing file are."""

    contacts: list[LocalContact]
    spans: list[tuple[int, int]]  # per contact: its first line and the line after its last
    indent: int  # column of the « - » of each contact
    insert_at: int | None  # the line where a new contact goes; None: the file has no `contacts:` key
    empty_list_line: int | None = None  # the line of `contacts: []`, rewritten as `contacts:`


def _layout(text: str) -> _Layout:
    layout = _layout_spans(text)
    if layout.spans:
        layout.contacts = [LocalContact.model_validate(item) for item in _read(text)["contacts"]]
    return layout


def _end_line(node: yaml.Node, text: str) -> int:
    """The line after the last value of `node`, blank lines excluded (comments after it stay in place)."""
    end = max(_scalar_ends(node))
    lines = text.splitlines()
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    return end


def _scalar_ends(node: yaml.Node) -> list[int]:
    if isinstance(node, yaml.ScalarNode):
        return [node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1]
    children = [part for child in node.value for part in (child if isinstance(child, tuple) else (child,))]
    return [end for child in children for end in _scalar_ends(child)]


def _checked(kind: str, result: Upsert) -> Upsert:
    """The written text must read back as a valid file: a bug here must never reach the content."""
    model = KINDS[kind][0]
    model.model_validate(_read(result.text))
    return result


def place_contacts(text: str | None) -> list[dict]:
    """The contacts of a territoire or région file as plain data (the file read as YAML, not validated)."""
    data = _read(text) if text else None
    contacts = data.get("contacts") if isinstance(data, dict) else None
    return [item for item in contacts or [] if isinstance(item, dict)]


def replace_contact(
    kind: str, code: str, text: str | None, index: int | None, lines: list[str] | None, today: date
) -> str:
    """The file `text` with contact number `index` replaced by `lines` (from render_contact_data), removed (`lines`
    None), or `lines` added after the others (`index` None). Every other line stays as written. Not validated:
    the caller checks the result as `portal check` does."""
    if text is None:
        if lines is None:
            raise PlaceFileError("le fichier n'existe pas : rien à retirer")
        return new_file_text(kind, code, [], today) + "".join(lines)
    layout = _layout_spans(text)
    file_lines = text.splitlines(keepends=True)
    if file_lines and not file_lines[-1].endswith("\n"):
        file_lines[-1] += "\n"
    if index is not None:
        if not 0 <= index < len(layout.spans):
            raise PlaceFileError("ce contact n'est plus dans le fichier")
        start, end = layout.spans[index]
        file_lines[start:end] = _indented(lines or [], layout.indent)
        if lines is None and len(layout.spans) == 1:  # the last contact gone: an empty list, not a null
            key_line = start - 1
            while key_line > 0 and not file_lines[key_line].startswith("contacts:"):
                key_line -= 1
            file_lines[key_line] = "contacts: []\n"
        return "".join(file_lines)
    if lines is None:
        raise PlaceFileError("aucun contact à retirer")
    added = _indented(lines, layout.indent)
    if layout.empty_list_line is not None:
        file_lines[layout.empty_list_line] = "contacts:\n"
        file_lines[layout.insert_at : layout.insert_at] = added
    elif layout.insert_at is None:
        file_lines += ["contacts:\n", *added]
    else:
        file_lines[layout.insert_at : layout.insert_at] = added
    return "".join(file_lines)


def _indented(lines: list[str], indent: int) -> list[str]:
    # render_contact_data writes for an indent of 2: move each line to the file's own indent.
    shift = indent - 2
    return [(" " * shift + line) if shift >= 0 else line[-shift:] for line in lines]


def _layout_spans(text: str) -> _Layout:
    """Where the contacts of `text` are, read from the YAML nodes only (no validation: a file with an invalid
    contact can still be edited from the form, whose check then says what is wrong)."""
    root = _read(text, compose=True)
    node = next((value for key, value in (root.value if root else []) if key.value == "contacts"), None)
    if node is None:
        return _Layout([], [], 2, None)
    if not isinstance(node, yaml.SequenceNode) or (node.flow_style and node.value):
        raise PlaceFileError(
            "la liste « contacts » n'est pas écrite un contact par élément « - » : réécrivez-la ainsi pour que "
            "l'import puisse la compléter"
        )
    if not node.value:  # `contacts: []`
        line = node.start_mark.line
        if text.splitlines()[line].strip() != "contacts: []":
            raise PlaceFileError("la ligne « contacts » a une forme inattendue : écrivez « contacts: » seul")
        return _Layout([], [], 2, line + 1, empty_list_line=line)
    spans = [(item.start_mark.line, _end_line(item, text)) for item in node.value]
    return _Layout([], spans, node.value[0].start_mark.column - 2, spans[-1][1])
