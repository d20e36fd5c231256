"""Import a spreadsheet of contacts into the territoire and région files: check every row, then show or write.

Nothing is written while one row has an error. The plan says, file by file, what the import would change.
"""

import difflib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from portal.annuaire_administration import COLUMNS as ANNUAIRE_COLUMNS
from portal.annuaire_administration import annuaire_rows, is_annuaire
from portal.atomic import write_atomically
from portal.catalog import Catalog
from portal.contact_rows import RowProblem, RowReader, map_header, missing_columns, rows_of
from portal.diagnostics import relative
from portal.place_files import PlaceFileError, upsert_contacts
from portal.places import Departement
from portal.spreadsheet import read_table


@dataclass
class FileChange:
    """One territoire or région file the import creates or changes."""

    path: Path
    shown: str  # the path as the editor reads it: content/territoires/56.yaml
    old: str | None  # None: a new file
    new: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def diff(self) -> str:
        """The unified diff of the change, with relative paths."""
        old = (self.old or "").splitlines(keepends=True)
        lines = difflib.unified_diff(
            old, self.new.splitlines(keepends=True), "/dev/null" if self.old is None else self.shown, self.shown
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass
class ImportPlan:
    """What importing a file does: its problems, and the changes to write when it has no error."""

    problems: list[RowProblem]
    changes: list[FileChange] = field(default_factory=list)
    contacts: int = 0  # rows read as contacts
    unchanged: int = 0

    @property
    def errors(self) -> list[RowProblem]:
        return [problem for problem in self.problems if problem.severity == "erreur"]


def plan_import(
    path: Path,
    content_dir: Path,
    catalog: Catalog,
    departements: dict[str, Departement],
    vu_le: date | None = None,
    today: date | None = None,
) -> ImportPlan:
    """Read `path` (CSV, XLSX, or the official Annuaire de l'administration CSV) and plan the changes of
    content_dir/territoires and content_dir/regions. Raises SpreadsheetError for a file that is not a table."""
    table = read_table(path)
    if is_annuaire(table.header):
        rows, problems = annuaire_rows(table, departements)
        columns = set(ANNUAIRE_COLUMNS)
    else:
        indexes, labels, problems = map_header(table.header)
        columns = set(indexes)
        problems += missing_columns(columns, vu_le)
        if any(problem.severity == "erreur" for problem in problems):
            return ImportPlan(problems)
        rows = rows_of(table, indexes, labels)
    contacts, row_problems = RowReader(catalog, departements, vu_le).read(rows, columns)
    plan = ImportPlan(problems + row_problems, contacts=len(contacts))
    if plan.errors:
        return plan
    by_file: dict[tuple[str, str], list] = {}
    for imported in contacts:
        by_file.setdefault((imported.kind, imported.code), []).append((imported.contact, imported.given))
    for (kind, code), items in sorted(by_file.items()):
        file = content_dir / kind / f"{code}.yaml"
        old = file.read_text(encoding="utf-8") if file.exists() else None
        try:
            result = upsert_contacts(kind, code, old, items, today or date.today())
        except PlaceFileError as error:
            plan.problems.append(RowProblem(None, None, f"{relative(file, content_dir.parent)} : {error}"))
            continue
        plan.unchanged += len(result.unchanged)
        if result.text != old:
            shown = relative(file, content_dir.parent)
            plan.changes.append(FileChange(file, shown, old, result.text, result.added, result.changed))
    if plan.errors:
        plan.changes = []
    return plan


def write_changes(plan: ImportPlan) -> None:
    """Write every planned file (UTF-8, the folder made if needed)."""
    for change in plan.changes:
        write_atomically(change.path, change.new)
