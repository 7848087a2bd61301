"""Figures of a review unit and of its reviewers for one calendar year: the
organising unit and the city office compare units with them (issue: reviews
done, durations, spot-check failures, score gap to the self-assessment).

Who sees them: whoever sees the unit (reviews.bodies.selectors.units_visible_to);
the functions here take units the caller has already scoped.

Definitions (a "period" is one calendar year, Beijing time):

- **Reviews done**: on-site reviews reported (``OnSiteReview.reported_at``) in
  the period, counted for the unit of the assignment current at the report:
  the application's latest assignment made at or before the report (failing
  that, its latest assignment). A withdrawn unit therefore never counts the
  review its successor did.
- **Duration** of a review, in working days on the Chinese calendar
  (portal.workdays.working_days_between: the days after the start up to and
  including the report): from ``started_at`` to ``reported_at``, minus the
  pauses in the application's timeline (ApplicationEvent), each measured the
  same way:
  ``request_rectification`` → ``submit_rectification`` (the enterprise
  rectifies; domain.md §4.1 "不含企业整改时间") and ``submit_report`` →
  ``send_back`` (an earlier report lay with the receiver). A pause still open
  at the report ends at the report; a pause is clipped to the review's span.
  Median and mean over the reviews done, to one decimal.
- **Open reviews** (now, whatever the period): the unit's current assignments
  whose application is assigned, in on-site review or in rectification.
- **Spot checks**: those of the unit checked (``checked_at``) in the period,
  passed or failed; ``spot_check_warning`` when two or more failed in the
  period (domain.md: two failed spot checks lead to a proposal to remove the
  unit).
- **Score gap** of a review: review score − the enterprise's submitted
  self-assessment score (reviews without either are left out). The mean gap
  (signed: positive when the unit scores above the enterprises' own scores)
  and the largest absolute gap, both to one decimal.
- **Per reviewer**: the reviews done whose team (AssignmentMember of the
  review's assignment) included the reviewer, how many of them the reviewer
  led, and the mean gap over them.

Queries: ``unit_figures`` runs five whatever the unit's size; the list page's
columns are annotations on its own rows query (``annotate_list``), so the list
costs no extra query. Reviews may not import certification: its models are
looked up by name.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.models import Organisation
from portal.workdays import working_days_between

YEAR_MIN = 2000

# Timeline transitions that open and close a pause of the review clock.
PAUSE_STARTS = {"request_rectification": "submit_rectification", "submit_report": "send_back"}
PAUSE_ENDS = frozenset(PAUSE_STARTS.values())

OPEN_STATES = ("assigned", "on_site_review", "rectification")
FAILURES_FOR_WARNING = 2

_TENTH = Decimal("0.1")


def _model(name: str):
    return apps.get_model("certification", name)


def _tenth(value) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


def current_year() -> int:
    return timezone.localdate().year


def parse_year(raw) -> int | None:
    """The year asked for, or None when it is not a year the portal can have figures for."""
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return year if YEAR_MIN <= year <= current_year() else None


def year_choices(selected: int, span: int = 5) -> list[int]:
    """The years the page offers: the last ``span`` ones, and the selected one."""
    this = current_year()
    years = set(range(this - span + 1, this + 1)) | {selected}
    return sorted(years, reverse=True)


def period(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 January, next 1 January) of ``year``, Beijing time."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz))


# --- the data -------------------------------------------------------------------


@dataclass
class ReviewerFigures:
    reviews_done: int = 0
    leader_count: int = 0
    gaps: list[Decimal] = field(default_factory=list, repr=False)

    @property
    def gap_mean(self) -> Decimal | None:
        return _tenth(sum(self.gaps) / len(self.gaps)) if self.gaps else None


@dataclass
class UnitYearFigures:
    year: int
    reviews_done: int = 0
    durations: list[int] = field(default_factory=list)
    open_reviews: int = 0
    spot_checks_done: int = 0
    spot_checks_failed: int = 0
    gaps: list[Decimal] = field(default_factory=list, repr=False)
    reviewers: dict[int, ReviewerFigures] = field(default_factory=dict)

    @property
    def duration_median(self) -> Decimal | None:
        return _tenth(statistics.median(self.durations)) if self.durations else None

    @property
    def duration_mean(self) -> Decimal | None:
        return (
            _tenth(Decimal(sum(self.durations)) / len(self.durations)) if self.durations else None
        )

    @property
    def spot_check_warning(self) -> bool:
        return self.spot_checks_failed >= FAILURES_FOR_WARNING

    @property
    def gap_mean(self) -> Decimal | None:
        return _tenth(sum(self.gaps) / len(self.gaps)) if self.gaps else None

    @property
    def gap_max_abs(self) -> Decimal | None:
        return _tenth(max(abs(gap) for gap in self.gaps)) if self.gaps else None

    def reviewer(self, reviewer_id: int) -> ReviewerFigures:
        return self.reviewers.get(reviewer_id) or ReviewerFigures()


# --- querysets --------------------------------------------------------------------


def _review_unit_expression():
    """The unit of the assignment current at the report (see the module docstring)."""
    assignments = (
        _model("Assignment")
        .objects.filter(application=OuterRef("application_id"))
        .order_by("-assigned_at", "-id")
    )
    return Coalesce(
        Subquery(assignments.filter(assigned_at__lte=OuterRef("reported_at")).values("unit")[:1]),
        Subquery(assignments.values("unit")[:1]),
        output_field=IntegerField(),
    )


def _review_assignment_expression():
    assignments = (
        _model("Assignment")
        .objects.filter(application=OuterRef("application_id"))
        .order_by("-assigned_at", "-id")
    )
    return Coalesce(
        Subquery(assignments.filter(assigned_at__lte=OuterRef("reported_at")).values("pk")[:1]),
        Subquery(assignments.values("pk")[:1]),
        output_field=IntegerField(),
    )


def reviews_done(year: int, unit) -> QuerySet:
    """OnSiteReviews reported in ``year`` by ``unit`` (a pk, or an OuterRef to
    one), annotated with ``review_unit`` and ``review_assignment`` (the
    assignment current at the report). The first filter, on the applications
    ever assigned to the unit, only narrows the rows the annotations are
    computed for (the unit's assignments are indexed)."""
    start, end = period(year)
    # Inside the narrowing subquery an OuterRef reaches one level further out.
    narrow = OuterRef(unit) if isinstance(unit, OuterRef) else unit
    assigned = _model("Assignment").objects.filter(unit=narrow).values("application_id")
    return (
        _model("OnSiteReview")
        .objects.filter(reported_at__gte=start, reported_at__lt=end, application_id__in=assigned)
        .annotate(
            review_unit=_review_unit_expression(), review_assignment=_review_assignment_expression()
        )
        .filter(review_unit=unit)
    )


def _gap_expression():
    return F("score") - F("application__assessment__submitted_score")


def _with_gap(qs: QuerySet) -> QuerySet:
    return qs.filter(score__isnull=False, application__assessment__submitted_score__isnull=False)


def _spot_checks(year: int) -> QuerySet:
    start, end = period(year)
    model = _model("SpotCheck")
    return model.objects.filter(checked_at__gte=start, checked_at__lt=end).exclude(
        result=model.Result.PENDING
    )


def _scalar(qs: QuerySet, function: str, expression, output_field):
    """One aggregate of ``qs`` as a correlated subquery (no GROUP BY)."""
    return Subquery(
        qs.order_by()
        .annotate(value=Func(expression, function=function, output_field=output_field))
        .values("value")[:1],
        output_field=output_field,
    )


# --- the list page ------------------------------------------------------------------


@dataclass
class UnitListFigures:
    year: int
    reviews_done: int
    spot_checks_failed: int
    gap_mean: Decimal | None

    @property
    def spot_check_warning(self) -> bool:
        return self.spot_checks_failed >= FAILURES_FOR_WARNING


def annotate_list(units: QuerySet[Organisation], year: int) -> QuerySet[Organisation]:
    """The list columns as annotations of the units' own query: reviews done,
    failed spot checks and the score gap's sum and count (the mean is taken in
    Python, to round it like ``unit_figures``). Read them with ``list_figures``."""
    done = reviews_done(year, OuterRef("pk"))
    gap_field = DecimalField(max_digits=8, decimal_places=1)
    return units.annotate(
        fig_reviews_done=Coalesce(_scalar(done, "COUNT", F("pk"), IntegerField()), 0),
        fig_gap_sum=_scalar(_with_gap(done), "SUM", _gap_expression(), gap_field),
        fig_gap_count=Coalesce(_scalar(_with_gap(done), "COUNT", F("pk"), IntegerField()), 0),
        fig_spot_failed=Coalesce(
            _scalar(
                _spot_checks(year).filter(unit=OuterRef("pk"), result="failed"),
                "COUNT",
                F("pk"),
                IntegerField(),
            ),
            0,
        ),
    )


def list_figures(unit: Organisation, year: int) -> UnitListFigures:
    """The figures of a unit fetched through ``annotate_list``."""
    count = unit.fig_gap_count  # type: ignore[attr-defined]  # annotated by annotate_list
    mean = None
    if count and unit.fig_gap_sum is not None:  # type: ignore[attr-defined]  # annotated by annotate_list
        mean = _tenth(_tenth(unit.fig_gap_sum) / count)  # type: ignore[attr-defined]  # annotated by annotate_list
    return UnitListFigures(
        year=year,
        reviews_done=unit.fig_reviews_done,  # type: ignore[attr-defined]  # annotated by annotate_list
        spot_checks_failed=unit.fig_spot_failed,  # type: ignore[attr-defined]  # annotated by annotate_list
        gap_mean=mean,
    )


# --- one unit's page ----------------------------------------------------------------


def _pauses(events) -> list[tuple[datetime.datetime, datetime.datetime | None]]:
    """The pauses of one application's timeline, oldest first: (start, end or None)."""
    pauses: list[tuple[datetime.datetime, datetime.datetime | None]] = []
    open_start: datetime.datetime | None = None
    closing: str | None = None
    for transition, at in events:
        if open_start is None and transition in PAUSE_STARTS:
            open_start, closing = at, PAUSE_STARTS[transition]
        elif open_start is not None and transition == closing:
            pauses.append((open_start, at))
            open_start = closing = None
    if open_start is not None:
        pauses.append((open_start, None))
    return pauses


def review_duration(
    started_at: datetime.datetime, reported_at: datetime.datetime, events=()
) -> int:
    """Working days from start to report less the pauses (see the module docstring).

    ``events``: (transition, created_at) of the application's timeline, oldest first.
    """
    day = timezone.localdate
    total = working_days_between(day(started_at), day(reported_at))
    for pause_start, pause_end in _pauses(events):
        pause_start = max(pause_start, started_at)
        pause_end = min(pause_end or reported_at, reported_at)
        if pause_end > pause_start:
            total -= working_days_between(day(pause_start), day(pause_end))
    return max(total, 0)


def unit_figures(unit: Organisation, year: int) -> UnitYearFigures:
    """Every figure of one unit for ``year``, with its reviewers' (five queries)."""
    figures = UnitYearFigures(year=year)
    rows = list(
        reviews_done(year, unit.pk).values(
            "pk",
            "application_id",
            "started_at",
            "reported_at",
            "score",
            "review_assignment",
            self_score=F("application__assessment__submitted_score"),
        )
    )

    events: dict[int, list] = defaultdict(list)
    if rows:
        for application_id, transition, at in (
            _model("ApplicationEvent")
            .objects.filter(
                application_id__in=[row["application_id"] for row in rows],
                transition__in=[*PAUSE_STARTS, *PAUSE_ENDS],
            )
            .order_by("created_at", "pk")
            .values_list("application_id", "transition", "created_at")
        ):
            events[application_id].append((transition, at))

    members: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    if rows:
        for assignment_id, reviewer_id, is_leader in (
            _model("AssignmentMember")
            .objects.filter(
                assignment_id__in={row["review_assignment"] for row in rows}, reviewer__unit=unit
            )
            .values_list("assignment_id", "reviewer_id", "is_leader")
        ):
            members[assignment_id].append((reviewer_id, is_leader))

    for row in rows:
        figures.reviews_done += 1
        figures.durations.append(
            review_duration(row["started_at"], row["reported_at"], events[row["application_id"]])
        )
        gap = None
        if row["score"] is not None and row["self_score"] is not None:
            gap = row["score"] - row["self_score"]
            figures.gaps.append(gap)
        for reviewer_id, is_leader in members[row["review_assignment"]]:
            reviewer = figures.reviewers.setdefault(reviewer_id, ReviewerFigures())
            reviewer.reviews_done += 1
            reviewer.leader_count += is_leader
            if gap is not None:
                reviewer.gaps.append(gap)

    figures.open_reviews = (
        _model("Assignment")
        .objects.filter(unit=unit, withdrawn_at__isnull=True, application__status__in=OPEN_STATES)
        .count()
    )
    checks = (
        _spot_checks(year)
        .filter(unit=unit)
        .aggregate(done=Count("pk"), failed=Count("pk", filter=Q(result="failed")))
    )
    figures.spot_checks_done, figures.spot_checks_failed = checks["done"], checks["failed"]
    return figures
