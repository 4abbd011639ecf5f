"""CSV and Excel exports that a spreadsheet cannot turn into formulas.

Anything a person typed (an applicant's name, an office clerk's note) may start with
``=``, ``+``, ``-`` or ``@``; a spreadsheet would evaluate it (CSV injection). Every
export writes its cells through these helpers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_cell(value) -> str:
    """A CSV cell: text that a spreadsheet would read as a formula starts with ``'``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_value(value):
    """A value for an openpyxl cell: numbers and dates stay typed, anything else is text
    (``xlsx_append`` then stores it as text even when it starts with ``=``)."""
    from decimal import Decimal

    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    return str(value)


def xlsx_append(sheet, row: Sequence) -> None:
    """Append a row; a text cell is always stored as text, never as a formula (openpyxl
    would store any string starting with ``=`` as one). Text that looks like a formula
    also gets Excel's quote prefix, so that editing the cell later keeps it text."""
    sheet.append([xlsx_value(value) for value in row])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
        if cell.data_type == "s" and str(cell.value).startswith(FORMULA_START):
            cell.quotePrefix = True


def csv_response(*, filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def xlsx_response(
    *,
    filename: str,
    sheets: Sequence[tuple[str, Sequence, Iterable[Sequence]]],
    widths: dict[str, Sequence[int]] | None = None,
) -> HttpResponse:
    """One workbook; ``sheets`` is [(title, header, rows)]. Titles are cut to Excel's 31
    characters."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        xlsx_append(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            xlsx_append(sheet, row)
        for column, width in zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ", (widths or {}).get(str(title), ()), strict=False
        ):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
