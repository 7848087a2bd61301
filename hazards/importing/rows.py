"""One row of a ledger workbook as hazards.services.hazard_record takes it, or the
problems of its cells. Names are read in Chinese or English, or as codes; what a
row refers to (the 判定依据 items) is loaded once for the whole file."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.importing.rows import Cell, Problem
from enterprises.models import Enterprise
from hazards.importing.columns import COLUMNS_BY_KEY
from hazards.models import CatalogueItem, Hazard
from hazards.selectors import items_for
from portal.fields import limit_of

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_IN_BRACKETS = re.compile(r"[(（]([^)）]+)[)）]")
TEXT_KEYS: tuple[str, ...] = ("location", "description", "basis", "measures")
TEXT_KEYS += ("responsible_department", "responsible_person")
# Status names: whether the old ledger's row is closed (销号).
STATUSES = {"未销号": False, "open": False, "待整改": False, "整改中": False}
STATUSES |= {"已销号": True, "closed": True, "销号": True}
MAX_FUNDS = Decimal("999999999999.99")  # max_digits=14, decimal_places=2


def _key(text: object) -> str:
    return "".join(str(text).split()).casefold()


def _names(choices: type[TextChoices]) -> dict[str, str]:
    """Every name of each choice: its code, its label in English and Chinese, and the
    Chinese term in the label's brackets (“Self-inspection (自查)” → 自查)."""
    names: dict[str, str] = {}
    for value, label in choices.choices:
        names[_key(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                text = str(label)
            names[_key(text)] = value
            for term in _IN_BRACKETS.findall(text):
                names[_key(term)] = value
    return names


class CellError(Exception):
    pass


@dataclass
class CheckedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)  # hazard_record's fields
    closed_on: datetime.date | None = None
    problems: list[Problem] = field(default_factory=list)


class RowReader:
    """Turns a row's cells into hazard_record's fields, collecting every problem."""

    def __init__(self, enterprise: Enterprise) -> None:
        self.sources = _names(Hazard.Source)
        self.categories = _names(Hazard.Category)
        self.grades = _names(Hazard.Grade)
        self.items: dict[str, CatalogueItem | None] = {}
        for item in items_for(enterprise):
            # A code two catalogues share is ambiguous alone, not with its catalogue.
            code = _key(item.code)
            self.items[code] = None if code in self.items else item
            self.items[_key(f"{item.version.catalogue.code} {item.code}")] = item

    def read(self, row: int, cells: dict[str, Cell]) -> CheckedRow:
        result = CheckedRow(row)
        closed = False
        for key, cell in cells.items():
            if cell.is_formula:
                result.problems.append(
                    Problem(
                        row,
                        cell.header,
                        _("Cell %(cell)s holds a formula; enter plain values.")
                        % {"cell": cell.coordinate},
                    )
                )
                continue
            try:
                if key == "status":
                    closed = self._status(cell.value)
                elif key == "closed_on":
                    result.closed_on = self._date(cell.value, required=False)
                else:
                    value = getattr(self, f"_{key}", self._plain(key))(cell.value)
                    if value not in (None, ""):
                        result.values[key if key != "major_code" else "major_basis"] = value
            except CellError as error:
                result.problems.append(Problem(row, cell.header, str(error)))
        if closed and result.closed_on is None and not result.problems:
            header = cells["closed_on"].header if "closed_on" in cells else "销号日期"
            result.problems.append(
                Problem(row, header, _("A closed hazard needs the day it was closed."))
            )
        if not closed:
            result.closed_on = None
        return result

    # -- the columns ------------------------------------------------------------

    def _plain(self, key: str) -> Any:
        def text(value: object) -> str:
            return self._text(value, key)

        return text

    def _found_on(self, value: object) -> datetime.date | None:
        return self._date(value)

    def _deadline(self, value: object) -> datetime.date | None:
        return self._date(value)

    def _source(self, value: object) -> str:
        return self._choice(value, self.sources)

    def _category(self, value: object) -> str:
        return self._choice(value, self.categories)

    def _grade(self, value: object) -> str:
        return self._choice(value, self.grades)

    def _major_code(self, value: object) -> CatalogueItem | None:
        text = self._text(value, "major_code", limit=False)
        if not text:
            return None
        item = self.items.get(_key(text))
        if item is None:
            if _key(text) in self.items:
                raise CellError(
                    _(
                        "“%(value)s” is in more than one catalogue; write the catalogue's code first."
                    )
                    % {"value": text}
                )
            raise CellError(
                _("“%(value)s” is not an item of a major-hazard catalogue for this enterprise.")
                % {"value": text}
            )
        return item

    def _funds(self, value: object) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
        if not number.is_finite() or number < 0 or number > MAX_FUNDS:
            raise CellError(_("Funds are a number of yuan, not negative."))
        return number.quantize(Decimal("0.01"))

    def _status(self, value: object) -> bool:
        closed = STATUSES.get(_key(value or ""))
        if closed is None:
            raise CellError(
                _("“%(value)s” is not a status; write 未销号 or 已销号.") % {"value": value or ""}
            )
        return closed

    # -- helpers -------------------------------------------------------------------

    def _text(self, value: object, key: str, *, limit: bool = True) -> str:
        if isinstance(value, datetime.date | datetime.time | bool):
            raise CellError(_("Expected text here, not %(value)s.") % {"value": value})
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if limit and key in TEXT_KEYS:
            most = limit_of(Hazard, key)
            if len(text) > most:
                raise CellError(
                    _("At most %(limit)d characters; this has %(n)d.")
                    % {"limit": most, "n": len(text)}
                )
        if not text and COLUMNS_BY_KEY[key].required:
            raise CellError(_("Required, but the cell is empty."))
        return text

    def _choice(self, value: object, names: dict[str, str]) -> str:
        if value is None or not str(value).strip():
            raise CellError(_("Required, but the cell is empty."))
        choice = names.get(_key(value))
        if choice is None:
            raise CellError(
                _("“%(value)s” is not one of the values in the sheet “Valid values”.")
                % {"value": value}
            )
        return choice

    def _date(self, value: object, *, required: bool = True) -> datetime.date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise CellError(_("Required, but the cell is empty."))
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        match = _DATE_TEXT.match(str(value).strip()) if isinstance(value, str) else None
        if match:
            try:
                return datetime.date(*map(int, match.groups()))
            except ValueError:
                pass
        raise CellError(
            _("“%(value)s” is not a date. Write it as 2026-03-15 or format the cell as a date.")
            % {"value": value}
        )
