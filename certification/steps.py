"""How long each step of an application took, in working days, written on the
timeline when the step ends so that the statistics read a column instead of
replaying every timeline (reporting/statistics/reviews.py ``steps``).

A step is a stay in one state: the working days after the day it began up to and
including the day it ended, on the Chinese calendar (portal.workdays). The
on-site review's stays around a rectification are one step, because the review
clock stops while the enterprise rectifies (workflow.PAUSES_REVIEW_CLOCK): the
move into the rectification ends no step, and the move that finally ends the
review counts the stays before it too."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from certification.workflow import PAUSES_REVIEW_CLOCK
from portal import workdays


@functools.lru_cache(maxsize=4096)
def _working_days(start: datetime.date, end: datetime.date) -> int:
    return workdays.working_days_between(start, end)


def step_days(events: Iterable[tuple[Any, str, str, datetime.datetime]]) -> Iterator[int | None]:
    """For each event of one application's timeline (key, from_status, to_status,
    created_at, in order): the working days of the step it ends, or None when it
    ends none (the first submission, a move into a pause)."""
    began: tuple[str, datetime.date] | None = None
    carried: tuple[str, int] | None = None  # a step paused by a rectification
    for _key, source, target, at in events:
        day = timezone.localdate(at)
        days: int | None = None
        if began is not None and began[0] == source:
            days = _working_days(began[1], day)
            if carried is not None and carried[0] == source:
                days, carried = days + carried[1], None
            if target in PAUSES_REVIEW_CLOCK:
                carried, days = (source, days), None
        yield days
        began = (target, day)


def record_step_days(application_id: int) -> None:
    """Write the step days of an application's timeline where they differ (the
    engine calls it after each move; a handful of rows)."""
    from certification.models import ApplicationEvent

    rows = list(
        ApplicationEvent.objects.filter(application_id=application_id)
        .order_by("created_at", "pk")
        .values_list("pk", "from_status", "to_status", "created_at", "step_days")
    )
    stale = [
        ApplicationEvent(pk=row[0], step_days=days)
        for row, days in zip(rows, step_days(row[:4] for row in rows), strict=True)
        if row[4] != days
    ]
    if stale:
        ApplicationEvent.objects.bulk_update(stale, ["step_days"])
