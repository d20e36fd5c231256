"""Read an editor's spreadsheet (CSV or XLSX) into rows of text cells, and write one as CSV for a spreadsheet."""

import csv
import io
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

_DELIMITERS = (";", ",", "\t")


class SpreadsheetError(Exception):
    """A file that cannot be read as a table; the message is French and says what to do."""


@dataclass(frozen=True)
class Table:
    """A header and the rows under it; `numbers[i]` is the row number the editor sees for `rows[i]`."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]


def read_table(path: Path) -> Table:
    """The first sheet of an XLSX file, or a CSV file (separator `;`, `,` or tab; UTF-8 with or without BOM,
    else Windows-1252). Every cell becomes text: a date as AAAA-MM-JJ, a whole number without « .0 »."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):  # a zip: XLSX, whatever its file name says
        return _read_xlsx(data)
    if path.suffix.lower() in {".xls", ".ods", ".numbers"}:
        raise SpreadsheetError(
            f"le format « {path.suffix} » n'est pas lu : enregistrez le tableur au format .xlsx ou .csv"
        )
    return _read_csv(_decode(data))


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # what Excel writes for « CSV » on a French Windows


def _read_csv(text: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    records = [
        [cell.strip() for cell in record] for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]
    if not records:
        raise SpreadsheetError("le fichier est vide : la première ligne doit nommer les colonnes")
    # Rows are numbered as a spreadsheet shows them (a quoted cell may span lines): the header is row 1.
    return Table(records[0], records[1:], list(range(2, len(records) + 1)))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns (in English) about styles and extensions it skips
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged or password-protected file: openpyxl raises many kinds
        raise SpreadsheetError(f"le fichier n'est pas un classeur XLSX lisible ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        cells = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not cells:
        raise SpreadsheetError("la première feuille est vide : sa première ligne doit nommer les colonnes")
    return Table(cells[0], cells[1:], list(range(2, len(cells) + 1)))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """A `;`-separated CSV in UTF-8 with a BOM: what a French spreadsheet opens without asking."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
