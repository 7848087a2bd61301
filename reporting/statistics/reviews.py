"""T2 评审工作: the applications of the enterprises in scope (drafts left out: only
their applicant sees them) and their timeline (ApplicationEvent).

- received: submitted (first submission) in the period;
- accepted / returned: an ``accept`` / ``return`` move made in the period;
  rejected: a move into “not accepted” in the period (refused at acceptance, or
  closed after a review that found no grade reached);
- by state: the applications in each state where someone acts now;
- overdue now: the work queues' definition (certification/selectors.py
  ``queue_for``, reporting/views.py ``_queue_counts``): a due date before today in
  a state someone acts on (workflow.RESPONSIBLE);
- spot checks drawn: drawn at random (reason ``drawn``) in a batch drawn in the
  period; failed: recorded as failed in the period (reviews/bodies/figures.py);
- objections upheld: resolved as upheld in the period.

Review units: a row dimension and a filter (``review_unit``), not a section: the
unit of an application is the unit of its latest assignment (reviews/bodies uses
the assignment current at the report; the latest is the same one for every
reported application that was not sent to another unit after its report). A
section with reviews/bodies' per-unit figures would count each unit's reviews in
the whole city, outside a district's scope; as a dimension every number stays a
count of the reader's own applications and drills down like the others.

Steps (a small table of its own, not drillable): each stay of an application in
a state with a time limit (workflow.time_limit) that ended in the period, in
working days on the Chinese calendar (portal.workdays: the days after it began up
to and including the day it ended). The on-site review's stays around a
rectification are one step (the review clock stops while the enterprise
rectifies, workflow.PAUSES_REVIEW_CLOCK). Median and mean to one decimal, and how
many took longer than the limit. One query reads the timelines of the
applications with a move in the period; the working days are counted here."""

from __future__ import annotations

import datetime
import functools
import statistics
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.lookups import Exact, IsNull
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from certification.models import (
    Application,
    ApplicationEvent,
    Assignment,
    Objection,
    SpotCheck,
    Status,
)
from certification.workflow import PAUSES_REVIEW_CLOCK, RESPONSIBLE, tier_label, time_limit
from portal import workdays
from portal.models import User
from reporting.statistics import figures
from reporting.statistics.figures import Column, Kind, Listing, Measure, local_time
from reporting.statistics.filters import NONE, Filters

APPLICATION = "application"
SPOT_CHECK = "spot_check"
OBJECTION = "objection"
# The path from a row of each kind to its application.
APPLICATION_PATHS = {APPLICATION: "", SPOT_CHECK: "application__", OBJECTION: "item__application__"}
OPEN_STATES = [status for status in RESPONSIBLE if status != Status.DRAFT]


def _moments(filters: Filters, column: str) -> Q:
    begin, after = filters.period.moments()
    return Q(**{column + "__gte": begin, column + "__lt": after})


def _moved(condition: Q) -> Callable[[Filters, datetime.date], Q]:
    def check(filters: Filters, today: datetime.date) -> Q:
        events = ApplicationEvent.objects.filter(
            condition, _moments(filters, "created_at"), application_id=OuterRef("pk")
        )
        return Q(Exists(events))

    return check


def _state(status: str) -> Callable[[Filters, datetime.date], Q]:
    return lambda filters, today: Q(status=status)


def _overdue(filters: Filters, today: datetime.date) -> Q:
    return Q(status__in=list(RESPONSIBLE), due_on__lt=today)


REVIEWS: tuple[Measure, ...] = (
    Measure(
        "received",
        _("Received"),
        APPLICATION,
        lambda filters, today: _moments(filters, "submitted_at"),
    ),
    Measure("accepted", _("Accepted"), APPLICATION, _moved(Q(transition="accept"))),
    Measure("returned", _("Returned"), APPLICATION, _moved(Q(transition="return"))),
    Measure("rejected", _("Not accepted"), APPLICATION, _moved(Q(to_status=Status.REJECTED))),
    *(
        Measure(
            f"now_{status}",
            format_lazy(_("Now: {state}"), state=Status(status).label),
            APPLICATION,
            _state(status),
        )
        for status in OPEN_STATES
    ),
    Measure("overdue", _("Overdue now"), APPLICATION, _overdue),
    Measure(
        "spot_checks_drawn",
        _("Spot checks drawn"),
        SPOT_CHECK,
        lambda filters, today: (
            Q(reason=SpotCheck.Reason.DRAWN) & _moments(filters, "batch__drawn_at")
        ),
    ),
    Measure(
        "spot_checks_failed",
        _("Spot checks failed"),
        SPOT_CHECK,
        lambda filters, today: Q(result=SpotCheck.Result.FAILED) & _moments(filters, "checked_at"),
    ),
    Measure(
        "objections_upheld",
        _("Objections upheld"),
        OBJECTION,
        lambda filters, today: (
            Q(outcome=Objection.Outcome.UPHELD) & _moments(filters, "resolved_at")
        ),
    ),
)


def _latest_assignment(kind: str) -> Any:
    path = APPLICATION_PATHS[kind]
    ref = OuterRef(path[:-2] + "_id" if path else "pk")
    return Assignment.objects.filter(application_id=ref).order_by("-assigned_at", "-id")


def _unit_key(kind: str, filters: Filters) -> tuple[Any, Any]:
    latest = _latest_assignment(kind)
    return Subquery(latest.values("unit_id")[:1]), Subquery(latest.values("unit__name")[:1])


def _unit_filter(kind: str, value: str) -> Q:
    unit = Subquery(_latest_assignment(kind).values("unit_id")[:1])
    return Q(IsNull(unit, True)) if value == NONE else Q(Exact(unit, int(value)))


# --- steps ----------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _working_days(start: datetime.date, end: datetime.date) -> int:
    return workdays.working_days_between(start, end)


def _durations(events: Any, begin: datetime.datetime, after: datetime.datetime) -> dict:
    """Working days of each step ended in [begin, after), by state (module docstring).
    ``events``: (application_id, from_status, to_status, created_at), in order."""
    found: dict[str, list[int]] = defaultdict(list)
    current: dict[int, tuple[str, datetime.date]] = {}
    carried: dict[int, tuple[str, int]] = {}  # a step paused by a rectification
    for application_id, source, target, at in events:
        day = timezone.localdate(at)
        state = current.get(application_id)
        if state is not None and state[0] == source:
            days = _working_days(state[1], day)
            before = carried.pop(application_id, None)
            if before is not None and before[0] == source:
                days += before[1]
            if target in PAUSES_REVIEW_CLOCK:
                carried[application_id] = (source, days)
            elif begin <= at < after and time_limit(source) is not None:
                found[source].append(days)
        current[application_id] = (target, day)
    return found


def steps(user: User, filters: Filters) -> list[dict[str, Any]]:
    """Per state with a time limit: steps ended in the period, median and mean
    working days, the limit, and how many took longer (one query)."""
    begin, after = filters.period.moments()
    scoped = figures.scoped_base(APPLICATION, user, filters).filter(
        Exists(
            ApplicationEvent.objects.filter(
                application_id=OuterRef("pk"), created_at__gte=begin, created_at__lt=after
            )
        )
    )
    events = (
        ApplicationEvent.objects.filter(application__in=scoped.values("pk"), created_at__lt=after)
        .order_by("application_id", "created_at", "pk")
        .values_list("application_id", "from_status", "to_status", "created_at")
    )
    found = _durations(events.iterator(chunk_size=2000), begin, after)
    rows = []
    for status in Status.values:
        limit = time_limit(status)
        if limit is None:
            continue
        days = found.get(status, [])
        rows.append(
            {
                "state": status,
                "label": str(Status(status).label),
                "limit": limit,
                "count": len(days),
                "median": round(float(statistics.median(days)), 1) if days else None,
                "mean": round(sum(days) / len(days), 1) if days else None,
                "over_limit": sum(d > limit for d in days),
            }
        )
    return rows


# --- registration ------------------------------------------------------------------

figures.TABLES["reviews"] = REVIEWS
figures.KINDS[APPLICATION] = Kind(
    lambda: Application.objects.exclude(status=Status.DRAFT), "enterprise__"
)
figures.KINDS[SPOT_CHECK] = Kind(lambda: SpotCheck.objects.all(), "application__enterprise__")
figures.KINDS[OBJECTION] = Kind(lambda: Objection.objects.all(), "item__application__enterprise__")
figures.DIMENSION_KEYS["review_unit"] = _unit_key
figures.ROW_FILTERS["review_unit"] = _unit_filter

_APPLICATION_COLUMNS = (
    Column("application", _("Application number"), lambda a: a.pk),
    Column("enterprise", _("Enterprise"), lambda a: a.enterprise.name),
    Column("district", _("District"), lambda a: a.enterprise.region.name),
    Column("tier", _("Grade applied for"), lambda a: str(tier_label(a.tier))),
    Column("state", _("State"), lambda a: a.get_status_display()),
    Column("submitted_at", _("Submitted"), lambda a: local_time(a.submitted_at)),
    Column(
        "status_changed_at", _("In this state since"), lambda a: local_time(a.status_changed_at)
    ),
    Column("due_on", _("Due"), lambda a: a.due_on),
)
figures.LISTINGS[APPLICATION] = Listing(
    columns=_APPLICATION_COLUMNS,
    related=("enterprise__region",),
    order=("submitted_at", "pk"),
)
figures.LISTINGS[SPOT_CHECK] = Listing(
    columns=(
        Column("application", _("Application number"), lambda c: c.application_id),
        Column("enterprise", _("Enterprise"), lambda c: c.application.enterprise.name),
        Column("district", _("District"), lambda c: c.application.enterprise.region.name),
        Column("unit", _("Review unit"), lambda c: c.unit.name),
        Column("reason", _("Reason"), lambda c: c.get_reason_display()),
        Column("result", _("Result"), lambda c: c.get_result_display()),
        Column("checked_at", _("Checked"), lambda c: local_time(c.checked_at)),
    ),
    related=("application__enterprise__region", "unit"),
    order=("application_id", "pk"),
    enterprise="application.enterprise",
)
figures.LISTINGS[OBJECTION] = Listing(
    columns=(
        Column("application", _("Application number"), lambda o: o.item.application_id),
        Column("enterprise", _("Enterprise"), lambda o: o.item.application.enterprise.name),
        Column("district", _("District"), lambda o: o.item.application.enterprise.region.name),
        Column("outcome", _("Outcome"), lambda o: o.get_outcome_display()),
        Column("created_at", _("Received"), lambda o: local_time(o.created_at)),
        Column("resolved_at", _("Resolved"), lambda o: local_time(o.resolved_at)),
    ),
    related=("item__application__enterprise__region",),
    order=("resolved_at", "pk"),
    enterprise="item.application.enterprise",
)
