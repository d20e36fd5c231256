"""Read an editor's spreadsheet (CSV, XLSX, ODS or XLS) into rows of text cells, and write one as CSV.

Spreadsheets are read by `python-calamine` (the Rust library calamine): it reads XLSX, ODS (the format the
Référentiel général d'interopérabilité recommends) and XLS in little memory. A file is refused, with a French
sentence, before it is parsed when it is too large or unzips to too much, and after when it has too many rows or
cells. A cell a spreadsheet would run as a formula (« =HYPERLINK(…) ») is refused on import and written as text
on export.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

_DELIMITERS = (";", ",", "\t")
MAX_BYTES = 5_000_000  # a département's contacts fit in a few hundred kilobytes
MAX_UNZIPPED = 50_000_000  # an XLSX or ODS is a zip: what it unzips to, checked before reading it
MAX_ROWS = 5_000
MAX_CELLS = 200_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an XLS file, or an XLSX protected by a password

# What a spreadsheet runs as a formula: « = » or « @ » first, or « + » / « - » before anything but a number.
_FORMULA = re.compile(r"^\s*(?:[=@]|[+-](?![0-9 .()/]*$))")
_NUMBER_OR_PHONE = re.compile(r"^[+-]?[0-9][0-9 .()/]*$")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run `text` as a formula (« =HYPERLINK(…) », « +cmd| », « @SUM(…) »)."""
    return bool(text) and bool(_FORMULA.match(text)) and not _NUMBER_OR_PHONE.match(text.strip())


def as_text_cell(text: str) -> str:
    """The cell as text a spreadsheet shows and never runs: a formula-like cell gets a leading apostrophe."""
    if text[:1] in ("\t", "\r") or looks_like_formula(text):
        return "'" + text
    return text


class SpreadsheetError(Exception):
    """A file that cannot be read as a table; the message is French and says what to do."""


@dataclass(frozen=True)
class Table:
    """A header and the rows under it; `numbers[i]` is the row number the editor sees for `rows[i]`."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]


def read_table(path: Path) -> Table:
    """The first sheet of an XLSX, ODS or XLS file, or a CSV file (separator `;`, `,` or tab; UTF-8 or UTF-16
    with their BOM, UTF-8, else Windows-1252). Every cell becomes text: a date as AAAA-MM-JJ, a whole number
    without « .0 »."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SpreadsheetError(
            f"le fichier fait {size / 1e6:.1f} Mo, plus que les {MAX_BYTES / 1e6:.0f} Mo permis : "
            "importez un fichier par département ou par région"
        )
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):  # a zip: XLSX or ODS, whatever its file name says
        _check_unzipped_size(data)
        return _read_workbook(data)
    if data.startswith(_OLE):
        return _read_workbook(data, protected_or_xls=True)
    if path.suffix.lower() == ".numbers":
        raise SpreadsheetError("le format .numbers n'est pas lu : exportez le tableau en .ods, .xlsx ou .csv")
    return _read_csv(_decode(data))


def _check_unzipped_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise SpreadsheetError("le classeur est endommagé (archive illisible) : enregistrez-le à nouveau") from error
    if unzipped > MAX_UNZIPPED:
        raise SpreadsheetError(
            f"le classeur se décompresse en {unzipped / 1e6:.0f} Mo, plus que les {MAX_UNZIPPED / 1e6:.0f} Mo "
            "permis : gardez une seule feuille, sans images, et les seules colonnes des contacts"
        )


_ENCODINGS = {
    b"\xef\xbb\xbf": "utf-8-sig",
    b"\xff\xfe": "utf-16-le",
    b"\xfe\xff": "utf-16-be",
}


def _decode(data: bytes) -> str:
    """The CSV's text: UTF-8 or UTF-16 when a BOM says so, else UTF-8, else Windows-1252 (what Excel writes for
    « CSV » on a French Windows)."""
    for bom, encoding in _ENCODINGS.items():
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError as error:
                raise SpreadsheetError(
                    f"le fichier annonce l'encodage {encoding.upper()} mais ne le respecte pas "
                    f"(octet {error.start}) : enregistrez-le en « CSV UTF-8 »"
                ) from error
    if b"\x00" in data[:1000]:
        raise SpreadsheetError(
            "le fichier semble en UTF-16 sans marque d'encodage : enregistrez-le en « CSV UTF-8 » ou en .ods / .xlsx"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(text: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    records = [
        [cell.strip() for cell in record] for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]
    if not records:
        raise SpreadsheetError("le fichier est vide : la première ligne doit nommer les colonnes")
    # Rows are numbered as a spreadsheet shows them (a quoted cell may span lines): the header is row 1.
    _check_shape(len(records), sum(len(record) for record in records))
    return Table(records[0], records[1:], list(range(2, len(records) + 1)))


def _check_shape(rows: int, cells: int) -> None:
    """Refuse a table of more than MAX_ROWS rows (besides the header) or MAX_CELLS cells, in French."""
    if rows > MAX_ROWS + 1:
        raise SpreadsheetError(
            f"le tableau a plus de {MAX_ROWS} lignes : importez un fichier par département ou par région"
        )
    if cells > MAX_CELLS:
        raise SpreadsheetError(
            f"le tableau a {cells} cellules, plus que les {MAX_CELLS} permises : "
            "gardez les seules colonnes des contacts"
        )


def _read_workbook(data: bytes, protected_or_xls: bool = False) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        height, width = sheet.height, sheet.width
        if height <= MAX_ROWS + 1 and height * width <= MAX_CELLS:
            records = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS + 2)
    except Exception as error:  # calamine raises its own kinds for damaged, protected or unknown files
        if protected_or_xls:
            raise SpreadsheetError(
                "le classeur est protégé par un mot de passe, ou dans un format ancien illisible : "
                "enregistrez-le sans mot de passe, au format .ods, .xlsx ou .csv"
            ) from error
        raise SpreadsheetError(
            "le fichier n'est pas un classeur lisible (ODS ou XLSX) : ouvrez-le dans votre tableur et "
            "enregistrez-le à nouveau au format .ods, .xlsx ou .csv"
        ) from error
    if height > MAX_ROWS + 1 or height * width > MAX_CELLS:
        _check_shape(height, height * width)  # refused before reading, with the same sentence as a CSV's
    cells = [[_cell_text(value) for value in row] for row in records]
    while cells and not any(cells[-1]):
        cells.pop()
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
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """A `;`-separated CSV in UTF-8 with a BOM: what a French spreadsheet opens without asking."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([as_text_cell(cell) for cell in header])
    writer.writerows([as_text_cell(cell) for cell in row] for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
