"""Working days on the Chinese calendar: public holidays and make-up days (调休).

``chinese-calendar`` knows the years the State Council has published; beyond
them the portal falls back to Monday–Friday and says so (``is_estimated``).
"""

from __future__ import annotations

import datetime

import chinese_calendar


def _known(day: datetime.date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def is_estimated(start: datetime.date, end: datetime.date) -> bool:
    """True when part of the span lies beyond the published holiday calendars."""
    return not (_known(start) and _known(end))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_workday(day)
    return count
