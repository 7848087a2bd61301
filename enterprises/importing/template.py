"""The downloadable import template: the header row, and a sheet of valid values."""

from __future__ import annotations

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from enterprises.importing.columns import COLUMNS, COLUMNS_BY_KEY
from enterprises.importing.rows import SCALE_NAMES
from enterprises.models import Enterprise
from portal.models import Industry, Organisation, OrganisationKind, Region, Street
from portal.xlsx import put

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def _english() -> bool:
    return (get_language() or "").startswith("en")


def sheet_names() -> tuple[str, str]:
    return ("Enterprises", "Valid values") if _english() else ("企业", "可选值")


def scale_name(code: str) -> str:
    zh, en = SCALE_NAMES[code]
    return en if _english() else zh


def write_header(worksheet) -> None:
    """The header row of a normal (not write-only) sheet, styled and explained."""
    for index, column in enumerate(COLUMNS, start=1):
        cell = put(worksheet, 1, index, column.header())
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        if column.help:
            cell.comment = Comment(str(column.help), "portal")
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
        # Text cells stay text: Excel would turn a long code into 9.1E+17.
        if column.key in ("uscc", "contact_phone", "safety_licence_no"):
            worksheet.column_dimensions[get_column_letter(index)].number_format = "@"
    worksheet.freeze_panes = "A2"


def build_template(*, region: Region | None = None) -> bytes:
    """An empty workbook to fill in. A district's template lists only its own
    streets; the city office's lists every district's."""
    workbook = Workbook()
    data = workbook.active
    data.title, values_title = sheet_names()
    write_header(data)
    values = workbook.create_sheet(values_title)
    _write_valid_values(values, region)
    _add_dropdowns(data, values_title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_valid_values(sheet: Worksheet, region: Region | None) -> None:
    bold = Font(bold=True)
    regions = [region] if region is not None else list(Region.objects.all())
    streets = Street.objects.select_related("region").order_by("region_id", "code")
    if region is not None:
        streets = streets.filter(region=region)
    blocks: list[tuple[list[str], list[tuple[object, ...]]]] = [
        # (column headings, rows)
        ([COLUMNS_BY_KEY["region"].header(), _("Code")], [(str(r), r.code) for r in regions]),
        (
            [COLUMNS_BY_KEY["street"].header(), _("Code"), COLUMNS_BY_KEY["region"].header()],
            [(str(s), s.code, str(s.region)) for s in streets],
        ),
        (
            [COLUMNS_BY_KEY["industry"].header(), _("Code"), _("Needs a safety licence")],
            [
                (str(i), i.code, _("yes") if i.requires_safety_licence else "")
                for i in Industry.objects.all()
            ],
        ),
        (
            [COLUMNS_BY_KEY["scale"].header(), _("Code")],
            [(scale_name(code), code) for code in Enterprise.Scale.values],
        ),
        (
            [COLUMNS_BY_KEY["group"].header()],
            [
                (name,)
                for name in Organisation.objects.filter(kind=OrganisationKind.GROUP)
                .order_by("name")
                .values_list("name", flat=True)
            ],
        ),
    ]
    column = 1
    for headings, rows in blocks:
        for offset, heading in enumerate(headings):
            cell = put(sheet, 1, column + offset, heading)
            cell.font = bold
            sheet.column_dimensions[get_column_letter(column + offset)].width = 18
        for row_index, row in enumerate(rows, start=2):
            for offset, value in enumerate(row):
                put(sheet, row_index, column + offset, value)  # names typed by users
        column += len(headings) + 1  # a blank column between blocks


def _add_dropdowns(data, values_title: str) -> None:
    """Drop-down lists on the district, industry and scale columns, fed from
    the valid-values sheet (streets depend on the district, so they get none)."""
    values = data.parent[values_title]
    starts = {}
    column = 1
    for key, width in (("region", 2), ("street", 3), ("industry", 3), ("scale", 2), ("group", 1)):
        starts[key] = column
        column += width + 1
    for key in ("region", "industry", "scale"):
        letter = get_column_letter(starts[key])
        last = _last_row(values, starts[key])
        validation = DataValidation(
            type="list",
            formula1=f"'{values_title}'!${letter}$2:${letter}${last}",
            allow_blank=True,
            showErrorMessage=False,
        )
        data.add_data_validation(validation)
        target = get_column_letter(list(COLUMNS_BY_KEY).index(key) + 1)
        validation.add(f"{target}2:{target}20001")


def _last_row(sheet, column: int) -> int:
    row = 2
    while sheet.cell(row=row + 1, column=column).value is not None:
        row += 1
    return row
