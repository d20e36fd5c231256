"""Spreadsheets an editor imports: ODS read, limits said in French, encodings named, formulas never run."""

import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

from portal import spreadsheet
from portal.catalog import load_catalog
from portal.cli import main
from portal.spreadsheet import SpreadsheetError, csv_bytes, read_table

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["Département", "Acteur", "Nom", "Téléphone", "Source", "Source URL", "Vu le"]
ROW = [
    "56",
    "cap-emploi",
    "Cap emploi 56, antenne d'Auray",
    "02 97 00 00 00",
    "capemploi56",
    "https://cap.fr",
    "2026-11-20",
]


@pytest.fixture
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", folder)
    return folder


def run(content: Path, *args: str):
    return CliRunner().invoke(main, list(args), env={"PORTAL_CONTENT_DIR": str(content)})


def write_ods(path: Path, rows: list[list[str]]) -> Path:
    """An OpenDocument spreadsheet as LibreOffice writes one: a zip of a mimetype, a manifest and content.xml."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p></table:table-cell>'
            for cell in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f'<office:body><office:spreadsheet><table:table table:name="Contacts">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_an_ods_spreadsheet_is_imported(content, tmp_path):
    sheet = write_ods(tmp_path / "contacts.ods", [HEADER, ROW])
    result = run(content, "contacts", "importer", str(sheet), "--ecrire")
    assert result.exit_code == 0, result.output
    names = [contact.nom for contact in load_catalog(content).territoires["56"].contacts]
    assert "Cap emploi 56, antenne d'Auray" in names


def test_a_cell_that_a_spreadsheet_would_run_is_refused_on_import(content, tmp_path):
    sheet = write_ods(
        tmp_path / "contacts.ods", [HEADER, [*ROW[:2], '=HYPERLINK("https://x.example","Cap")', *ROW[3:]]]
    )
    before = sorted(path.read_bytes() for path in content.rglob("*.yaml"))
    result = run(content, "contacts", "importer", str(sheet), "--ecrire")
    assert result.exit_code == 1
    assert "ligne 2, colonne « Nom » : la cellule « =HYPERLINK(" in result.output
    assert "commence comme une formule de tableur" in result.output
    assert sorted(path.read_bytes() for path in content.rglob("*.yaml")) == before


def test_a_formula_written_in_a_territory_file_fails_the_check_at_its_line(content):
    path = content / "territoires" / "56.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    nom: Cap emploi du Morbihan" in text
    path.write_text(text.replace("nom: Cap emploi du Morbihan", "nom: '=HYPERLINK(\"https://x.example\")'"), "utf-8")
    result = run(content, "check")
    assert result.exit_code == 1
    assert "territoires/56.yaml:" in result.output
    assert "commence comme une formule de tableur" in result.output


def test_the_export_writes_formula_like_cells_as_text_and_keeps_phone_numbers():
    data = csv_bytes(["nom", "telephone"], [['=HYPERLINK("x")', "+33 2 97 00 00 00"], ["@SUM(A1)", "-2"]])
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[1] == '\'=HYPERLINK(""x"");+33 2 97 00 00 00' or lines[1].startswith("\"'=HYPERLINK(")
    assert lines[2] == "'@SUM(A1);-2"


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("MAX_BYTES", 100, "permis : importez un fichier par département ou par région"),
        ("MAX_UNZIPPED", 100, "le classeur se décompresse en"),
        ("MAX_ROWS", 1, "le tableau a plus de 1 lignes"),
        ("MAX_CELLS", 10, "cellules, plus que les 10 permises"),
    ],
)
def test_a_spreadsheet_too_large_is_refused_in_french(tmp_path, monkeypatch, limit, value, message):
    monkeypatch.setattr(spreadsheet, limit, value)
    sheet = write_ods(tmp_path / "contacts.ods", [HEADER, ROW, ROW])
    with pytest.raises(SpreadsheetError, match=message):
        read_table(sheet)


def test_encodings_are_read_or_named(tmp_path):
    text = ";".join(HEADER) + "\r\n" + ";".join(ROW) + "\r\n"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert read_table(utf16).rows[0][2] == "Cap emploi 56, antenne d'Auray"
    cp1252 = tmp_path / "windows.csv"
    cp1252.write_bytes(text.encode("cp1252"))
    assert read_table(cp1252).header[0] == "Département"
    bare = tmp_path / "sans-bom.csv"
    bare.write_bytes(text.encode("utf-16-le"))
    with pytest.raises(SpreadsheetError, match="UTF-16 sans marque d'encodage"):
        read_table(bare)


def test_a_protected_or_damaged_workbook_is_refused_in_french(tmp_path):
    protected = tmp_path / "protege.xlsx"
    protected.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)  # what Excel writes with a password
    with pytest.raises(SpreadsheetError, match="protégé par un mot de passe"):
        read_table(protected)
    damaged = tmp_path / "abime.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(SpreadsheetError, match="endommagé|lisible"):
        read_table(damaged)
