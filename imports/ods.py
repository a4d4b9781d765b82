"""Reading OpenDocument spreadsheets (.ods, LibreOffice) row by row for `imports.files`.

`content.xml` is streamed with iterparse and every row is dropped from the tree once read.
LibreOffice writes runs of identical rows and cells once with a repeat count (an empty sheet
ends in 1,048,576 repeated empty rows of 16,384 cells); empty runs are only counted, never
expanded.
"""

import zipfile
from collections.abc import Iterator
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

MAX_ROWS = 1_048_576  # the row limit of Excel and LibreOffice
MAX_COLUMNS = 16_384
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
CELLS = (f"{TABLE}table-cell", f"{TABLE}covered-table-cell")


def sheet_names(path: Path) -> list[tuple[int, str]]:
    """(index, name) of the visible sheets; hidden ones (a "Listen" sheet) are left out."""
    tables = [data for event, *data in _events(path) if event == "table"]
    return [(index, name) for index, (name, visible) in enumerate(tables) if visible]


def read_rows(path: Path, index: int) -> Iterator[tuple[int, list, list]]:
    """Rows of sheet `index` with a filled cell: (real row number, values, merged ranges
    anchored in the row as (first_row, first_col, last_row, last_col))."""
    table, number = -1, 1
    for event, *data in _events(path):
        if event == "table":  # ("table", name, visible)
            table += 1
            if table > index:
                return
            continue
        if table != index:
            continue
        element, repeat = data
        values, merges = _cells(element, number)
        if any(v is not None for v in values) or merges:
            for copy in range(min(repeat, MAX_ROWS + 1 - number)):
                yield number + copy, list(values), merges if copy == 0 else []
        number += repeat
        if number > MAX_ROWS:
            return


def _events(path: Path) -> Iterator[tuple]:
    """Yield ("table", name, visible) at each sheet and ("row", element, repeat) for each
    row; the element is valid until the next step and removed from the tree afterwards."""
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as source:
        stack: list[ET.Element] = []
        depth = 0  # tables nested in cells are not sheets
        hidden_styles = set()  # table styles with table:display="false" (before the body)
        for event, element in ET.iterparse(source, events=("start", "end")):
            if event == "start":
                stack.append(element)
                if element.tag == f"{TABLE}table":
                    depth += 1
                    if depth == 1:
                        visible = element.get(f"{TABLE}style-name") not in hidden_styles
                        yield "table", element.get(f"{TABLE}name", ""), visible
                continue
            stack.pop()
            if element.tag == f"{STYLE}table-properties":
                if element.get(f"{TABLE}display") == "false":
                    hidden_styles.add(stack[-1].get(f"{STYLE}name"))
            elif element.tag == f"{TABLE}table":
                depth -= 1
            elif element.tag == f"{TABLE}table-row" and depth == 1:
                yield "row", element, int(element.get(f"{TABLE}number-rows-repeated", "1"))
                stack[-1].remove(element)


def _cells(row: ET.Element, number: int) -> tuple[list, list]:
    """A row's values (repeated cells expanded, trailing empty ones dropped) and the merged
    ranges anchored in it. Covered cells count as empty; the import fills them."""
    values: list = []
    merges = []
    empty_run = 0
    for cell in row:
        if cell.tag not in CELLS:
            continue
        repeat = int(cell.get(f"{TABLE}number-columns-repeated", "1"))
        value = _value(cell) if cell.tag == CELLS[0] else None
        if value is None:
            empty_run += repeat
            continue
        if len(values) + empty_run >= MAX_COLUMNS:
            break
        values.extend([None] * empty_run)
        empty_run = 0
        rows_spanned = int(cell.get(f"{TABLE}number-rows-spanned", "1"))
        cols_spanned = int(cell.get(f"{TABLE}number-columns-spanned", "1"))
        if rows_spanned > 1 or cols_spanned > 1:
            col = len(values) + 1
            merges.append((number, col, number + rows_spanned - 1, col + cols_spanned - 1))
        values.extend([value] * min(repeat, MAX_COLUMNS - len(values)))
    return values, merges


def _value(cell: ET.Element):
    """The cell's value by its office:value-type: float as int or float, percentage as float,
    currency as Decimal, date as date (datetime if it has a time), boolean, else the text."""
    kind = cell.get(f"{OFFICE}value-type")
    number = cell.get(f"{OFFICE}value")
    if kind == "percentage" and number is not None:
        return float(number)  # a fraction: 100 % is 1.0
    if kind == "float" and number is not None:
        number = Decimal(number)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "currency" and number is not None:
        return Decimal(number)
    if kind == "date":
        moment = datetime.fromisoformat(cell.get(f"{OFFICE}date-value"))
        return moment.date() if moment.time() == time(0, 0) else moment
    if kind == "boolean":
        return cell.get(f"{OFFICE}boolean-value") == "true"
    text = "\n".join(_text(p) for p in cell if p.tag == f"{TEXT}p").strip()
    return text or None


def _text(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{TEXT}s":
            parts.append(" " * int(child.get(f"{TEXT}c", "1")))
        elif child.tag == f"{TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{TEXT}line-break":
            parts.append("\n")
        elif child.tag != f"{OFFICE}annotation":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
