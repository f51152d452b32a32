"""The monthly attendance table as an XLSX workbook (the form kindergartens hand to accounting)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import AttendanceStatus

# One letter per mark in the grid, as on the paper form.
SHORT = {
    "present": "+",
    "sick": "Б",
    "vacation": "О",
    "other": "П",
    "absent": "Н",
}


def month_table_xlsx(group: Any, table: Any) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{table.year}-{table.month:02d}"
    bold = Font(bold=True)
    sheet.append([_("Attendance table of the children")])
    sheet["A1"].font = bold
    sheet.append([_("Organization"), str(group.organization.name)])
    sheet.append([_("Group"), group.name, _("School year"), group.school_year])
    sheet.append(
        [_("Month"), f"{table.month:02d}.{table.year}", _("Working days"), table.working_days]
    )
    legend = "; ".join(f"{SHORT[value]} — {label}" for value, label in AttendanceStatus.choices)
    sheet.append([_("Legend"), legend])
    sheet.append([])
    statuses = AttendanceStatus.choices
    header = [_("No."), _("Child"), _("IIN")]
    header += [day.day for day in table.days]
    header += [str(label) for _value, label in statuses]
    header.append(_("Days to pay"))
    sheet.append(header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for number, row in enumerate(table.rows, start=1):
        line: list[Any] = [number, row.child.full_name("ru"), row.child.iin]
        line += [SHORT.get(cell or "", "") for cell in row.cells]
        line += [row.totals[value] for value, _label in statuses]
        line.append(row.to_pay)
        sheet.append(line)
    total_line: list[Any] = ["", _("Total"), ""] + [""] * len(table.days)
    total_line += [table.totals[value] for value, _label in statuses]
    total_line.append(table.to_pay)
    sheet.append(total_line)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.column_dimensions["B"].width = 32
    sheet.column_dimensions["C"].width = 14
    for index in range(4, 4 + len(table.days)):
        sheet.column_dimensions[get_column_letter(index)].width = 4
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=4)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
