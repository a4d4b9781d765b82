"""The one CSV writer of every export: German Excel dialect, formula cells neutralised, streamed.

Exports are opened in Excel and LibreOffice across the administration. A cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read there as a formula
(``=HYPERLINK(...)`` can leak data or start programs), so such text gets a leading ``'``,
which spreadsheet programs show as plain text (OWASP "CSV Injection"). Numbers written as
numbers are left alone: they cannot carry a formula.
"""

from __future__ import annotations

import csv
import decimal
from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Lines sent together: one write to the client per few hundred rows, not one per row.
LINES_PER_CHUNK = 200


class GermanExcel(csv.excel):
    """German spreadsheet programs split on ';' (the comma is the decimal separator)."""

    delimiter = ";"


def neutralise(value: object) -> object:
    """The cell as text that no spreadsheet program evaluates as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the formatted line back (Django's streaming CSV)."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]
) -> StreamingHttpResponse:
    """A CSV download whose rows are written while they are sent, so long exports stay small
    in memory. The UTF-8 byte order mark makes Excel read umlauts correctly."""
    writer = csv.writer(_Echo(), dialect=GermanExcel)

    def lines():
        chunk = ["\ufeff" + writer.writerow([neutralise(cell) for cell in header])]
        for row in rows:
            chunk.append(writer.writerow([neutralise(cell) for cell in row]))
            if len(chunk) == LINES_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
