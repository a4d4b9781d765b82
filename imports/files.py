"""Reading spreadsheets for the import: .xlsx, .ods and .csv, streamed row by row.

`open_spreadsheet(path)` returns the file's sheets, each with its header row found and a
`rows()` iterator that reads the file again on every call, so memory does not grow with the
number of rows. Cell values arrive as native Python values (str stripped, int, float, Decimal,
date, datetime, bool; None for an empty cell); parsing German formats is `imports.values`' job.
Errors inside the file met while iterating also raise `ImportFileError`.
"""

import codecs
import csv
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import partial
from pathlib import Path
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from imports import ods

HEADER_SEARCH_ROWS = 20
FOOTNOTE_STARTS = ("*", "¹", "²", "³", "quelle", "stand", "hinweis", "anmerkung")
CSV_EXTENSIONS = {".csv", ".txt", ".tsv", ""}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", OLE2_MAGIC)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# What a truncated, corrupt or hand-made file raises in zipfile, zlib, XML, csv and openpyxl.
BROKEN_FILE_ERRORS = (zipfile.BadZipFile, zlib.error, ET.ParseError, KeyError, EOFError, OSError)
BROKEN_FILE_ERRORS += (csv.Error, ValueError, ArithmeticError, TypeError)

# A raw row from a reader: real row number, cell values, merged ranges that start to apply
# (as (first_row, first_col, last_row, last_col), 1-based, inclusive).
RawRow = tuple[int, list, list[tuple[int, int, int, int]]]


class ImportFileError(Exception):
    """A file we cannot read at all; str(e) is a German sentence for the user."""


@dataclass
class Row:
    number: int
    values: list


@dataclass
class Sheet:
    """One sheet: its header row and a re-iterable stream of data rows."""

    name: str
    header_row: int
    headers: list[str]
    footnotes: list[str] = field(default_factory=list)
    _source: Callable[[], Iterator[RawRow]] | None = field(default=None, repr=False, compare=False)
    _display_name: str = field(default="", repr=False, compare=False)

    def rows(self) -> Iterator[Row]:
        """Data rows after the header row, merged cells filled, empty rows left out.

        Footnotes: a row *after the data* whose only filled cell is the first one, holding
        text, is a footnote when that text starts with "*", "¹", "Quelle", "Stand", "Hinweis"
        or "Anmerkung", or when an empty row precedes it and the sheet has at least three
        headers, or when it directly follows another footnote. Such rows are held back;
        if a data row follows after all, they are yielded as data (they were not "after the
        data"); at the end they become `footnotes` (their text), reset on every call.
        """
        self.footnotes = []
        if not self.headers or self._source is None:
            return
        width = len(self.headers)
        filler = _MergeFiller(width)
        held: list[Row] = []
        previous = self.header_row
        try:
            for number, values, merges in self._source():
                values = (values[:width] + [None] * width)[:width]
                raw = list(values)
                filler.add(merges)
                filler.fill(number, values)
                if number <= self.header_row or all(v is None for v in raw):
                    continue
                first = raw[0]
                looks_like_note = (
                    isinstance(first, str)
                    and all(v is None for v in raw[1:])
                    and (
                        first.casefold().startswith(FOOTNOTE_STARTS)
                        or (number > previous + 1 and width >= 3)
                        or bool(held)
                    )
                )
                previous = number
                row = Row(number, values)
                if looks_like_note:
                    held.append(row)
                    continue
                yield from held
                held = []
                yield row
        except BROKEN_FILE_ERRORS as error:
            raise ImportFileError(_broken(self._display_name)) from error
        self.footnotes = [row.values[0] for row in held]


class _MergeFiller:
    """Writes the value of a merged range's top-left cell into the range's other cells."""

    def __init__(self, width: int):
        self.width = width
        self.pending: list[tuple[int, int, int, int]] = []
        self.active: list[tuple[tuple[int, int, int, int], object]] = []

    def add(self, merges):
        if merges:
            self.pending.extend(m for m in merges if m[1] <= self.width)
            self.pending.sort()

    def fill(self, number: int, values: list):
        self.active = [(m, v) for m, v in self.active if m[2] >= number]
        while self.pending and self.pending[0][0] <= number:
            merge = self.pending.pop(0)
            if merge[0] == number and values[merge[1] - 1] is not None:
                self.active.append((merge, values[merge[1] - 1]))
        for (first_row, first_col, _last_row, last_col), value in self.active:
            for col in range(first_col, min(last_col, self.width) + 1):
                if (number, col) != (first_row, first_col):
                    values[col - 1] = value


def open_spreadsheet(path: str | Path, filename: str | None = None) -> list[Sheet]:
    """Sheets of an .xlsx, .ods or .csv file (type by content/extension of `filename` or path).

    Hidden sheets (such as the "Listen" sheet of our templates) are left out.
    Raises ImportFileError for a file that is no spreadsheet or cannot be read.
    """
    path = Path(path)
    display = filename or path.name
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        raise ImportFileError(_("Die Datei ist leer."))
    try:
        if head.startswith(b"PK"):
            return _open_zip(path, display)
        if head.startswith(OLE2_MAGIC):
            raise ImportFileError(
                _(
                    "Die Datei „%(name)s“ ist kennwortgeschützt oder im alten Excel-Format "
                    "(.xls). Bitte ohne Kennwort als .xlsx oder .ods speichern."
                )
                % {"name": display}
            )
        if (
            not head.startswith(BINARY_MAGICS)
            and b"\x00" not in head
            and Path(display).suffix.lower() in CSV_EXTENSIONS
        ):
            return [_csv_sheet(path, display)]
    except BROKEN_FILE_ERRORS as error:
        raise ImportFileError(_broken(display)) from error
    raise ImportFileError(_not_a_spreadsheet(display))


def _not_a_spreadsheet(display: str) -> str:
    return _("Die Datei „%(name)s“ ist keine Tabelle (erwartet: .xlsx, .ods oder .csv).") % {
        "name": display
    }


def _broken(display: str) -> str:
    return _("Die Datei „%(name)s“ ist beschädigt und kann nicht gelesen werden.") % {
        "name": display
    }


def _make_sheet(name: str, display: str, source, preview: Iterator[RawRow] | None = None) -> Sheet:
    """Find the header row: the first of the first 20 rows with at least two filled cells,
    all of them text. Without one the sheet has no headers (the engine says so).
    `preview` reads the first rows from an already open file instead of `source()`."""
    for number, values, _merges in preview or source():
        if number > HEADER_SEARCH_ROWS:
            break
        filled = [v for v in values if v is not None]
        if len(filled) >= 2 and all(isinstance(v, str) for v in filled):
            while values[-1] is None:
                values = values[:-1]
            headers = [v if v is not None else "" for v in values]
            return Sheet(name, number, headers, _source=source, _display_name=display)
    return Sheet(name, 0, [], _source=source, _display_name=display)


def _clean(value):
    """Strip text (empty text is None); a datetime at midnight is a date."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date()
    return value


# --- xlsx -------------------------------------------------------------------------------


def _open_zip(path: Path, display: str) -> list[Sheet]:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            kind = "xlsx"
        elif "content.xml" in names and (
            "mimetype" not in names or archive.read("mimetype").strip() == ODS_MIMETYPE
        ):
            kind = "ods"
            manifest = (
                archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
            )
            if b"encryption-data" in manifest:
                raise ImportFileError(
                    _("Die Datei „%(name)s“ ist kennwortgeschützt. Bitte ohne Kennwort speichern.")
                    % {"name": display}
                )
        else:
            raise ImportFileError(_not_a_spreadsheet(display))
    if kind == "xlsx":
        return _xlsx_sheets(path, display)
    return [
        _make_sheet(name, display, partial(ods.read_rows, path, index))
        for index, name in ods.sheet_names(path)
    ]


def _load_workbook(fh):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
        return load_workbook(fh, read_only=True, data_only=True, keep_links=False)


def _xlsx_sheets(path: Path, display: str) -> list[Sheet]:
    with open(path, "rb") as fh:
        workbook = _load_workbook(fh)
        try:
            return [
                _make_sheet(
                    ws.title,
                    display,
                    _xlsx_source(path, ws.title, ws._worksheet_path),
                    preview=_xlsx_rows(ws, []),
                )
                for ws in workbook.worksheets
                if ws.sheet_state == "visible"
            ]
        finally:
            workbook.close()


def _xlsx_rows(ws, merges: list) -> Iterator[RawRow]:
    ws.reset_dimensions()  # some writers record a wrong size; read what is there
    for number, cells in enumerate(ws.iter_rows(), start=1):
        yield number, [_xlsx_value(cell) for cell in cells], merges if number == 1 else []


def _xlsx_value(cell):
    """The cell's value; a percent-formatted number is a float, so 100 % arrives as 1.0
    (a fraction for `parse_percent`), not as the whole number 1."""
    value = cell.value
    if type(value) in (int, float) and "%" in (cell.number_format or ""):
        return float(value)
    return _clean(value)


def _xlsx_source(path: Path, title: str, part: str) -> Callable[[], Iterator[RawRow]]:
    merges: list | None = None

    def read() -> Iterator[RawRow]:
        nonlocal merges
        if merges is None:
            merges = _xlsx_merges(path, part)
        with open(path, "rb") as fh:
            workbook = _load_workbook(fh)
            try:
                yield from _xlsx_rows(workbook[title], merges)
            finally:
                workbook.close()

    return read


MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _xlsx_merges(path: Path, part: str) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges, `<mergeCell ref="A2:A5"/>` after the sheet data (read-only
    openpyxl does not expose them). A byte scan: parsing the whole sheet XML costs more."""
    refs: set[bytes] = set()
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            refs.update(MERGE_CELL.findall(data))
            tail = data[-1024:]
    merges = []
    for ref in refs:
        first_col, first_row, last_col, last_row = range_boundaries(ref.decode())
        merges.append((first_row, first_col, last_row, last_col))
    return merges


# --- csv --------------------------------------------------------------------------------


def _csv_sheet(path: Path, display: str) -> Sheet:
    encoding = _csv_encoding(path)
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        sample = fh.read(65536)
    delimiter = _csv_delimiter(sample)

    def read() -> Iterator[RawRow]:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            for number, cells in enumerate(csv.reader(fh, delimiter=delimiter), start=1):
                yield number, [_clean(v) for v in cells], []

    return _make_sheet(Path(display).stem, display, read)


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        first = True
        while chunk := fh.read(1 << 20):
            if first and chunk.startswith(codecs.BOM_UTF8):
                return "utf-8-sig"
            first = False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return "cp1252"
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _csv_delimiter(sample: str) -> str:
    """The sniffer's choice among ";", "," and tab, except that ";" wins over "," when the
    first line has both (German Excel writes ";", and commas sit in amounts and headers);
    without a verdict, the one most frequent in the first line."""
    first_line = sample.splitlines()[0] if sample else ""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        return max(";,\t", key=lambda d: (first_line.count(d), d == ";"))
    return ";" if delimiter == "," and ";" in first_line else delimiter
