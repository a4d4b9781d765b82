import datetime
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from openpyxl import Workbook, load_workbook

from imports.files import open_spreadsheet
from imports.values import parse_amount
from imports.workbooks import SheetSpec, write_ods, write_xlsx

STATUS_WORDS = ["geplant", "in Umsetzung", "abgeschlossen", "zurückgestellt", "verworfen"]
SOFFICE = shutil.which("soffice")
UNITS = [f"FB {n} – Fachbereich mit einem langen Namen, Teil {n}" for n in range(1, 30)]


def template():
    return SheetSpec(
        name="Maßnahmen",
        headers=["Nr", "Titel", "Status", "Federführender FB", "Budget", "Start", "Anzahl"],
        rows=[
            ["2.3", "Online-Dienste\nfür alle  Ämter", "geplant", UNITS[0], Decimal("1250000.50"),
             datetime.date(2025, 3, 1), 3],
            ["2.4", "=HYPERLINK(\"http://example.org\")", None, None, Decimal("0.10"), None, None],
        ],
        choices={"Status": STATUS_WORDS, "Federführender FB": UNITS},
        notes={"Start": "Datum als TT.MM.JJJJ"},
    )  # fmt: skip


@pytest.fixture(params=["xlsx", "ods"])
def written(request, tmp_path):
    writer = {"xlsx": write_xlsx, "ods": write_ods}[request.param]
    path = tmp_path / f"vorlage.{request.param}"
    path.write_bytes(writer([template(), SheetSpec("Leer", ["A", "B"], [])]))
    return path


def test_a_written_template_reads_back_with_the_same_headers_and_values(written):
    sheets = open_spreadsheet(written)
    assert [sheet.name for sheet in sheets] == ["Maßnahmen", "Leer"]
    measures = sheets[0]
    assert measures.headers == template().headers
    rows = [row.values for row in measures.rows()]
    assert len(rows) == 2
    expected = template().rows
    for row, wanted in zip(rows, expected, strict=True):
        assert row[:4] == wanted[:4]
        assert parse_amount(row[4]) == wanted[4]
        assert row[5:] == wanted[5:]
    assert isinstance(rows[0][5], datetime.date)
    assert list(sheets[1].rows()) == []


def test_xlsx_templates_have_drop_downs_bold_frozen_headers_and_german_formats(tmp_path):
    workbook = load_workbook(io.BytesIO(write_xlsx([template()])))
    assert workbook.sheetnames == ["Maßnahmen", "Listen"]
    assert workbook["Listen"].sheet_state == "hidden"
    sheet = workbook["Maßnahmen"]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["C2:C1000"].type == "list"
    assert validations["C2:C1000"].formula1 == '"' + ",".join(STATUS_WORDS) + '"'
    assert validations["D2:D1000"].formula1 == f"'Listen'!$A$1:$A${len(UNITS)}"
    assert [c.value for c in workbook["Listen"]["A"]] == UNITS
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["F2"].number_format == "DD.MM.YYYY"
    assert sheet["E2"].number_format == "#,##0.00"
    assert sheet["F1"].comment.text == "Datum als TT.MM.JJJJ"
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    sheet = load_workbook(io.BytesIO(write_xlsx([template()])))["Maßnahmen"]
    assert sheet["B3"].data_type == "s"
    assert sheet["B3"].value == '=HYPERLINK("http://example.org")'


def ods_content(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("content.xml").decode()


def test_ods_file_is_a_valid_opendocument_package():
    data = write_ods([template()])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        for part in ["META-INF/manifest.xml", "content.xml", "styles.xml", "settings.xml"]:
            ET.fromstring(archive.read(part))  # well-formed XML
    assert data[30:38] == b"mimetype"  # the name sits right after the first local header


def test_ods_templates_carry_the_drop_down_lists_as_validations():
    content = ods_content(write_ods([template()]))
    assert 'table:condition="of:cell-content-is-in-list(&quot;geplant&quot;;' in content
    assert "&quot;verworfen&quot;)" in content
    assert 'table:base-cell-address="Maßnahmen.C2"' in content
    assert 'table:display-list="unsorted"' in content
    root = ET.fromstring(content)
    table_ns = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    cells = [
        cell.get(f"{table_ns}content-validation-name")
        for cell in root.iter(f"{table_ns}table-cell")
    ]
    assert cells.count("val1") == 3  # two data rows, and one row repeated down to row 1000
    repeated = [
        row.get(f"{table_ns}number-rows-repeated") for row in root.iter(f"{table_ns}table-row")
    ]
    assert "997" in repeated


def test_ods_dates_and_amounts_are_typed_values_with_german_display():
    content = ods_content(write_ods([template()]))
    assert 'office:value-type="date" office:date-value="2025-03-01"><text:p>01.03.2025' in content
    assert 'office:value="1250000.50"><text:p>1.250.000,50</text:p>' in content
    assert "<office:annotation><text:p>Datum als TT.MM.JJJJ</text:p></office:annotation>" in content


def test_long_ods_lists_sit_on_a_hidden_sheet_the_reader_leaves_out(tmp_path):
    content = ods_content(write_ods([template()]))
    assert 'table:condition="of:cell-content-is-in-list([$Listen.$A$1:.$A$29])"' in content
    assert '<style:table-properties table:display="false"/>' in content
    assert '<table:table table:name="Listen" table:style-name="ta_hidden">' in content
    path = tmp_path / "vorlage.ods"
    path.write_bytes(write_ods([template()]))
    assert [sheet.name for sheet in open_spreadsheet(path)] == ["Maßnahmen"]


def test_sheet_names_excel_refuses_are_made_safe(tmp_path):
    spec = SheetSpec("Ziele 2025/2026: Übersicht der Maßnahmen", ["A", "B"], [["1", "2"]])
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_xlsx([spec]))
    [sheet] = open_spreadsheet(path)
    assert sheet.name == "Ziele 2025-2026- Übersicht der"


def convert_with_libreoffice(path, target, tmp_path):
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", target, "--outdir", str(tmp_path / "out"), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return tmp_path / "out" / f"{path.stem}.{target}"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_our_ods_with_values_formats_and_drop_downs(tmp_path):
    path = tmp_path / "vorlage.ods"
    path.write_bytes(write_ods([template()]))
    converted = load_workbook(convert_with_libreoffice(path, "xlsx", tmp_path))
    sheet = converted["Maßnahmen"]
    assert [c.value for c in sheet[1]] == template().headers
    assert sheet["A1"].font.bold
    assert (sheet["E2"].value, sheet["E2"].number_format) == (1250000.5, "#,##0.00")
    assert sheet["F2"].value == datetime.datetime(2025, 3, 1)
    assert sheet["F2"].number_format.lower().replace("\\", "") == "dd.mm.yyyy"
    assert sheet["F1"].comment.text.strip() == "Datum als TT.MM.JJJJ"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["C2:C1000"].formula1 == '"' + ",".join(STATUS_WORDS) + '"'
    assert validations["D2:D1000"].formula1.replace("$", "").replace("'", "") == "Listen!A1:A29"
    assert converted["Listen"].sheet_state == "hidden"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_an_ods_saved_by_libreoffice_reads_like_the_xlsx_it_came_from(tmp_path):
    path = tmp_path / "vorlage.xlsx"
    path.write_bytes(write_xlsx([template()]))
    from_xlsx = open_spreadsheet(path)
    from_ods = open_spreadsheet(convert_with_libreoffice(path, "ods", tmp_path))
    assert [s.name for s in from_ods] == [s.name for s in from_xlsx] == ["Maßnahmen"]
    assert from_ods[0].headers == from_xlsx[0].headers
    assert [r.values for r in from_ods[0].rows()] == [r.values for r in from_xlsx[0].rows()]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_ods_with_title_merged_cells_and_footnotes_reads_like_its_xlsx(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Maßnahmen"
    for row in [
        ["Maßnahmenliste Stand 1.3.2025"],
        [],
        ["Handlungsfeld", "Titel", "Fortschritt", "Ende"],
        ["HF 1", "Portal", 0.4, datetime.date(2026, 12, 31)],
        [None, "E-Akte", 1, None],
        ["HF 2", "WLAN", 20, None],
        [],
        ["¹ Stand der Meldungen der Fachbereiche"],
    ]:
        sheet.append(row)
    sheet["C4"].number_format = sheet["C5"].number_format = "0%"
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("A8:D8")
    path = tmp_path / "liste.xlsx"
    workbook.save(path)
    expected = [
        (4, ["HF 1", "Portal", 0.4, datetime.date(2026, 12, 31)]),
        (5, ["HF 1", "E-Akte", 1.0, None]),
        (6, ["HF 2", "WLAN", 20, None]),
    ]
    for sheet in open_spreadsheet(path) + open_spreadsheet(
        convert_with_libreoffice(path, "ods", tmp_path)
    ):
        assert (sheet.header_row, sheet.headers[0]) == (3, "Handlungsfeld")
        assert [(row.number, row.values) for row in sheet.rows()] == expected
        assert sheet.footnotes == ["¹ Stand der Meldungen der Fachbereiche"]
