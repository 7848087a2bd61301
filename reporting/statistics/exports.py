"""The statistics tables and their drill-down lists as xlsx workbooks."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.db_router import reads_from_replica
from portal.xlsx import append_row
from reporting.statistics import figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _save(book: Workbook) -> BytesIO:
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def table_workbook(
    table_name: str,
    title: str,
    rows: list[dict[str, Any]],
    total: dict[str, Any],
    steps: list[dict[str, Any]] | None = None,
):
    measures = figures.TABLES[table_name]
    rates = figures.RATES.get(table_name, ())
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table_name)
    append_row(sheet, [title])
    append_row(
        sheet,
        [_("Row"), _("Code"), *(str(m.label) for m in measures), *(str(r.label) for r in rates)],
    )
    for row in (*rows, total):
        append_row(
            sheet,
            [
                row["label"],
                row["key"],
                *(row[m.name] for m in measures),
                *(row[r.name] for r in rates),
            ],
        )
    if steps is not None:
        sheet = book.create_sheet("steps")
        append_row(
            sheet,
            [
                _("Step"),
                _("Time limit (working days)"),
                _("Steps ended"),
                _("Median"),
                _("Mean"),
                _("Over the limit"),
            ],
        )
        for step in steps:
            append_row(
                sheet,
                [
                    step["label"],
                    step["limit"],
                    step["count"],
                    step["median"],
                    step["mean"],
                    step["over_limit"],
                ],
            )
    return _save(book)


@reads_from_replica()
def records_workbook(kind: str, title: str, items: Iterable[Any]) -> BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("list")
    append_row(sheet, [title])
    listing = figures.LISTINGS.get(kind)
    if listing is not None:
        append_row(sheet, [str(column.label) for column in listing.columns])
        for item in items:
            append_row(sheet, listing.cells(item))
    elif kind == figures.ENTERPRISE:
        append_row(
            sheet,
            [_("Name"), _("USCC"), _("District"), _("Street or town"), _("Industry"), _("Scale")],
        )
        for e in items:
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
    else:
        append_row(
            sheet,
            [
                _("Certificate number"),
                _("Enterprise"),
                _("USCC"),
                _("District"),
                _("Grade"),
                _("Valid until"),
                _("Status"),
            ],
        )
        for c in items:
            append_row(
                sheet,
                [
                    c.number,
                    c.enterprise.name,
                    c.enterprise.uscc,
                    c.enterprise.region.name,
                    figures.tier_text(c.tier),
                    c.valid_until,
                    c.get_status_display(),
                ],
            )
    return _save(book)
