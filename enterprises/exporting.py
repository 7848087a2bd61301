"""Export of the registry to Excel, in the import template's columns, so an
exported file can be edited and imported again."""

from __future__ import annotations

import tempfile
from typing import IO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font

from enterprises import pages
from enterprises.importing.columns import COLUMNS, READ_ONLY_COLUMNS
from enterprises.importing.template import scale_name, sheet_names
from portal.db_router import reads_from_replica
from portal.xlsx import append_row, cell

CHUNK_SIZE = 2000


def _row(enterprise) -> list:
    return [
        enterprise.name,
        enterprise.uscc,
        str(enterprise.region),
        str(enterprise.street) if enterprise.street_id else None,
        enterprise.address or None,
        str(enterprise.industry) if enterprise.industry_id else None,
        scale_name(enterprise.scale) if enterprise.scale else None,
        enterprise.employees,
        enterprise.annual_revenue,
        enterprise.legal_representative or None,
        enterprise.safety_principal or None,
        enterprise.contact_name or None,
        enterprise.contact_phone or None,
        enterprise.group.name if enterprise.group_id else None,
        enterprise.safety_licence_no or None,
        enterprise.safety_licence_expires,
    ]


def _write_chunk(sheet, enterprises: list) -> None:
    """Rows of a chunk, with the grade columns read in one query per chunk."""
    standing = pages.standing().rows([enterprise.pk for enterprise in enterprises])
    for enterprise in enterprises:
        row = _row(enterprise)
        if row[-1] is not None:
            row[-1] = cell(sheet, row[-1])
            row[-1].number_format = "yyyy-mm-dd"
        held = standing.get(enterprise.pk)
        valid_until = cell(sheet, held["valid_until"]) if held else None
        if valid_until is not None:
            valid_until.number_format = "yyyy-mm-dd"
        row += [held["grade"] if held else None, valid_until]
        append_row(sheet, row)  # user text stays text, never a formula


@reads_from_replica()
def export_enterprises(qs: QuerySet) -> IO[bytes]:
    """Write the enterprises to an xlsx in a temporary file, rewound for reading.

    The write-only workbook streams rows to disk, so memory stays flat
    whatever the number of enterprises.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_names()[0])
    columns = [*COLUMNS, *READ_ONLY_COLUMNS]
    for index, column in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        heading = cell(sheet, column.header())
        heading.font = bold
        header.append(heading)
    append_row(sheet, header)
    qs = qs.select_related("region", "street", "industry", "group")
    chunk: list = []
    for enterprise in qs.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(enterprise)
        if len(chunk) == CHUNK_SIZE:
            _write_chunk(sheet, chunk)
            chunk = []
    _write_chunk(sheet, chunk)
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output
