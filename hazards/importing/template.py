"""The downloadable ledger template: the header row, and a sheet of valid values
(sources, categories, grades, statuses, and the 判定依据 items that apply to the
enterprise)."""

from __future__ import annotations

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from enterprises.models import Enterprise
from hazards.importing.columns import COLUMNS, COLUMNS_BY_KEY
from hazards.models import Hazard
from hazards.selectors import items_for
from portal.xlsx import put

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def build_template(enterprise: Enterprise) -> bytes:
    english = (get_language() or "").startswith("en")
    workbook = Workbook()
    data = workbook.active
    assert data is not None  # a new workbook has its sheet
    data.title = "Hazards" if english else "隐患台账"
    for index, column in enumerate(COLUMNS, start=1):
        cell = put(data, 1, index, column.header())
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        if column.help:
            cell.comment = Comment(str(column.help), "portal")
        data.column_dimensions[get_column_letter(index)].width = column.width
    data.freeze_panes = "A2"
    values = workbook.create_sheet("Valid values" if english else "可选值")
    closed = ("closed", "open") if english else ("已销号", "未销号")
    blocks: list[tuple[str, list[tuple[str, ...]]]] = [
        ("source", [(str(label),) for _value, label in Hazard.Source.choices]),
        ("category", [(str(label),) for _value, label in Hazard.Category.choices]),
        ("grade", [(str(label),) for _value, label in Hazard.Grade.choices]),
        ("status", [(closed[1],), (closed[0],)]),
        (
            "major_code",
            [
                (f"{item.version.catalogue.code} {item.code}", item.text[:200])
                for item in items_for(enterprise)
            ],
        ),
    ]
    start = 1
    for key, rows in blocks:
        put(values, 1, start, COLUMNS_BY_KEY[key].header()).font = Font(bold=True)
        if key == "major_code":
            put(values, 1, start + 1, _("Situation")).font = Font(bold=True)
        values.column_dimensions[get_column_letter(start)].width = 24
        for row_index, row in enumerate(rows, start=2):
            for offset, value in enumerate(row):
                put(values, row_index, start + offset, value)
        start += 2 if key != "major_code" else 3
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
