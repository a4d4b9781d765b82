"""Writing import templates and exports as .xlsx and .ods.

One description (`SheetSpec`) for both formats: headers in bold in row 1, the rows below,
drop-down lists for columns with fixed words, help texts on the headers. Reading the output
with `imports.files.open_spreadsheet` gives back the same headers and values.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

VALIDATED_ROWS = 1000  # drop-down lists reach down to this row, below the data too
LISTS_SHEET = "Listen"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML


@dataclass
class SheetSpec:
    name: str
    headers: list[str]
    rows: list[list]  # values: str, int, Decimal, date, datetime, bool, None
    choices: dict[str, list[str]] = field(default_factory=dict)  # header -> allowed words
    notes: dict[str, str] = field(default_factory=dict)  # header -> help text


def _column_chars(spec: SheetSpec, index: int) -> int:
    """A column's width in characters: its longest header or value among the first rows."""
    texts = [spec.headers[index]] + [
        _display(row[index]) for row in spec.rows[:200] if index < len(row)
    ]
    longest = max(len(line) for text in texts for line in (text or "").split("\n"))
    return min(max(longest + 2, 10), 60)


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if isinstance(value, bool):
        return _("WAHR") if value else _("FALSCH")
    return str(value)


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31].strip(" '") or "Tabelle"


# --- xlsx -------------------------------------------------------------------------------


def write_xlsx(sheets: list[SheetSpec]) -> bytes:
    """An .xlsx workbook: bold frozen header row, column widths, dates as DD.MM.YYYY, amounts
    as #,##0.00, drop-downs (short lists inline, long ones on a hidden sheet "Listen")."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    lists, list_columns = None, 0
    for spec in sheets:
        ws = workbook.create_sheet(_sheet_title(spec.name))
        for col, header in enumerate(spec.headers, start=1):
            cell = _xlsx_cell(ws, 1, col, header)
            cell.font = Font(bold=True)
            if note := spec.notes.get(header):
                cell.comment = Comment(note, "FB 15", width=300, height=120)
            ws.column_dimensions[get_column_letter(col)].width = _column_chars(spec, col - 1)
        for row_number, row in enumerate(spec.rows, start=2):
            for col, value in enumerate(row[: len(spec.headers)], start=1):
                _xlsx_cell(ws, row_number, col, value)
        ws.freeze_panes = "A2"
        last_row = max(VALIDATED_ROWS, len(spec.rows) + 1)
        for header, words in spec.choices.items():
            if _fits_inline(words):
                formula = '"' + ",".join(words) + '"'
            else:
                if lists is None:
                    lists = workbook.create_sheet(LISTS_SHEET)
                    lists.sheet_state = "hidden"
                list_columns += 1
                for row_number, word in enumerate(words, start=1):
                    _xlsx_cell(lists, row_number, list_columns, word)
                letter = get_column_letter(list_columns)
                formula = f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(words)}"
            validation = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Ungültiger Wert"),
                error=_("Bitte einen Wert aus der Liste wählen."),
            )
            letter = get_column_letter(spec.headers.index(header) + 1)
            validation.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(validation)
    if lists is not None:  # keep the hidden list sheet last, never the active one
        workbook.move_sheet(lists, offset=len(workbook.sheetnames))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _xlsx_cell(ws, row: int, col: int, value):
    if isinstance(value, str):
        value = CONTROL_CHARACTERS.sub("", value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text starting with "=" stays text, never a formula
    elif isinstance(value, datetime):
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = "DD.MM.YYYY"
    elif isinstance(value, Decimal):
        cell.number_format = "#,##0.00"
    return cell


# --- ods --------------------------------------------------------------------------------

NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.3"'
)
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
ODS_STYLES = (
    '<number:date-style style:name="N_date"><number:day number:style="long"/>'
    '<number:text>.</number:text><number:month number:style="long"/><number:text>.</number:text>'
    '<number:year number:style="long"/></number:date-style>'
    '<number:number-style style:name="N_amount"><number:number number:decimal-places="2" '
    'number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/>'
    "</number:number-style>"
    '<style:style style:name="ce_head" style:family="table-cell" style:parent-style-name="Default">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="ce_date" style:family="table-cell" style:parent-style-name="Default"'
    ' style:data-style-name="N_date"/>'
    '<style:style style:name="ce_amount" style:family="table-cell"'
    ' style:parent-style-name="Default" style:data-style-name="N_amount"/>'
    '<style:style style:name="ta_hidden" style:family="table">'
    '<style:table-properties table:display="false"/></style:style>'
)
MANIFEST = (
    XML_HEAD + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
    'manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
    'manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
STYLES = (
    XML_HEAD + f"<office:document-styles {NAMESPACES}><office:styles>"
    '<style:style style:name="Default" style:family="table-cell"/>'
    "</office:styles></office:document-styles>"
)


def write_ods(sheets: list[SheetSpec]) -> bytes:
    """An OpenDocument spreadsheet: bold frozen header row, column widths, dates and amounts
    with German formats, drop-downs as content validations (short lists inline, long ones
    on a hidden sheet "Listen"), help texts as comments on the headers."""
    styles, widths, validations, lists, tables = [ODS_STYLES], {}, [], [], []
    for spec in sheets:
        title = _sheet_title(spec.name)
        checks: dict[int, str] = {}  # column index -> validation name
        for header, words in spec.choices.items():
            index = spec.headers.index(header)
            checks[index] = f"val{len(validations) + 1}"
            if _fits_inline(words):
                allowed = ";".join(f'"{word}"' for word in words)
            else:
                lists.append(words)
                letter = _column_letter(len(lists) - 1)
                allowed = f"[${LISTS_SHEET}.${letter}$1:.${letter}${len(words)}]"
            address = f"{_ods_sheet_ref(title)}.{_column_letter(index)}2"
            validations.append(_ods_validation(checks[index], allowed, address))
        columns = []
        for index in range(len(spec.headers)):
            width = round(_column_chars(spec, index) * 0.2 + 0.3, 1)
            if width not in widths:
                widths[width] = f"co{len(widths) + 1}"
                styles.append(
                    f'<style:style style:name="{widths[width]}" style:family="table-column">'
                    f'<style:table-column-properties style:column-width="{width}cm"/></style:style>'
                )
            columns.append(f'<table:table-column table:style-name="{widths[width]}"/>')
        tables.append(
            f"<table:table table:name={_attr(title)}>{''.join(columns)}"
            f"{_ods_rows(spec, checks)}</table:table>"
        )
    if lists:
        longest = max(len(words) for words in lists)
        cells = [[words[i] if i < len(words) else None for words in lists] for i in range(longest)]
        body = "".join(
            f"<table:table-row>{''.join(_ods_cell(v, None) for v in row)}</table:table-row>"
            for row in cells
        )
        tables.append(
            f'<table:table table:name="{LISTS_SHEET}" table:style-name="ta_hidden">{body}'
            "</table:table>"
        )
    if validations:
        checks = "".join(validations)
        tables.insert(0, f"<table:content-validations>{checks}</table:content-validations>")
    content = (
        XML_HEAD + f"<office:document-content {NAMESPACES}><office:automatic-styles>"
        f"{''.join(styles)}</office:automatic-styles><office:body><office:spreadsheet>"
        f"{''.join(tables)}</office:spreadsheet></office:body></office:document-content>"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(  # first and uncompressed, so a file type check can read it
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("styles.xml", STYLES)
        archive.writestr("content.xml", content)
        archive.writestr("settings.xml", _ods_settings([_sheet_title(s.name) for s in sheets]))
    return output.getvalue()


def _fits_inline(words: list[str]) -> bool:
    """Whether a drop-down list can sit in the validation itself: Excel allows 255 characters
    there and separates by comma; anything longer or with commas or quotes goes to "Listen"."""
    return len(",".join(words)) <= 250 and not any("," in w or '"' in w for w in words)


def _ods_validation(name: str, allowed: str, address: str) -> str:
    return (
        f'<table:content-validation table:name="{name}"'
        f" table:condition={_attr(f'of:cell-content-is-in-list({allowed})')}"
        ' table:allow-empty-cell="true" table:display-list="unsorted"'
        f" table:base-cell-address={_attr(address)}>"
        '<table:error-message table:display="true" table:message-type="stop">'
        f"<text:p>{escape(_('Bitte einen Wert aus der Liste wählen.'))}</text:p>"
        "</table:error-message></table:content-validation>"
    )


def _ods_rows(spec: SheetSpec, checks: dict[int, str]) -> str:
    """Header row, data rows, and empty rows down to row 1000 carrying the drop-downs."""
    rows = ["<table:table-row>"]
    for header in spec.headers:
        note = spec.notes.get(header)
        annotation = f"<office:annotation>{_ods_paragraphs(note)}</office:annotation>"
        rows.append(
            '<table:table-cell table:style-name="ce_head" office:value-type="string">'
            f"{annotation if note else ''}{_ods_paragraphs(header)}</table:table-cell>"
        )
    rows.append("</table:table-row>")
    width = len(spec.headers)
    for row in spec.rows:
        cells = (list(row[:width]) + [None] * width)[:width]
        rows.append("<table:table-row>")
        rows.extend(_ods_cell(value, checks.get(i)) for i, value in enumerate(cells))
        rows.append("</table:table-row>")
    if checks and len(spec.rows) + 1 < VALIDATED_ROWS:
        repeat = VALIDATED_ROWS - 1 - len(spec.rows)
        rows.append(f'<table:table-row table:number-rows-repeated="{repeat}">')
        rows.extend(_ods_cell(None, checks.get(i)) for i in range(max(checks) + 1))
        rows.append("</table:table-row>")
    return "".join(rows)


def _ods_cell(value, validation: str | None) -> str:
    attrs = f' table:content-validation-name="{validation}"' if validation else ""
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, bool):
        attrs += f' office:value-type="boolean" office:boolean-value="{str(value).lower()}"'
    elif isinstance(value, date):
        iso = value.isoformat(timespec="seconds") if isinstance(value, datetime) else value
        attrs += f' table:style-name="ce_date" office:value-type="date" office:date-value="{iso}"'
    elif isinstance(value, Decimal):
        attrs += f' table:style-name="ce_amount" office:value-type="float" office:value="{value}"'
    elif isinstance(value, int | float):
        attrs += f' office:value-type="float" office:value="{value!r}"'
    else:
        attrs += ' office:value-type="string"'
    return f"<table:table-cell{attrs}>{_ods_paragraphs(_display(value))}</table:table-cell>"


def _ods_paragraphs(text: str) -> str:
    """Text as paragraphs, one per line; runs of spaces kept with <text:s>."""
    paragraphs = []
    for line in CONTROL_CHARACTERS.sub("", str(text)).replace("\t", " ").split("\n"):
        line = re.sub(
            r"(?:^ )|(?<= )( +)",
            lambda m: f'<text:s text:c="{len(m.group(0))}"/>',
            escape(line),
        )
        paragraphs.append(f"<text:p>{line}</text:p>")
    return "".join(paragraphs)


def _attr(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;"}) + '"'


def _ods_sheet_ref(title: str) -> str:
    return title if re.fullmatch(r"\w+", title) else "'" + title.replace("'", "''") + "'"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ods_settings(titles: list[str]) -> str:
    """View settings that freeze the header row of every sheet, as LibreOffice stores them."""
    items = {"VerticalSplitMode": ("short", 2), "VerticalSplitPosition": ("int", 1)}
    items |= {"ActiveSplitRange": ("short", 2), "PositionBottom": ("int", 1)}
    entries = "".join(
        f"<config:config-item-map-entry config:name={_attr(title)}>"
        + "".join(
            f'<config:config-item config:name="{name}" config:type="{kind}">{value}'
            "</config:config-item>"
            for name, (kind, value) in items.items()
        )
        + "</config:config-item-map-entry>"
        for title in titles
    )
    return (
        XML_HEAD + f"<office:document-settings {NAMESPACES}><office:settings>"
        '<config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        '<config:config-item config:name="ViewId" config:type="string">view1</config:config-item>'
        f'<config:config-item-map-named config:name="Tables">{entries}'
        "</config:config-item-map-named></config:config-item-map-entry>"
        "</config:config-item-map-indexed></config:config-item-set>"
        "</office:settings></office:document-settings>"
    )
