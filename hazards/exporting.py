"""Export of the hazard ledger to Excel: the list as filtered on its page (or in the
API), one row per hazard, in the columns a district reports on."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hazards.models import Hazard
from portal.db_router import reads_from_replica
from portal.xlsx import append_row, cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
DATE_COLUMNS = (6, 12, 15)  # found on, deadline, closed on (0-based)


def _headers() -> list[tuple[str, int]]:
    return [
        (_("Number"), 28),
        (_("Enterprise"), 30),
        (_("USCC"), 22),
        (_("District"), 12),
        (_("Street"), 14),
        (_("Industry"), 14),
        (_("Found on"), 12),
        (_("Source"), 16),
        (_("Grade"), 10),
        (_("Category"), 14),
        (_("Location"), 24),
        (_("Description"), 50),
        (_("Deadline"), 12),
        (_("Status"), 14),
        (_("Overdue"), 8),
        (_("Closed on"), 12),
    ]


def _row(hazard: Hazard, today: datetime.date) -> list[Any]:
    return [
        hazard.number,
        hazard.enterprise.name,
        hazard.enterprise.uscc,
        str(hazard.region),
        str(hazard.street) if hazard.street_id else None,
        str(hazard.industry) if hazard.industry_id else None,
        hazard.found_on,
        hazard.get_source_display(),
        hazard.get_grade_display(),
        hazard.get_category_display(),
        hazard.location,
        hazard.description,
        hazard.deadline,
        hazard.get_status_display(),
        _("Yes") if hazard.is_overdue(today) else _("No"),
        hazard.closed_on,
    ]


@reads_from_replica()
def export_hazards(qs: QuerySet[Hazard]) -> IO[bytes]:
    """Write the hazards to an xlsx in a temporary file, rewound for reading."""
    today = timezone.localdate()
    qs = qs.select_related("enterprise", "region", "street", "industry")
    rows = (_row(hazard, today) for hazard in qs.iterator(chunk_size=CHUNK_SIZE))
    return write_workbook(_("Hazards"), _headers(), rows, DATE_COLUMNS)


def write_workbook(
    title: str,
    headers: list[tuple[str, int]],
    rows: Iterable[list[Any]],
    date_columns: Iterable[int] = (),
) -> IO[bytes]:
    """One sheet with a bold header of (title, width) and the rows, in a temporary
    file rewound for reading; rows stream to disk, so memory stays flat whatever
    the size of the list. Dates and datetimes in ``date_columns`` (0-based) are
    formatted as dates; user text stays text, never a formula (portal.xlsx)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for index, (heading_text, width) in enumerate(headers):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
        heading = cell(sheet, heading_text)
        heading.font = bold
        header.append(heading)
    append_row(sheet, header)
    dates = tuple(date_columns)
    for row in rows:
        for index in dates:
            if row[index] is not None:
                row[index] = cell(sheet, row[index])
                row[index].number_format = "yyyy-mm-dd"
        append_row(sheet, row)
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output
