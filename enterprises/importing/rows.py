"""Checking one row of an enterprise workbook against the registry's rules.

Everything a row refers to (districts, streets, industries, groups) is loaded
once into dictionaries, so checking 20,000 rows costs no query per row.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.uscc import normalise_uscc, uscc_errors
from portal.fields import limit_of
from portal.models import Industry, Organisation, OrganisationKind, Region, Street

# Names in the workbook, per scale code: Chinese first (what exports write).
SCALE_NAMES: dict[str, tuple[str, str]] = {
    Enterprise.Scale.ABOVE: ("规模以上", "Above designated size"),
    Enterprise.Scale.BELOW: ("规模以下", "Below designated size"),
    Enterprise.Scale.SMALL_MICRO: ("小微", "Small and micro"),
}

TEXT_FIELDS = [
    "name",
    "address",
    "legal_representative",
    "safety_principal",
    "contact_name",
    "contact_phone",
    "safety_licence_no",
]
MAX_EMPLOYEES = 10_000_000
CENT = Decimal("0.01")
MAX_REVENUE = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _key(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass
class Cell:
    value: Any
    coordinate: str  # "B7", named in messages about formulas
    header: str  # the header as written in the file
    is_formula: bool = False


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class CheckedRow:
    row: int
    values: dict[str, Any]  # Enterprise field name -> value (ids for relations)
    problems: list[Problem] = field(default_factory=list)


class ReferenceData:
    """Districts, streets, industries, scales and groups, by every name a user may write."""

    def __init__(self) -> None:
        self.regions: dict[str, Region] = {}
        for region in Region.objects.all():
            for name in (region.code, region.name, region.name_en):
                if name:
                    self.regions[_key(name)] = region
        self.streets_by_code: dict[str, Street] = {}
        self.streets_by_name: dict[tuple[str, str], Street] = {}
        self.street_regions: dict[str, set[str]] = {}  # name -> districts having one
        for street in Street.objects.all():
            self.streets_by_code[_key(street.code)] = street
            for name in (street.name, street.name_en):
                if name:
                    self.streets_by_name[(street.region_id, _key(name))] = street
                    self.street_regions.setdefault(_key(name), set()).add(street.region_id)
        self.industries: dict[str, Industry] = {}
        for industry in Industry.objects.all():
            for name in (industry.code, industry.name, industry.name_en):
                if name:
                    self.industries[_key(name)] = industry
        self.scales: dict[str, str] = {}
        for code, label in Enterprise.Scale.choices:
            for name in (code, str(label), *SCALE_NAMES[code]):
                self.scales[_key(name)] = code
        self.groups: dict[str, int] = {
            _key(name): pk
            for pk, name in Organisation.objects.filter(kind=OrganisationKind.GROUP).values_list(
                "pk", "name"
            )
        }
        self.region_names = {region.pk: str(region) for region in self.regions.values()}


class RowChecker:
    """Turns the cells of one row into Enterprise field values, or problems.

    ``scope_region`` is the importer's district; None for the city office,
    which may import enterprises of any district.
    """

    def __init__(self, refs: ReferenceData, scope_region: str | None) -> None:
        self.refs = refs
        self.scope_region = scope_region

    def check(self, row: int, cells: dict[str, Cell]) -> CheckedRow:
        result = CheckedRow(row=row, values={})
        for key, cell in cells.items():
            if cell.is_formula:
                result.problems.append(
                    Problem(
                        row,
                        cell.header,
                        _(
                            "Cell %(cell)s holds a formula (%(formula)s). Enter plain values: copy the "
                            "cells and paste them as values only."
                        )
                        % {"cell": cell.coordinate, "formula": str(cell.value)[:60]},
                    )
                )
                continue
            try:
                result.values.update(getattr(self, f"_clean_{key}")(cell.value))
            except CellError as error:
                for message in error.messages:
                    result.problems.append(Problem(row, cell.header, message))
        self._check_together(result, cells)
        return result

    # -- the columns ------------------------------------------------------

    def _clean_name(self, value):
        return {"name": self._text(value, "name", required=True)}

    def _clean_uscc(self, value):
        code = normalise_uscc(self._text(value, "uscc", required=True, limit=False))
        errors = uscc_errors(code)
        if errors:
            raise CellError(*errors)
        return {"uscc": code}

    def _clean_region(self, value):
        text = self._text(value, "region", required=True, limit=False)
        region = self.refs.regions.get(_key(text))
        if region is None:
            raise CellError(
                _(
                    "“%(value)s” is not a district. Use a name or code from the sheet "
                    "“Valid values”."
                )
                % {"value": text}
            )
        if self.scope_region is not None and region.pk != self.scope_region:
            raise CellError(
                _("%(district)s is not your district; you can import only enterprises of %(own)s.")
                % {"district": region, "own": self.refs.region_names[self.scope_region]}
            )
        return {"region_id": region.pk}

    def _clean_street(self, value):
        # Resolved with the row's district in _check_together.
        return {"_street": self._text(value, "street", limit=False)}

    def _clean_industry(self, value):
        text = self._text(value, "industry", limit=False)
        if not text:
            return {"industry_id": None}
        industry = self.refs.industries.get(_key(text))
        if industry is None:
            raise CellError(
                _(
                    "“%(value)s” is not an industry. Use a name or code from the "
                    "sheet “Valid values”."
                )
                % {"value": text}
            )
        return {"industry_id": industry.pk}

    def _clean_scale(self, value):
        text = self._text(value, "scale", limit=False)
        if not text:
            return {"scale": ""}
        scale = self.refs.scales.get(_key(text))
        if scale is None:
            raise CellError(
                _("“%(value)s” is not a scale; write 规模以上, 规模以下 or 小微.") % {"value": text}
            )
        return {"scale": scale}

    def _clean_employees(self, value):
        if _blank(value):
            return {"employees": None}
        number = _number(value)
        if number is None or number != number.to_integral_value():
            raise CellError(_("“%(value)s” is not a whole number of employees.") % {"value": value})
        if number < 0:
            raise CellError(_("The number of employees cannot be negative."))
        if number > MAX_EMPLOYEES:
            raise CellError(
                _("%(value)s employees is more than any enterprise has; check the number.")
                % {"value": value}
            )
        return {"employees": int(number)}

    def _clean_annual_revenue(self, value):
        if _blank(value):
            return {"annual_revenue": None}
        number = _number(value)
        if number is None:
            raise CellError(
                _(
                    "“%(value)s” is not a number. Write the revenue in units of "
                    "10,000 yuan, e.g. 1250.5."
                )
                % {"value": value}
            )
        if number < 0:
            raise CellError(_("The annual revenue cannot be negative."))
        number = number.quantize(CENT, rounding=ROUND_HALF_UP)
        if number > MAX_REVENUE:
            raise CellError(
                _("%(value)s is too large for an annual revenue in 10,000 yuan.") % {"value": value}
            )
        return {"annual_revenue": number}

    def _clean_legal_representative(self, value):
        return {"legal_representative": self._text(value, "legal_representative")}

    def _clean_safety_principal(self, value):
        return {"safety_principal": self._text(value, "safety_principal")}

    def _clean_contact_name(self, value):
        return {"contact_name": self._text(value, "contact_name")}

    def _clean_contact_phone(self, value):
        return {"contact_phone": self._text(value, "contact_phone")}

    def _clean_address(self, value):
        return {"address": self._text(value, "address")}

    def _clean_group(self, value):
        text = self._text(value, "group", limit=False)
        if not text:
            return {"group_id": None}
        group = self.refs.groups.get(_key(text))
        if group is None:
            raise CellError(
                _("“%(value)s” is not an enterprise group registered in the portal.")
                % {"value": text}
            )
        return {"group_id": group}

    def _clean_safety_licence_no(self, value):
        return {"safety_licence_no": self._text(value, "safety_licence_no")}

    def _clean_safety_licence_expires(self, value):
        if _blank(value):
            return {"safety_licence_expires": None}
        if isinstance(value, datetime.datetime):
            return {"safety_licence_expires": value.date()}
        if isinstance(value, datetime.date):
            return {"safety_licence_expires": value}
        match = _DATE_TEXT.match(str(value).strip()) if isinstance(value, str) else None
        if match:
            try:
                return {"safety_licence_expires": datetime.date(*map(int, match.groups()))}
            except ValueError:
                pass
        raise CellError(
            _("“%(value)s” is not a date. Write it as 2027-06-30 or format the cell as a date.")
            % {"value": value}
        )

    # -- rules across columns --------------------------------------------

    def _check_together(self, result: CheckedRow, cells: dict[str, Cell]) -> None:
        values, row = result.values, result.row
        street_text = values.pop("_street", None)
        if not street_text:
            if street_text is not None:
                values["street_id"] = None
        elif "region_id" in values:  # else the district's problem is reported already
            street = self._street(values["region_id"], street_text)
            if isinstance(street, str):
                result.problems.append(Problem(row, cells["street"].header, street))
            else:
                values["street_id"] = street.pk
        industry = self.refs.industries.get(_key(values.get("industry_id") or ""))
        if (
            industry is not None
            and industry.requires_safety_licence
            and "safety_licence_no" in values
            and not values["safety_licence_no"]
        ):
            result.problems.append(
                Problem(
                    row,
                    cells["safety_licence_no"].header,
                    _("%(industry)s enterprises need a safety licence; enter its number.")
                    % {"industry": industry},
                )
            )

    def _street(self, region_id: str, text: str) -> Street | str:
        key = _key(text)
        street = self.refs.streets_by_code.get(key) or self.refs.streets_by_name.get(
            (region_id, key)
        )
        region_name = self.refs.region_names[region_id]
        if street is None:
            if key in self.refs.street_regions:
                return _("%(street)s is not in %(district)s.") % {
                    "street": text,
                    "district": region_name,
                }
            return _(
                "“%(value)s” is not a street or town of %(district)s. Use a name or code "
                "from the sheet “Valid values”."
            ) % {"value": text, "district": region_name}
        if street.region_id != region_id:
            return _("%(street)s is not in %(district)s.") % {
                "street": text,
                "district": region_name,
            }
        return street

    # -- helpers ------------------------------------------------------------

    def _text(self, value, key: str, *, required: bool = False, limit: bool = True) -> str:
        if isinstance(value, bool) or isinstance(value, datetime.date | datetime.time):
            raise CellError(_("Expected text here, not %(value)s.") % {"value": value})
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if required and not text:
            raise CellError(_("Required, but the cell is empty."))
        if limit:
            max_length = limit_of(Enterprise, key)
            if len(text) > max_length:
                raise CellError(
                    _("At most %(limit)d characters; this has %(n)d.")
                    % {"limit": max_length, "n": len(text)}
                )
        return text


class CellError(Exception):
    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = messages


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None
