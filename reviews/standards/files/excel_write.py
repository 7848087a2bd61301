"""Writing the Excel template, empty or filled with a stored version (export)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.models import Industry
from portal.xlsx import put
from reviews.models import Grading, Standard
from reviews.standards.files.data import iter_criteria
from reviews.standards.files.excel_layout import (
    COLUMNS,
    COLUMNS_BY_KEY,
    CRITERIA_SHEET,
    HEADER_ROWS,
    LIST_KEYS,
    STANDARD_SHEET,
    TEXT_COLUMNS,
    VALUES_SHEET,
    sheet_name,
)

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")
SCALE_LABELS = {
    "above": "规模以上 / above designated size",
    "below": "规模以下 / below designated size",
    "small_micro": "小微 / small and micro",
}


def _cell_value(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in LIST_KEYS:
        return ", ".join(value)
    if key == "effective_date" and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def build_workbook(data: dict | None = None) -> bytes:
    """The template; with data, the export of that standard version."""
    data = data or {}
    workbook = Workbook()
    standard = workbook.active
    standard.title = sheet_name(STANDARD_SHEET)
    _write_standard_sheet(standard, data)
    criteria = workbook.create_sheet(sheet_name(CRITERIA_SHEET))
    _write_criteria_sheet(criteria, data)
    values = workbook.create_sheet(sheet_name(VALUES_SHEET))
    _write_values_sheet(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_standard_sheet(sheet, data: dict) -> None:
    bold = Font(bold=True)
    for column, heading in enumerate((_("Key"), _("Value"), _("Notes")), start=1):
        cell = put(sheet, 1, column, heading)
        cell.font = bold
        cell.fill = HEADER_FILL
    thresholds = data.get("thresholds") or {}
    for row, (key, help_text) in enumerate(HEADER_ROWS, start=2):
        put(sheet, row, 1, key).font = bold
        if key.startswith("thresholds."):
            value = thresholds.get(key.split(".", 1)[1])
        elif key.startswith("element_minimums."):
            value = (data.get("element_minimums") or {}).get(key.split(".", 1)[1])
        else:
            value = data.get(key)
        cell = put(sheet, row, 2, _cell_value(key, value))
        if key == "effective_date":
            cell.number_format = "yyyy-mm-dd"
        elif key in ("version", "code"):
            cell.number_format = "@"
        cell.alignment = WRAP
        put(sheet, row, 3, str(help_text))
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 70
    sheet.freeze_panes = "A2"
    gradings = DataValidation(
        type="list", formula1='"' + ",".join(Grading.values) + '"', allow_blank=True
    )
    regimes = DataValidation(
        type="list", formula1='"' + ",".join(Standard.Regime.values) + '"', allow_blank=True
    )
    sheet.add_data_validation(gradings)
    sheet.add_data_validation(regimes)
    keys = [key for key, _help in HEADER_ROWS]
    gradings.add(f"B{keys.index('grading') + 2}")
    regimes.add(f"B{keys.index('regime') + 2}")


def _write_criteria_sheet(sheet, data: dict) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        cell = put(sheet, 1, index, column.header())
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.key in TEXT_COLUMNS:
            # Typed codes stay text: Excel would turn 1.10 into 1.1.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.cell(row=1, column=1).comment = Comment(
        _(
            "One row per criterion. A blank A or B cell means “as in the row above” (within the "
            "same A element). Leave B blank for criteria directly under an A element."
        ),
        "portal",
    )
    sheet.freeze_panes = "A2"
    position = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
    row = 1
    for a, b, criterion in iter_criteria(data):
        row += 1
        values = {
            "a_code": a.get("code"),
            "a_name": a.get("name"),
            "a_name_en": a.get("name_en"),
            "b_code": b.get("code") if b else None,
            "b_name": b.get("name") if b else None,
            "b_name_en": b.get("name_en") if b else None,
        }
        for key in COLUMNS_BY_KEY:
            if key in values:
                continue
            value = criterion.get(key)
            if key == "veto":
                value = _("yes") if value else None
            elif key == "allow_na":
                value = _("no") if value is False else None
            elif key == "veto_grades":
                value = ", ".join(value) if value else None
            values[key] = _cell_value(key, value)
        for key, value in values.items():
            if value in (None, ""):
                continue
            cell = put(sheet, row, position[key], value)
            if key in TEXT_COLUMNS:
                cell.number_format = "@"
            if key in ("requirement", "method", "guidance", "evidence"):
                cell.alignment = WRAP


def _write_values_sheet(sheet) -> None:
    bold = Font(bold=True)
    blocks = [
        ("grading", [(value, str(label)) for value, label in Grading.choices]),
        ("regime", [(value, str(label)) for value, label in Standard.Regime.choices]),
        ("industries", [(industry.code, str(industry)) for industry in Industry.objects.all()]),
        ("scales", list(SCALE_LABELS.items())),
    ]
    column = 1
    for key, rows in blocks:
        put(sheet, 1, column, key).font = bold
        put(sheet, 1, column + 1, _("Meaning")).font = bold
        for offset, (code, label) in enumerate(rows, start=2):
            put(sheet, offset, column, code)
            put(sheet, offset, column + 1, label)
        sheet.column_dimensions[get_column_letter(column)].width = 18
        sheet.column_dimensions[get_column_letter(column + 1)].width = 40
        column += 3
