"""Writing cells of the workbooks the portal hands out, with text kept text.

A value typed by a user ("=HYPERLINK(…)", "+cmd|…", "@SUM(…)") must never
become a live formula in someone else's Excel. openpyxl turns every string
starting with "=" into a formula, and Excel re-reads a cell starting with
"=", "+", "-", "@", a tab or a carriage return as one when it is edited.
Such text is written as a string cell with Excel's quote prefix (what typing
a leading ' does): shown and read back unchanged, so an exported file still
imports as it was, but never evaluated. Control characters that xlsx cannot
hold are dropped instead of failing the whole export.

Every writer goes through ``put`` (normal sheets) or ``append_row``
(write-only sheets); tests/enterprises/test_export_formulas.py keeps it so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def keep_text(cell):
    """Marks a cell whose string could be read as a formula as plain text."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put(sheet, row: int, column: int, value: Any):
    """Writes one cell of a normal sheet; returns it for styling."""
    return keep_text(sheet.cell(row=row, column=column, value=clean_text(value)))


def cell(sheet, value: Any) -> WriteOnlyCell:
    """A cell for a write-only sheet, to style before ``append_row``."""
    return keep_text(WriteOnlyCell(sheet, value=clean_text(value)))


def append_row(sheet, values: Iterable[Any]) -> None:
    """Appends a row to a write-only sheet; values may be cells from ``cell``.
    Plain values stay plain (a cell object each would slow a large export)."""
    row = []
    for value in values:
        if isinstance(value, str):
            value = clean_text(value)
            if value.startswith(FORMULA_TRIGGERS):
                value = cell(sheet, value)
        row.append(value)
    sheet.append(row)
