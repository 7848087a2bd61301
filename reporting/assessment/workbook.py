"""The report's workbook: a cover sheet and one sheet per section, from the same
sections as the PDF (reports.sections)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook

from portal.xlsx import append_row
from reporting.assessment.models import AssessmentReport
from reporting.assessment.reports import sections, title_of


def render_xlsx(report: AssessmentReport) -> bytes:
    book = Workbook(write_only=True)
    cover = book.create_sheet("报告")
    append_row(cover, ["报告", title_of(report)])
    append_row(cover, ["版本", report.version])
    append_row(cover, ["状态", "定稿" if report.is_final else "草稿"])
    append_row(cover, ["数据截至", report.data["as_of"]])
    append_row(cover, ["考核方案", report.data["scheme"]["title"]])
    append_row(cover, ["总分", float(report.data["total"])])
    append_row(cover, ["名次", report.data["rank"]])
    if report.signature:
        append_row(cover, ["签章摘要", report.signature])
    for section in sections(report):
        sheet = book.create_sheet(section["heading"])
        for table in section["tables"]:
            append_row(sheet, [table["title"]])
            append_row(sheet, table["head"])
            for row in table["rows"]:
                append_row(sheet, [_cell(v) for v in row])
            append_row(sheet, [])
        for line in section["text"]:
            append_row(sheet, [line])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """Numbers stay numbers in the workbook (scores are kept as text in the data)."""
    if isinstance(value, str):
        try:
            return float(value) if value.replace(".", "", 1).lstrip("-").isdigit() else value
        except ValueError:
            return value
    return value
