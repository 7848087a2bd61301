"""The filters of the statistics tables (district × street × industry × scale ×
grade, and the review unit for the review table; the row dimension and the period), read from a query string and checked against the
user's scope: a code that does not exist, a street of another district, a place
outside the user's area or a period in the future or before 2000 is refused with
a message, never answered with figures of another scope."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from portal import permissions
from portal.models import Industry, Organisation, Region, Street, User
from portal.models import OrganisationKind as Kind
from reporting.statistics import grades

# Who reads the statistics: the government roles and the organising units.
READER_KINDS: tuple[str, ...] = (
    Kind.CITY_OFFICE,
    Kind.DISTRICT,
    Kind.STREET,
    Kind.REGULATOR,
    Kind.ORGANISING_UNIT,
)
# Row dimension -> the enterprise column it groups on.
DIMENSIONS: dict[str, str] = {
    "district": "region_id",
    "street": "street__code",
    "industry": "industry_id",
    "scale": "scale",
    "grade": "",  # a subquery on the certificates (grades.py)
}
# Dimensions of some tables only: name -> the tables.
TABLE_DIMENSIONS: dict[str, tuple[str, ...]] = {"review_unit": ("reviews",)}
# "none" as a filter value: enterprises without that attribute (a row of its own).
NONE = "none"
FIRST_YEAR = 2000
PARAMS = (
    "dimension",
    "district",
    "street",
    "industry",
    "scale",
    "grade",
    "review_unit",
    "period",
)


def dimensions_of(table: str) -> list[str]:
    return [*DIMENSIONS, *(d for d, tables in TABLE_DIMENSIONS.items() if table in tables)]


def may_read(user: Any) -> bool:
    return permissions.acts_for(user, *READER_KINDS)


class FilterError(ValueError):
    pass


@dataclass
class Period:
    code: str
    start: datetime.date
    end: datetime.date  # inclusive

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware moments of the portal's time zone."""
        zone = timezone.get_current_timezone()
        begin = datetime.datetime.combine(self.start, datetime.time.min, zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, zone
        )
        return begin, after


@dataclass
class Filters:
    dimension: str
    district: str = ""
    street: str = ""
    industry: str = ""
    scale: str = ""
    grade: str = ""
    review_unit: str = ""  # an organisation id, NONE, or empty
    period: Period = field(default_factory=lambda: parse_period(""))
    today: datetime.date = field(default_factory=timezone.localdate)

    def query(self, **override: str) -> dict[str, str]:
        """The filters as query parameters (empty ones left out)."""
        values = {
            "dimension": self.dimension,
            "district": self.district,
            "street": self.street,
            "industry": self.industry,
            "scale": self.scale,
            "grade": self.grade,
            "review_unit": self.review_unit,
            "period": self.period.code,
        }
        values.update(override)
        return {key: value for key, value in values.items() if value}

    def enterprise_q(self, path: str = "") -> Q:
        condition = Q()
        for value, column in (
            (self.district, "region_id"),
            (self.street, "street__code"),
            (self.industry, "industry_id"),
            (self.scale, "scale"),
        ):
            if value == NONE:
                condition &= (
                    Q(**{path + "scale": ""})
                    if column == "scale"
                    else Q(**{path + column.split("__")[0] + "__isnull": True})
                )
            elif value:
                condition &= Q(**{path + column: value})
        if self.grade:
            condition &= grades.grade_q(path, self.grade, self.today)
        return condition


def default_dimension(user: User) -> str:
    kind = user.organisation.kind if user.organisation else ""
    defaults: dict[str, str] = {Kind.DISTRICT: "street", Kind.STREET: "industry"}
    return defaults.get(str(kind), "district")


def parse_period(value: str, today: datetime.date | None = None) -> Period:
    """ "2026" (a year) or "2026-Q2" (a quarter); empty: this year."""
    today = today or timezone.localdate()
    value = (value or "").strip().upper()
    if not value:
        return Period(str(today.year), datetime.date(today.year, 1, 1), today)
    match = re.fullmatch(r"(\d{4})(?:-Q([1-4]))?", value)
    if not match:
        raise FilterError(_("The period must be a year (2026) or a quarter (2026-Q2)."))
    year = int(match.group(1))
    if match.group(2):
        quarter = int(match.group(2))
        start = datetime.date(year, 3 * quarter - 2, 1)
        end_month = 3 * quarter
        end = datetime.date(year + end_month // 12, end_month % 12 + 1, 1) - datetime.timedelta(1)
    else:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if year < FIRST_YEAR:
        raise FilterError(_("The portal has no figures before %(year)s.") % {"year": FIRST_YEAR})
    if start > today:
        raise FilterError(_("The period %(period)s has not begun yet.") % {"period": value})
    return Period(value, start, min(end, today))


def parse_filters(
    user: User, data: Any, today: datetime.date | None = None, table: str = ""
) -> Filters:
    """The filters of ``data`` (a QueryDict) for ``table``, checked; raises FilterError."""

    def get(name: str) -> str:
        return str(data.get(name, "") or "").strip()

    org = user.organisation
    assert org is not None  # may_read: an active organisation
    dimension = get("dimension") or default_dimension(user)
    if dimension not in dimensions_of(table):
        raise FilterError(_("Unknown row dimension: %(value)s.") % {"value": dimension})
    district, street, industry, scale = (
        get("district"),
        get("street"),
        get("industry"),
        get("scale"),
    )
    outside = _("%(value)s is outside your area.")
    if district:
        if not Region.objects.filter(pk=district).exists():
            raise FilterError(_("Unknown district code: %(value)s.") % {"value": district})
        if org.kind in (str(Kind.DISTRICT), str(Kind.STREET)) and district != org.region_id:
            raise FilterError(outside % {"value": district})
    if street and street != NONE:
        found = Street.objects.filter(code=street).values_list("region_id", "pk").first()
        if found is None:
            raise FilterError(_("Unknown street code: %(value)s.") % {"value": street})
        place, street_id = found
        if district and place != district:
            raise FilterError(
                _("Street %(street)s is not in district %(district)s.")
                % {"street": street, "district": district}
            )
        if (org.kind == Kind.DISTRICT and place != org.region_id) or (
            org.kind == Kind.STREET and street_id != org.street_id
        ):
            raise FilterError(outside % {"value": street})
    if industry and industry != NONE:
        if not Industry.objects.filter(pk=industry).exists():
            raise FilterError(_("Unknown industry code: %(value)s.") % {"value": industry})
    if scale and scale != NONE and scale not in Enterprise.Scale.values:
        raise FilterError(_("Unknown scale: %(value)s.") % {"value": scale})
    grade = get("grade")
    if grade and grade != NONE and grade not in grades.ORDER:
        raise FilterError(_("Unknown grade: %(value)s (1, 2, 3, pass or none).") % {"value": grade})
    return Filters(
        dimension=dimension,
        district=district,
        street=street,
        industry=industry,
        scale=scale,
        grade=grade,
        review_unit=_review_unit(get("review_unit"), table),
        period=parse_period(get("period"), today),
        today=today or timezone.localdate(),
    )


def _review_unit(value: str, table: str) -> str:
    if not value or value == NONE and table in TABLE_DIMENSIONS["review_unit"]:
        return value
    if table not in TABLE_DIMENSIONS["review_unit"]:
        raise FilterError(_("Only the review table has a review unit filter."))
    units = Organisation.objects.filter(kind=Kind.REVIEW_UNIT)
    if not value.isdigit() or not units.filter(pk=int(value)).exists():
        raise FilterError(_("Unknown review unit: %(value)s.") % {"value": value})
    return value
