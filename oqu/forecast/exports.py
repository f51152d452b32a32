"""The forecast as a spreadsheet: one row per district and year, then the assumptions."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook


def forecast_xlsx(data: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Forecast")[:31]
    sheet.append(
        [_("Preschool places: demand forecast"), data["territory_name"], str(data["as_of"])]
    )
    sheet.append(
        [
            _("District"),
            _("School year"),
            _("Demand"),
            _("Capacity"),
            _("Shortfall (+) or surplus (−)"),
            _("In the queue now"),
            _("In groups now"),
            _("Children known"),
        ]
    )
    for district in data["districts"]:
        for year in district["years"]:
            sheet.append(
                [
                    district["district_name"],
                    year["school_year"],
                    year["demand"],
                    year["capacity"],
                    year["gap"],
                    district["queued_now"],
                    district["enrolled_now"],
                    district["children_known"],
                ]
            )
    assumptions = book.create_sheet(_("Method")[:31])
    assumptions.append([_("Age on the reference day"), _("Take-up share")])
    for age, share in data["assumptions"]["take_up_by_age"].items():
        assumptions.append([int(age), share])
    assumptions.append([_("Reference day"), data["assumptions"]["reference_day"]])
    assumptions.append([_("Valid from"), str(data["assumptions"]["valid_from"])])
    assumptions.append([_("Source"), data["assumptions"]["source"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
