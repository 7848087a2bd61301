"""The enterprises not yet at a target, as xlsx: the district's work list."""

from __future__ import annotations

from io import BytesIO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from enterprises.models import Enterprise
from portal.xlsx import append_row
from reporting.models import Target

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def not_reached_workbook(target: Target, rows: QuerySet[Enterprise]) -> BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Not reached"))
    append_row(sheet, [target.title])
    append_row(
        sheet,
        [_("Enterprise"), _("USCC"), _("District"), _("Street"), _("Industry"), _("Scale")],
    )
    for e in rows.iterator(chunk_size=2000):
        append_row(
            sheet,
            [
                e.name,
                e.uscc,
                e.region.name,
                e.street.name if e.street else "",
                e.industry.name if e.industry else "",
                e.get_scale_display(),
            ],
        )
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def filename(target: Target) -> str:
    return f"target-{target.pk}-not-reached.xlsx"
