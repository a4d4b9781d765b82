import datetime
import time
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from imports.files import ImportFileError, open_spreadsheet

ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    "<office:body><office:spreadsheet>"
)
ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def write_ods(path, tables):
    """A minimal .ods as LibreOffice writes it; `tables` maps a name to its rows' XML."""
    body = "".join(
        f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in tables.items()
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", ODS_HEAD + body + ODS_TAIL)
    return path


def cell(text, attrs='office:value-type="string"', inner=None):
    return f"<table:table-cell {attrs}>{inner or f'<text:p>{text}</text:p>'}</table:table-cell>"


def empty(count):
    return f'<table:table-cell table:number-columns-repeated="{count}"/>'


def row(*cells, repeat=1):
    return (
        f'<table:table-row table:number-rows-repeated="{repeat}">{"".join(cells)}</table:table-row>'
    )


def xlsx(path, rows, title="Maßnahmen", merges=()):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def values(sheet):
    return [row.values for row in sheet.rows()]


def test_xlsx_rows_come_with_native_values_and_their_real_row_numbers(tmp_path):
    path = xlsx(
        tmp_path / "m.xlsx",
        [
            ["Nr", "Titel", "Budget", "Start", "Erledigt"],
            ["1.1", "  Online-Dienste  ", 1250000.5, datetime.date(2025, 3, 1), True],
            [None, "Portal", 12, datetime.datetime(2025, 3, 1, 14, 30), None],
        ],
    )
    [sheet] = open_spreadsheet(path)
    assert (sheet.name, sheet.header_row) == ("Maßnahmen", 1)
    assert sheet.headers == ["Nr", "Titel", "Budget", "Start", "Erledigt"]
    rows = list(sheet.rows())
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].values == ["1.1", "Online-Dienste", 1250000.5, datetime.date(2025, 3, 1), True]
    assert rows[1].values == [None, "Portal", 12, datetime.datetime(2025, 3, 1, 14, 30), None]


def test_header_under_a_title_is_found_and_empty_rows_are_skipped(tmp_path):
    path = xlsx(
        tmp_path / "m.xlsx",
        [
            ["Maßnahmenliste Stand 1.3.2025"],
            [],
            ["Nr", "Titel", None, "Budget"],
            ["1", "A", "x", 5, "beyond the last header"],
            [],
            ["2", "B"],
        ],
    )
    [sheet] = open_spreadsheet(path)
    assert sheet.header_row == 3
    assert sheet.headers == ["Nr", "Titel", "", "Budget"]
    assert [(row.number, row.values) for row in sheet.rows()] == [
        (4, ["1", "A", "x", 5]),
        (6, ["2", "B", None, None]),
    ]


def test_rows_can_be_read_twice(tmp_path):
    [sheet] = open_spreadsheet(xlsx(tmp_path / "m.xlsx", [["A", "B"], [1, 2]]))
    assert values(sheet) == values(sheet) == [[1, 2]]


def test_sheet_without_a_text_header_row_has_no_headers(tmp_path):
    [sheet] = open_spreadsheet(xlsx(tmp_path / "m.xlsx", [[1, 2], ["Nur ein Titel"], [3, 4]]))
    assert sheet.headers == []
    assert list(sheet.rows()) == []


def test_sheet_with_only_headers_has_no_rows(tmp_path):
    [sheet] = open_spreadsheet(xlsx(tmp_path / "m.xlsx", [["Titel", "Budget"]]))
    assert sheet.headers == ["Titel", "Budget"]
    assert list(sheet.rows()) == []


def test_footnote_rows_after_the_data_are_collected_not_yielded(tmp_path):
    path = xlsx(
        tmp_path / "m.xlsx",
        [
            ["Nr", "Titel", "Budget"],
            ["1", "A", 5],
            ["Quelle: eigene Erhebung"],
            ["2", "B", 6],
            [],
            ["Alle Beträge in Euro"],
            ["* geschätzt"],
            ["und gerundet"],
        ],
    )
    [sheet] = open_spreadsheet(path)
    rows = values(sheet)
    assert rows == [["1", "A", 5], ["Quelle: eigene Erhebung", None, None], ["2", "B", 6]]
    assert sheet.footnotes == ["Alle Beträge in Euro", "* geschätzt", "und gerundet"]


def test_a_last_row_with_only_a_title_is_data_not_a_footnote(tmp_path):
    [sheet] = open_spreadsheet(xlsx(tmp_path / "m.xlsx", [["Titel", "FB", "Budget"], ["A"]]))
    assert values(sheet) == [["A", None, None]]
    assert sheet.footnotes == []


def test_merged_xlsx_cells_give_their_value_to_every_cell_of_the_range(tmp_path):
    path = xlsx(
        tmp_path / "m.xlsx",
        [
            ["Handlungsfeld", "Ziel", "Titel"],
            ["HF 1", "Z 1", "A"],
            [None, None, "B"],
            ["HF 2", "Z 3", "C"],
        ],
        merges=["A2:A3", "B2:B3"],
    )
    [sheet] = open_spreadsheet(path)
    assert values(sheet) == [["HF 1", "Z 1", "A"], ["HF 1", "Z 1", "B"], ["HF 2", "Z 3", "C"]]


def test_hidden_xlsx_sheets_are_left_out(tmp_path):
    workbook = Workbook()
    workbook.active.append(["A", "B"])
    workbook.create_sheet("Listen").sheet_state = "hidden"
    workbook.save(tmp_path / "m.xlsx")
    assert [sheet.name for sheet in open_spreadsheet(tmp_path / "m.xlsx")] == ["Sheet"]


def test_a_50000_row_xlsx_streams_in_bounded_memory(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Groß")
    sheet.append(["Nr", "Titel", "Budget", "Start", "Beschreibung"])
    for i in range(50_000):
        sheet.append([i, f"Maßnahme {i}", i * 1.5, datetime.date(2025, 1, 1), "x" * 40])
    workbook.save(tmp_path / "big.xlsx")
    [sheet] = open_spreadsheet(tmp_path / "big.xlsx")
    tracemalloc.start()
    try:
        count = sum(1 for _ in sheet.rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 30 * 1024 * 1024


def test_ods_cells_of_every_value_type_are_read(tmp_path):
    rows = row(*(cell(h) for h in ["Titel", "Budget", "Anteil", "Start", "Aktiv", "Zahl"])) + row(
        cell(None, inner='<text:p>Erste<text:s text:c="2"/>Zeile</text:p><text:p>zweite</text:p>'),
        cell("1.250.000,50 €", 'office:value-type="currency" office:value="1250000.5"'),
        cell("40 %", 'office:value-type="percentage" office:value="0.4"'),
        cell("31.12.25", 'office:value-type="date" office:date-value="2025-12-31"'),
        cell("WAHR", 'office:value-type="boolean" office:boolean-value="true"'),
        cell("12", 'office:value-type="float" office:value="12"'),
    )
    [sheet] = open_spreadsheet(write_ods(tmp_path / "m.ods", {"Maßnahmen": rows}))
    assert sheet.headers == ["Titel", "Budget", "Anteil", "Start", "Aktiv", "Zahl"]
    assert values(sheet) == [
        ["Erste  Zeile\nzweite", Decimal("1250000.5"), 0.4, datetime.date(2025, 12, 31), True, 12]
    ]


def test_ods_repeated_rows_and_columns_are_not_materialised(tmp_path):
    fifteen = cell("FB 15", 'office:value-type="string" table:number-columns-repeated="2"')
    rows = (
        row(cell("Titel"), cell("FB"), empty(16382))
        + row(cell("A"), fifteen, empty(16381))
        + row(empty(16384), repeat=3)
        + row(cell("B"), cell("FB 32"), repeat=2)
        + row(empty(16384), repeat=1048570)
    )
    started = time.monotonic()
    [sheet] = open_spreadsheet(write_ods(tmp_path / "m.ods", {"Liste": rows}))
    assert sheet.headers == ["Titel", "FB"]
    assert [(row.number, row.values) for row in sheet.rows()] == [
        (2, ["A", "FB 15"]),
        (6, ["B", "FB 32"]),
        (7, ["B", "FB 32"]),
    ]
    assert time.monotonic() - started < 5


def test_merged_ods_cells_fill_their_covered_cells(tmp_path):
    spanned = (
        'office:value-type="string" table:number-rows-spanned="2" table:number-columns-spanned="2"'
    )
    rows = (
        row(cell("Handlungsfeld"), cell("Ziel"), cell("Titel"))
        + row(cell("HF 1", spanned), "<table:covered-table-cell/>", cell("A"))
        + row('<table:covered-table-cell table:number-columns-repeated="2"/>', cell("B"))
    )
    [sheet] = open_spreadsheet(write_ods(tmp_path / "m.ods", {"Liste": rows}))
    assert values(sheet) == [["HF 1", "HF 1", "A"], ["HF 1", "HF 1", "B"]]


def test_ods_sheets_are_listed_in_order_with_their_own_rows(tmp_path):
    first = row(cell("A"), cell("B")) + row(cell("1"), cell("2"))
    second = row(cell("C"), cell("D")) + row(cell("3"), cell("4"))
    sheets = open_spreadsheet(write_ods(tmp_path / "m.ods", {"Eins": first, "Zwei": second}))
    assert [(s.name, s.headers, values(s)) for s in sheets] == [
        ("Eins", ["A", "B"], [["1", "2"]]),
        ("Zwei", ["C", "D"], [["3", "4"]]),
    ]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Titel;Budget\nÄmter digital;1.250.000,00 €\n", "utf-8"),
        ("Titel;Budget\nÄmter digital;1.250.000,00 €\n", "utf-8-sig"),
        ("Titel;Budget\nÄmter digital;1.250.000,00 €\n", "cp1252"),
        ('Titel,Budget\nÄmter digital,"1.250.000,00 €"\n', "cp1252"),
        ("Titel\tBudget\nÄmter digital\t1.250.000,00 €\n", "utf-8"),
    ],
)
def test_csv_encoding_and_delimiter_are_detected(tmp_path, content, encoding):
    path = tmp_path / "Maßnahmen.csv"
    path.write_bytes(content.encode(encoding))
    [sheet] = open_spreadsheet(path)
    assert (sheet.name, sheet.headers) == ("Maßnahmen", ["Titel", "Budget"])
    assert values(sheet) == [["Ämter digital", "1.250.000,00 €"]]


def test_csv_values_stay_text_and_a_title_row_is_skipped(tmp_path):
    path = tmp_path / "upload"
    path.write_text("Maßnahmenliste;;\n;;\nNr;Titel;Fortschritt\n1;A;40\n;;\n2;B;0,5\n", "utf-8")
    [sheet] = open_spreadsheet(path, filename="liste.csv")
    assert (sheet.name, sheet.header_row) == ("liste", 3)
    assert [(row.number, row.values) for row in sheet.rows()] == [
        (4, ["1", "A", "40"]),
        (6, ["2", "B", "0,5"]),
    ]


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "leer.xlsx").write_bytes(b"")
    with pytest.raises(ImportFileError, match=r"^Die Datei ist leer\.$"):
        open_spreadsheet(tmp_path / "leer.xlsx")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bericht.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        ("upload", b"%PDF-1.7\n1 0 obj\n"),
        ("bild.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("zufall.xlsx", bytes(range(256)) * 4),
    ],
)
def test_files_that_are_no_spreadsheet_are_refused_in_german(tmp_path, name, content):
    (tmp_path / "f").write_bytes(content)
    with pytest.raises(ImportFileError) as error:
        open_spreadsheet(tmp_path / "f", filename=name)
    assert (
        str(error.value)
        == f"Die Datei „{name}“ ist keine Tabelle (erwartet: .xlsx, .ods oder .csv)."
    )


def test_a_word_document_is_no_spreadsheet(tmp_path):
    with zipfile.ZipFile(tmp_path / "brief.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(ImportFileError, match=r"„brief\.docx“ ist keine Tabelle"):
        open_spreadsheet(tmp_path / "brief.docx")


def test_a_corrupt_zip_is_reported_as_damaged(tmp_path):
    good = xlsx(tmp_path / "m.xlsx", [["A", "B"]]).read_bytes()
    (tmp_path / "kaputt.xlsx").write_bytes(good[: len(good) // 2])
    with pytest.raises(ImportFileError) as error:
        open_spreadsheet(tmp_path / "kaputt.xlsx")
    assert (
        str(error.value) == "Die Datei „kaputt.xlsx“ ist beschädigt und kann nicht gelesen werden."
    )


def test_a_password_protected_workbook_gets_a_clear_message(tmp_path):
    (tmp_path / "geheim.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(
        ImportFileError, match=r"„geheim\.xlsx“ ist kennwortgeschützt oder im alten Excel-Format"
    ):
        open_spreadsheet(tmp_path / "geheim.xlsx")


def test_csv_semicolons_win_over_commas_in_headers_and_amounts(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("Budget (in €, brutto);Titel\n1,5;A\n2,5;B\n", "utf-8")
    [sheet] = open_spreadsheet(path)
    assert sheet.headers == ["Budget (in €, brutto)", "Titel"]
    assert values(sheet) == [["1,5", "A"], ["2,5", "B"]]


def test_percent_formatted_cells_arrive_as_fractions_even_at_100_percent(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Titel", "Fortschritt", "Anzahl"])
    sheet.append(["A", 1, 1])
    sheet.append(["B", 0.4, 2])
    sheet["B2"].number_format = sheet["B3"].number_format = "0%"
    workbook.save(tmp_path / "m.xlsx")
    [sheet] = open_spreadsheet(tmp_path / "m.xlsx")
    assert values(sheet) == [["A", 1.0, 1], ["B", 0.4, 2]]
    assert [type(row[1]) for row in values(sheet)] == [float, float]
    assert type(values(sheet)[0][2]) is int


def test_a_workbook_whose_sheet_xml_breaks_off_is_reported_as_damaged(tmp_path):
    rows = [["Titel", "Budget"]] + [[f"Maßnahme {i}", i] for i in range(2000)]
    good = zipfile.ZipFile(xlsx(tmp_path / "m.xlsx", rows))
    with zipfile.ZipFile(tmp_path / "kaputt.xlsx", "w") as broken:
        for item in good.infolist():
            data = good.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            broken.writestr(item, data)
    with pytest.raises(ImportFileError, match=r"„kaputt\.xlsx“ ist beschädigt"):
        [sheet] = open_spreadsheet(tmp_path / "kaputt.xlsx")
        list(sheet.rows())


def test_a_password_protected_ods_gets_a_clear_message(tmp_path):
    path = write_ods(tmp_path / "geheim.ods", {"Liste": ""})
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
            ">"
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
    with pytest.raises(ImportFileError) as error:
        open_spreadsheet(path)
    assert str(error.value) == (
        "Die Datei „geheim.ods“ ist kennwortgeschützt. Bitte ohne Kennwort speichern."
    )
