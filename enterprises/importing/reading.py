"""Reading an uploaded workbook: is it an xlsx at all, which columns it has, its rows.

openpyxl's read-only mode streams the sheet, so a 20,000-row file is read
without holding a model of every cell in memory.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from enterprises.importing.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    HEADER_LOOKUP,
    READ_ONLY_HEADERS,
    Column,
    normalise_header,
)
from enterprises.importing.rows import Cell, Problem

XLSX_WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# A 10 MB upload that unpacks to more than this is not an honest spreadsheet.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def xlsx_problem(fileobj: IO[bytes]) -> str | None:
    """Why the file is not an Excel workbook (.xlsx), judged by its content, or None."""
    not_xlsx = _(
        "This file is not an Excel workbook (.xlsx). Open it in Excel or WPS, save it "
        "as “Excel Workbook (*.xlsx)” and upload that file."
    )
    fileobj.seek(0)
    try:
        if not zipfile.is_zipfile(fileobj):
            return not_xlsx
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            if "[Content_Types].xml" not in archive.namelist():
                return not_xlsx
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if XLSX_WORKBOOK_TYPE not in content_types:
                # .xlsm (macros) and .xltx (template) share the zip layout.
                return not_xlsx
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return _(
                    "This workbook unpacks to more than %(mb)d MB; split it into smaller files."
                ) % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
    except (zipfile.BadZipFile, OSError, KeyError):
        return not_xlsx
    finally:
        fileobj.seek(0)
    return None


class Sheet:
    """The first worksheet of an uploaded workbook, read as a stream."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        self.workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
        self.worksheet = self.workbook.worksheets[0]
        # The dimension the file declares gives the total for the progress
        # bar; it can be missing or wrong, so the rows are then counted, and
        # read without relying on it either way.
        declared = self.worksheet.max_row or 0
        if not 1 < declared <= 200_000:
            declared = self._count_row_tags()
        self.estimated_rows = max(0, declared - 1)
        self.worksheet.reset_dimensions()
        self._rows = self.worksheet.iter_rows()
        self.columns: dict[int, Column] = {}  # 1-based column index -> Column
        self.headers: dict[str, str] = {}  # column key -> header as written

    def _count_row_tags(self) -> int:
        """The sheet's <row> elements, counted in its XML as a byte stream
        (fast, little memory); 0 if the sheet cannot be found."""
        try:
            # Private to openpyxl's read-only worksheet; guarded because of that.
            stream = self.workbook._archive.open(self.worksheet._worksheet_path)
        except (AttributeError, KeyError, OSError):
            return 0
        count, carry = 0, b""
        with stream:
            while chunk := stream.read(1 << 20):
                data = carry + chunk
                last_end = 0
                for match in _ROW_TAG.finditer(data):
                    count += 1
                    last_end = match.end()
                carry = data[max(last_end, len(data) - 32) :]
        return count

    def close(self) -> None:
        self.workbook.close()

    def read_header(self) -> list[Problem]:
        """Map row 1 to the template's columns; every missing, unknown or
        duplicated column is a problem."""
        header_cells = next(self._rows, ())
        problems: list[Problem] = []
        seen: dict[str, str] = {}
        for cell in header_cells:
            if cell.value is None or not str(cell.value).strip():
                continue  # an empty header: a column left blank, ignored
            text = str(cell.value).strip()
            letter = get_column_letter(cell.column)
            if normalise_header(text) in READ_ONLY_HEADERS:
                continue  # the export's read-only columns (grade, validity)
            column = HEADER_LOOKUP.get(normalise_header(text))
            if column is None:
                problems.append(
                    Problem(
                        1,
                        text,
                        _(
                            "Unknown column “%(header)s” (column %(letter)s). Use the headers of the "
                            "template; remove or rename this column."
                        )
                        % {"header": text, "letter": letter},
                    )
                )
            elif column.key in seen:
                problems.append(
                    Problem(
                        1,
                        text,
                        _(
                            "Column “%(header)s” (column %(letter)s) repeats column “%(first)s”; keep "
                            "only one of them."
                        )
                        % {"header": text, "letter": letter, "first": seen[column.key]},
                    )
                )
            else:
                seen[column.key] = text
                self.columns[cell.column] = column
                self.headers[column.key] = text
        # Name missing columns in the language the file's headers are in.
        english = sum(
            normalise_header(text) == normalise_header(COLUMNS_BY_KEY[key].en)
            for key, text in self.headers.items()
        )
        chinese = len(self.headers) - english
        missing = [
            column.en if english > chinese else column.zh
            for column in COLUMNS
            if column.key not in seen
        ]
        if missing:
            problems.append(
                Problem(
                    1,
                    "",
                    _("Row 1 must hold the template's column headers. Missing: %(columns)s.")
                    % {"columns": "、".join(missing)},
                )
            )
        return problems

    def rows(self) -> Iterator[tuple[int, dict[str, Cell]]]:
        """(row number, cells by column key) for every row below the header
        that has any value; empty rows are skipped."""
        number = 1
        for cells in self._rows:
            number += 1
            values: dict[str, Cell] = {}
            for cell in cells:
                if cell.value is None:
                    continue
                number = cell.row  # rows can be missing from the file's XML
                column = self.columns.get(cell.column)
                if column is None:
                    continue
                if isinstance(cell.value, str) and not cell.value.strip():
                    continue
                values[column.key] = Cell(
                    cell.value,
                    cell.coordinate,
                    self.headers[column.key],
                    is_formula=cell.data_type == "f",
                )
            if values:
                # Absent cells are empty, so every row has every column.
                for key, header in self.headers.items():
                    values.setdefault(key, Cell(None, "", header))
                yield number, values
