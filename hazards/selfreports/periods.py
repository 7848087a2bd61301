"""Reporting periods and their due dates.

国家安全监管总局令第16号 第14条: the quarterly form is due by the 15th of the month
after the quarter, the annual one by 31 January of the next year (settings
SELF_REPORT_QUARTER_DUE_DAY, SELF_REPORT_YEAR_DUE). A district may require monthly
forms (ReportingRule), due on SELF_REPORT_MONTH_DUE_DAY of the next month (a
judgment call). With SELF_REPORT_DUE_NEXT_WORKDAY a due date that falls on a rest
day (a public holiday or a weekend that is not a make-up working day, per
portal/workdays.py) moves to the next working day (民法典 第203条)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from hazards.models import PeriodKind
from portal import workdays
from portal.errors import ServiceError


@dataclass(frozen=True, order=True)
class Period:
    kind: str  # PeriodKind
    year: int
    number: int = 0  # month 1–12, quarter 1–4, 0 for a year

    @property
    def start(self) -> datetime.date:
        if self.kind == PeriodKind.MONTH:
            return datetime.date(self.year, self.number, 1)
        if self.kind == PeriodKind.QUARTER:
            return datetime.date(self.year, 3 * self.number - 2, 1)
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        if self.kind == PeriodKind.MONTH:
            last_month = self.number
        elif self.kind == PeriodKind.QUARTER:
            last_month = 3 * self.number
        else:
            last_month = 12
        return datetime.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def key(self) -> str:
        """2026-Q3, 2026-Y, 2026-M07: reminders are sent once per key."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-M{self.number:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-Y"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.number}
        if self.kind == PeriodKind.QUARTER:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.number}
        return _("Year %(year)s") % {"year": self.year}

    def calendar_due(self) -> datetime.date:
        """The due date the rule names, before any move off a rest day."""
        after = self.end + datetime.timedelta(days=1)  # first day of the next period
        if self.kind == PeriodKind.YEAR:
            month, day = settings.SELF_REPORT_YEAR_DUE
            return _clamped(after.year, month, day)
        day = (
            settings.SELF_REPORT_QUARTER_DUE_DAY
            if self.kind == PeriodKind.QUARTER
            else settings.SELF_REPORT_MONTH_DUE_DAY
        )
        return _clamped(after.year, after.month, day)

    def due_on(self) -> datetime.date:
        due = self.calendar_due()
        if settings.SELF_REPORT_DUE_NEXT_WORKDAY:
            while not workdays.is_workday(due):
                due += datetime.timedelta(days=1)
        return due

    def previous(self) -> Period:
        if self.kind == PeriodKind.YEAR:
            return Period(self.kind, self.year - 1, 0)
        last = 12 if self.kind == PeriodKind.MONTH else 4
        if self.number == 1:
            return Period(self.kind, self.year - 1, last)
        return Period(self.kind, self.year, self.number - 1)


def _clamped(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def period_of(kind: str, year: object, number: object) -> Period:
    """A period from user input, or a ServiceError naming what is wrong."""
    if kind not in PeriodKind.values:
        raise ServiceError(_("Choose month, quarter or year."), field="period_kind")
    try:
        year_value = int(str(year))
        number_value = int(str(number or 0))
    except ValueError:
        raise ServiceError(_("Give the year and the period as numbers."), field="year") from None
    if not 2000 <= year_value <= 2100:
        raise ServiceError(_("Give a year between 2000 and 2100."), field="year")
    highest = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 0}[PeriodKind(kind)]
    lowest = 0 if kind == PeriodKind.YEAR else 1
    if not lowest <= number_value <= highest:
        raise ServiceError(
            _("The period must be between %(low)s and %(high)s.")
            % {"low": lowest, "high": highest},
            field="period",
        )
    return Period(kind, year_value, number_value)


def last_ended(kind: str, today: datetime.date) -> Period:
    """The latest period of this kind that has ended by ``today``."""
    if kind == PeriodKind.YEAR:
        return Period(kind, today.year - 1, 0)
    if kind == PeriodKind.QUARTER:
        return Period(kind, today.year, (today.month - 1) // 3 + 1).previous()
    return Period(kind, today.year, today.month).previous()


def open_periods(kinds: tuple[str, ...], today: datetime.date) -> list[Period]:
    """The ended periods of these kinds whose form is due today or later (what an
    enterprise is asked to file now, and what the reminders look at)."""
    found = []
    for kind in kinds:
        period = last_ended(kind, today)
        # A period may still be open after the next one has ended only for months.
        for _step in range(2):
            if period.due_on() >= today:
                found.append(period)
            period = period.previous()
    return sorted(set(found), key=lambda p: p.due_on())
