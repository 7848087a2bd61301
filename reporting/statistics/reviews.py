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
many took longer than the limit. Each move writes the working days of the step it
ends on the timeline (certification/steps.py); the table groups those."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Avg, Count, FloatField, OuterRef, Q, Subquery
from django.db.models.lookups import Exact, IsNull
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
from certification.workflow import RESPONSIBLE, TRANSITIONS, tier_label, time_limit
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
        # Uncorrelated: PostgreSQL reads the period's moves once (app_event_move_idx)
        # and hashes them, instead of probing the timeline of every application.
        moved = ApplicationEvent.objects.filter(condition, _moments(filters, "created_at"))
        return Q(pk__in=moved.values("application_id"))

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
    Measure(
        "rejected",
        _("Not accepted"),
        APPLICATION,
        _moved(
            Q(transition__in=[t.name for t in TRANSITIONS.values() if t.target == Status.REJECTED])
        ),
    ),
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


class _Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def steps(user: User, filters: Filters) -> list[dict[str, Any]]:
    """Per state with a time limit: steps ended in the period, median and mean
    working days, the limit, and how many took longer. Each move wrote its step's
    working days on the timeline (certification/steps.py), so this is one GROUP BY
    over the period's moves (two on SQLite, which has no ordered-set aggregate)."""
    begin, after = filters.period.moments()
    limits = {s: limit for s in Status.values if (limit := time_limit(s)) is not None}
    ended = ApplicationEvent.objects.filter(
        application_id__in=figures.scoped_base(APPLICATION, user, filters).values("pk"),
        created_at__gte=begin,
        created_at__lt=after,
        step_days__isnull=False,
        from_status__in=list(limits),
    ).order_by()
    over = Q()
    for status, limit in limits.items():
        over |= Q(from_status=status, step_days__gt=limit)
    aggregates: dict[str, Any] = {
        "count": Count("pk"),
        "mean": Avg("step_days"),
        "over_limit": Count("pk", filter=over),
    }
    ordered_sets = connection.vendor == "postgresql"
    if ordered_sets:
        aggregates["median"] = _Median("step_days")
    found: dict[str, dict[str, Any]] = {
        row["from_status"]: dict(row) for row in ended.values("from_status").annotate(**aggregates)
    }
    if not ordered_sets:  # SQLite's databases are small
        days: dict[str, list[int]] = defaultdict(list)
        for status, value in ended.values_list("from_status", "step_days"):
            days[status].append(int(value or 0))
        for status, values in days.items():
            found[status]["median"] = statistics.median(values)
    rows = []
    for status, limit in limits.items():
        row = found.get(status)
        rows.append(
            {
                "state": status,
                "label": str(Status(status).label),
                "limit": limit,
                "count": row["count"] if row else 0,
                "median": round(float(row["median"]), 1) if row else None,
                "mean": round(float(row["mean"]), 1) if row else None,
                "over_limit": row["over_limit"] if row else 0,
            }
        )
    return rows


# --- registration ------------------------------------------------------------------

figures.TABLES["reviews"] = REVIEWS
figures.KINDS[APPLICATION] = Kind(
    lambda: Application.objects.exclude(status=Status.DRAFT),
    "enterprise__",
    own_place=True,
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
