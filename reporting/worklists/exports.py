"""A worklist as an xlsx workbook (the rows of selectors.shape)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.xlsx import append_row
from reporting.worklists.registry import Worklist

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(worklist: Worklist, rows: Iterable[dict[str, Any]]) -> BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(worklist.name[:31])
    append_row(sheet, [str(worklist.label)])
    append_row(
        sheet,
        [
            _("Enterprise"),
            _("USCC"),
            _("District"),
            _("Street or town"),
            _("What is due"),
            _("Overdue since"),
            _("Days overdue"),
            _("Escalated"),
        ],
    )
    for row in rows:
        append_row(
            sheet,
            [
                row["enterprise"],
                row["uscc"],
                row["district"],
                row["street"],
                row["what"],
                row["since"],
                row["days_overdue"],
                _("Yes") if row["escalated"] else _("No"),
            ],
        )
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
