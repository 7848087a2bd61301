"""Reading an uploaded ledger: the enterprise import's streaming reader
(enterprises/importing/reading.py), with this workbook's columns."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from enterprises.importing.columns import normalise_header
from enterprises.importing.reading import Sheet, xlsx_problem
from enterprises.importing.rows import Problem
from hazards.importing.columns import COLUMNS, HEADER_LOOKUP

__all__ = ["LedgerSheet", "xlsx_problem"]


class LedgerSheet(Sheet):
    def read_header(self) -> list[Problem]:
        """Map row 1 to the columns; an unknown, repeated or missing column is a problem."""
        problems: list[Problem] = []
        for cell in next(self._rows, ()):
            text = str(cell.value or "").strip()
            if not text:
                continue
            letter = get_column_letter(cell.column)
            column = HEADER_LOOKUP.get(normalise_header(text))
            if column is None:
                problems.append(
                    Problem(
                        1,
                        text,
                        _("Unknown column “%(header)s” (column %(letter)s).")
                        % {"header": text, "letter": letter},
                    )
                )
            elif column.key in self.headers:
                problems.append(
                    Problem(
                        1,
                        text,
                        _("Column “%(header)s” (column %(letter)s) is there twice.")
                        % {"header": text, "letter": letter},
                    )
                )
            else:
                self.columns[cell.column] = column
                self.headers[column.key] = text
        missing = [c.header() for c in COLUMNS if c.required and c.key not in self.headers]
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
