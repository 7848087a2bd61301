"""The periods of the snapshots: a day (2026-12-06), a month (2026-12), a quarter
(2026-Q4) or a year (2026), each with its first and last day."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

DAY, MONTH, QUARTER, YEAR = "day", "month", "quarter", "year"
KINDS: tuple[str, ...] = (DAY, MONTH, QUARTER, YEAR)
# The kinds kept for good (day rows are pruned after SNAPSHOT_DAY_ROWS_KEPT days).
LASTING: tuple[str, ...] = (MONTH, QUARTER, YEAR)


@dataclass(frozen=True)
class Period:
    kind: str
    code: str
    start: datetime.date
    end: datetime.date  # inclusive

    def previous(self) -> Period:
        return period_of(self.kind, self.start - datetime.timedelta(days=1))


def _month_end(year: int, month: int) -> datetime.date:
    first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


def period_of(kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    if kind == DAY:
        return Period(DAY, day.isoformat(), day, day)
    if kind == MONTH:
        return Period(
            MONTH,
            f"{day.year}-{day.month:02d}",
            day.replace(day=1),
            _month_end(day.year, day.month),
        )
    if kind == QUARTER:
        quarter = (day.month - 1) // 3 + 1
        return Period(
            QUARTER,
            f"{day.year}-Q{quarter}",
            datetime.date(day.year, 3 * quarter - 2, 1),
            _month_end(day.year, 3 * quarter),
        )
    if kind == YEAR:
        return Period(
            YEAR, str(day.year), datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
        )
    raise ValueError(kind)


_PATTERNS = {
    DAY: r"(\d{4})-(\d{2})-(\d{2})",
    MONTH: r"(\d{4})-(\d{2})",
    QUARTER: r"(\d{4})-Q([1-4])",
    YEAR: r"(\d{4})",
}


def parse(kind: str, code: str) -> Period:
    """The period of ``kind`` written ``code``; ValueError when it is not one."""
    match = re.fullmatch(_PATTERNS.get(kind, "(?!)"), (code or "").strip().upper())
    if not match:
        raise ValueError(code)
    numbers = [int(part) for part in match.groups()]
    if kind == DAY:
        return period_of(DAY, datetime.date(*numbers))
    if kind == MONTH:
        return period_of(MONTH, datetime.date(numbers[0], numbers[1], 1))
    if kind == QUARTER:
        return period_of(QUARTER, datetime.date(numbers[0], 3 * numbers[1] - 2, 1))
    return period_of(YEAR, datetime.date(numbers[0], 1, 1))


def last(kind: str, count: int, today: datetime.date) -> list[Period]:
    """The ``count`` periods of ``kind`` up to the one holding ``today``, oldest first."""
    found = [period_of(kind, today)]
    while len(found) < count:
        found.append(found[-1].previous())
    return found[::-1]


def months(first: Period, final: Period) -> list[Period]:
    """Every month from ``first`` to ``final`` (both months), oldest first."""
    found: list[Period] = []
    current = first
    while current.start <= final.start:
        found.append(current)
        current = period_of(MONTH, current.end + datetime.timedelta(days=1))
    return found
