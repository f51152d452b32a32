"""Small XLSX writer on openpyxl's write-only mode: rows stream into the sheet, memory stays flat."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_MAX = 31


def _cell_value(value: Any) -> Any:
    """What Excel can hold: local naive datetimes, text without control characters."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, dt.date)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def workbook_bytes(title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet named `title`: a bold header row, then `rows`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:SHEET_TITLE_MAX])
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=_cell_value(name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download of `content` named `filename`."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
