"""The worklists of the district, street and city offices: what their enterprises
have left undone past its date, one list per kind of duty, declared here once and
read by the pages, the API, the exports, the dashboard cards and the nightly
escalation (reporting/worklists/escalation.py).

Each list reuses the rule of the app that owns the duty:
- renewal due: the statistics measure ``renewal_due`` (reporting/statistics/figures.py),
  for active enterprises; overdue since the renewal window opened
  (valid_until − RENEWAL_WINDOW_MONTHS);
- expired without application: the measure ``expired_unrenewed`` over every year,
  for active enterprises, less those that applied again after the certificate was
  issued (drafts, withdrawn and rejected applications do not count); since the last
  valid day;
- annual self-assessment overdue: the overdue years (certification lifecycle) of the
  certificates the measure ``annual_overdue`` counts; since the year's due date;
- application steps overdue: submitted applications in a state someone acts on
  (certification/workflow.RESPONSIBLE) past the step's ``due_on``;
- self-reports late or missing: the active enterprises' forms of the last quarter
  whose due date has passed (hazards/selfreports: missing = no form or a draft;
  late = filed after the due date); since the due date;
- hazards overdue: open hazards past their rectification deadline;
- listings due: open listed hazards (挂牌督办) whose deadline, or whose close
  application's on-site review, is due today or earlier; since the earlier date.

Every list is scoped with enterprises.selectors.enterprise_scope on the enterprise
(open hazards on their own place, which follows the enterprise:
hazards/registry_sync.py), so a district never sees another district's items."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import AnnualSelfAssessment, Application, Certificate, Status
from certification.validity import LIVE, RENEWAL_WINDOW_MONTHS, add_months
from certification.workflow import RESPONSIBLE, tier_label
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from hazards.models import CloseApplication, Hazard, PeriodKind, SupervisionListing
from hazards.selfreports.periods import Period as ReportPeriod
from hazards.selfreports.selectors import state_conditions, with_current_report
from portal import kept, permissions
from portal.models import OrganisationKind as Kind
from portal.models import User
from reporting.models import Escalation
from reporting.statistics import figures
from reporting.statistics.filters import Filters
from reporting.statistics.filters import Period as StatsPeriod

Rows = Callable[[datetime.date], QuerySet[Any]]


@dataclass(frozen=True)
class Worklist:
    """One worklist. ``rows(today)`` gives every item in the city, annotated with
    ``since`` (the date the item fell due; for renewal the certificate's last valid
    day, shifted by ``since_months``) and ``item_model`` (the Escalation row's
    ``model``: the record's label, with what else makes the item once-only)."""

    name: str
    label: Any
    rows: Rows
    # From a row to its enterprise, and to the place the scope is checked on.
    enterprise: str
    scope: str
    describe: Callable[[Any], str]
    link: Callable[[Any], str]
    # Items that are still outstanding (what may be escalated); Q(): all of them.
    outstanding: Q = field(default_factory=Q)
    # Months from the ``since`` column to the day the item fell due (a setting,
    # read when used).
    since_months: Callable[[], int] = lambda: 0
    # The day an item that is done but was late got done (a form filed late).
    done_on: Callable[[Any], datetime.date | None] = lambda row: None
    # ``rows`` for one user's scope, where the rows can be narrowed before the scope
    # applies (a district's self-report forms by their own district); None: ``rows``.
    rows_for: Callable[[datetime.date, User], QuerySet[Any]] | None = None

    def since(self, row: Any) -> datetime.date:
        return self.since_of(row.since)

    def since_of(self, day: datetime.date) -> datetime.date:
        """The day an item fell due, from its ``since`` column."""
        months = self.since_months()
        return add_months(day, months) if months else day

    def since_before(self, day: datetime.date) -> Q:
        """Items overdue since before ``day``."""
        months = self.since_months()
        return Q(since__lt=add_months(day, -months) if months else day)

    def url(self) -> str:
        return reverse("worklists:list", args=[self.name])


def _window_months() -> int:
    return int(getattr(settings, "RENEWAL_WINDOW_MONTHS", RENEWAL_WINDOW_MONTHS))


def _measure(table: str, name: str, today: datetime.date, start: datetime.date | None = None) -> Q:
    found = figures.measure(table, name)
    assert found is not None, name
    period = StatsPeriod("", start or today, today)
    return found.condition(Filters(dimension="district", period=period), today)


ACTIVE_ENTERPRISE = Q(enterprise__status=Enterprise.Status.ACTIVE)
CERTIFICATE = Value("certification.certificate")


def _renewal_rows(today: datetime.date) -> QuerySet[Any]:
    return (
        Certificate.objects.filter(_measure("certificates", "renewal_due", today))
        .filter(ACTIVE_ENTERPRISE)
        .annotate(since=F("valid_until"), item_model=CERTIFICATE)
    )


def _expired_rows(today: datetime.date) -> QuerySet[Any]:
    applied = Application.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), created_at__gt=OuterRef("created_at")
    ).exclude(Q(pk=OuterRef("application_id")) | Q(status__in=NOT_APPLIED))
    start = datetime.date(2000, 1, 1)
    return (
        Certificate.objects.filter(_measure("compliance", "expired_unrenewed", today, start))
        .filter(ACTIVE_ENTERPRISE)
        .exclude(Exists(applied))
        .annotate(since=F("valid_until"), item_model=CERTIFICATE)
    )


NOT_APPLIED = (Status.DRAFT, Status.WITHDRAWN, Status.REJECTED)


def _annual_rows(today: datetime.date) -> QuerySet[Any]:
    # The measure's rule (a live certificate with an overdue year not submitted),
    # read from the overdue years, which are few, joined to their certificate: not
    # from every live certificate of Beijing.
    return AnnualSelfAssessment.objects.filter(
        certificate__status__in=LIVE,
        certificate__valid_until__gte=today,
        overdue_recorded_at__isnull=False,
        submitted_at__isnull=True,
    ).annotate(since=F("due_on"), item_model=Value("certification.annualselfassessment"))


# The steps someone acts on once the application is submitted.
ACTED_ON = [status for status in RESPONSIBLE if status != Status.DRAFT]


def _application_rows(today: datetime.date) -> QuerySet[Any]:
    # Once per step: an application late at acceptance and again at its review is
    # two items.
    return Application.objects.filter(status__in=ACTED_ON, due_on__lt=today).annotate(
        since=F("due_on"),
        item_model=Concat(Value("certification.application@"), F("status")),
    )


def report_period(today: datetime.date) -> ReportPeriod:
    """The last quarter whose self-report due date has passed."""
    quarter = ReportPeriod(PeriodKind.QUARTER, today.year, (today.month - 1) // 3 + 1)
    period = quarter.previous()
    while period.due_on() >= today:
        period = period.previous()
    return period


def _self_report_rows(today: datetime.date, region_id: str | None = None) -> QuerySet[Any]:
    period = report_period(today)
    states = state_conditions()
    active = Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
    # The form is missing for this period only: the period is part of the item.
    return (
        with_current_report(active, period, region_id=region_id)
        .filter(states["missing"] | states["late"])
        .annotate(
            since=Value(period.due_on()),
            item_model=Value(f"enterprises.enterprise@{period.key}"),
            report_status=F("rep__status"),
            report_submitted_at=F("rep__submitted_at"),
        )
    )


def _self_reports_for(today: datetime.date, user: User) -> QuerySet[Any]:
    """A district's or street office's enterprises are all of its district: only that
    district's forms are joined (by the forms' own district, which follows the
    enterprise), not the quarter's forms of all Beijing."""
    org = user.organisation
    local = org is not None and org.kind in (Kind.DISTRICT, Kind.STREET)
    region = org.region_id if org is not None and local else None
    return _self_report_rows(today, region or None)


def _hazard_rows(today: datetime.date) -> QuerySet[Any]:
    return (
        Hazard.objects.exclude(status=Hazard.Status.CLOSED)
        .filter(deadline__lt=today)
        .annotate(since=F("deadline"), item_model=Value("hazards.hazard"))
    )


def _listing_rows(today: datetime.date) -> QuerySet[Any]:
    review_due = Subquery(
        CloseApplication.objects.filter(listing_id=OuterRef("pk"), reviewed_on__isnull=True)
        .order_by("review_due")
        .values("review_due")[:1]
    )
    return (
        SupervisionListing.objects.exclude(status=SupervisionListing.Status.CLOSED)
        .annotate(review_due=review_due)
        .annotate(since=Least("deadline", Coalesce("review_due", "deadline")))
        .filter(since__lte=today)
        .annotate(item_model=Value("hazards.supervisionlisting"))
    )


# --- what each row says, and where it leads


def _certificate_text(row: Any) -> str:
    return _("Certificate %(number)s (%(grade)s), valid until %(until)s") % {
        "number": row.number,
        "grade": tier_label(row.tier),
        "until": row.valid_until,
    }


def _certificate_link(row: Any) -> str:
    return reverse("certification:lifecycle_certificate", args=[row.pk])


def _annual_text(row: Any) -> str:
    return _("Annual self-assessment, year %(year)s, of certificate %(number)s") % {
        "year": row.year,
        "number": row.certificate.number,
    }


def _application_text(row: Any) -> str:
    return _("Application for %(grade)s: step “%(step)s” due %(due)s") % {
        "grade": tier_label(row.tier),
        "step": row.get_status_display(),
        "due": row.due_on,
    }


def _self_report_text(row: Any) -> str:
    period = row.since  # the due date; the period is the one before it
    if row.report_submitted_at:
        return _("Self-report due %(due)s, filed late on %(filed)s") % {
            "due": period,
            "filed": timezone.localtime(row.report_submitted_at).date(),
        }
    return _("Self-report due %(due)s not filed") % {"due": period}


def _hazard_text(row: Any) -> str:
    return _("Hazard %(number)s (%(grade)s), rectify by %(deadline)s") % {
        "number": row.number,
        "grade": row.get_grade_display(),
        "deadline": row.deadline,
    }


def _listing_text(row: Any) -> str:
    if row.review_due and row.review_due <= row.deadline:
        return _("Listing %(number)s: on-site review of the close application due %(due)s") % {
            "number": row.number,
            "due": row.review_due,
        }
    return _("Listing %(number)s: deadline %(deadline)s") % {
        "number": row.number,
        "deadline": row.deadline,
    }


WORKLISTS: tuple[Worklist, ...] = (
    Worklist(
        "renewal_due",
        gettext_lazy("Renewal due, no application"),
        _renewal_rows,
        "enterprise__",
        "enterprise__",
        _certificate_text,
        _certificate_link,
        since_months=lambda: -_window_months(),
    ),
    Worklist(
        "expired_unrenewed",
        gettext_lazy("Expired without an application"),
        _expired_rows,
        "enterprise__",
        "enterprise__",
        _certificate_text,
        _certificate_link,
    ),
    Worklist(
        "annual_overdue",
        gettext_lazy("Annual self-assessment overdue"),
        _annual_rows,
        "certificate__enterprise__",
        "certificate__enterprise__",
        _annual_text,
        lambda row: reverse("certification:lifecycle_certificate", args=[row.certificate_id]),
    ),
    Worklist(
        "applications_overdue",
        gettext_lazy("Application steps overdue"),
        _application_rows,
        "enterprise__",
        "enterprise__",
        _application_text,
        lambda row: reverse("certification:detail", args=[row.pk]),
    ),
    Worklist(
        "self_reports",
        gettext_lazy("Self-reports late or missing"),
        _self_report_rows,
        "",
        "",
        _self_report_text,
        lambda row: reverse("enterprises:detail", args=[row.pk]),
        # A form filed late is done: listed, never escalated.
        outstanding=state_conditions()["missing"],
        rows_for=_self_reports_for,
        done_on=lambda row: (
            timezone.localtime(row.report_submitted_at).date() if row.report_submitted_at else None
        ),
    ),
    Worklist(
        "hazards_overdue",
        gettext_lazy("Hazards past their rectification deadline"),
        _hazard_rows,
        "enterprise__",
        "",
        _hazard_text,
        lambda row: reverse("hazards:detail", args=[row.pk]),
    ),
    Worklist(
        "listings_due",
        gettext_lazy("Listed hazards due"),
        _listing_rows,
        "hazard__enterprise__",
        "hazard__enterprise__",
        _listing_text,
        lambda row: reverse("hazards:supervision:detail", args=[row.pk]),
    ),
)

BY_NAME: dict[str, Worklist] = {w.name: w for w in WORKLISTS}


def escalated(worklist: Worklist) -> Exists:
    """Whether the row's item was escalated (a condition on the rows)."""
    return Exists(
        Escalation.objects.filter(
            kind=worklist.name, model=OuterRef("item_model"), object_id=OuterRef("pk")
        )
    )


def items(worklist: Worklist, user: User, today: datetime.date) -> QuerySet[Any]:
    """The worklist's items in the user's scope, each with ``escalated``."""
    found = worklist.rows_for(today, user) if worklist.rows_for else worklist.rows(today)
    rows: QuerySet[Any] = found.filter(enterprise_scope(user, worklist.scope)).annotate(
        escalated=escalated(worklist)
    )
    return rows


# Who has worklists: the offices that steer enterprises by place, and the
# regulators by industry (the same scope rule, so no extra cost).
READER_KINDS: tuple[str, ...] = (Kind.CITY_OFFICE, Kind.DISTRICT, Kind.STREET, Kind.REGULATOR)


def may_see(user: Any) -> bool:
    return permissions.acts_for(user, *READER_KINDS)


def counts(user: User, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Each worklist's size in the user's scope and how many of its items were
    escalated: {"kind", "label", "count", "url", "escalated"}, one query per
    worklist. Empty for a user without worklists."""
    if not may_see(user):
        return []
    today = today or timezone.localdate()
    found = []
    for worklist in WORKLISTS:
        # Counted from an annotation, not in the aggregate's filter: Django drops
        # annotations that only an aggregate's filter refers to.
        totals = (
            items(worklist, user, today)
            .annotate(escalated_pk=Case(When(escalated=True, then="pk")))
            .order_by()
            .aggregate(count=Count("pk"), escalated=Count("escalated_pk"))
        )
        found.append(
            {
                "kind": worklist.name,
                "label": str(worklist.label),
                "count": totals["count"],
                "url": worklist.url(),
                "escalated": totals["escalated"],
            }
        )
    return found


def dashboard_counts(user: User, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """``counts()`` for the dashboards: the numbers are kept
    ``WORKLIST_COUNTS_CACHE_SECONDS`` per organisation (its scope) and day, and past that
    time served while a worker counts them again (portal/kept.py); labels and links are
    made afresh, in the reader's language."""
    seconds = settings.WORKLIST_COUNTS_CACHE_SECONDS
    if not seconds or not may_see(user):
        return counts(user, today)
    today = today or timezone.localdate()
    job = (user.pk, today.isoformat())
    numbers = kept.read(
        _counts_key(user, today), seconds, lambda: _numbers(user, today), lambda: _recount(*job)
    )
    return [
        {
            "kind": worklist.name,
            "label": str(worklist.label),
            "count": numbers[worklist.name][0],
            "url": worklist.url(),
            "escalated": numbers[worklist.name][1],
        }
        for worklist in WORKLISTS
        if worklist.name in numbers
    ]


def recount(user_id: int, day: str) -> None:
    """Count a kept organisation's worklists again (reporting.refresh_worklist_counts)."""
    user = User.objects.select_related("organisation").get(pk=user_id)
    today = datetime.date.fromisoformat(day)
    kept.refresh(
        _counts_key(user, today),
        settings.WORKLIST_COUNTS_CACHE_SECONDS,
        lambda: _numbers(user, today),
    )


def _counts_key(user: User, today: datetime.date) -> str:
    return f"worklist-counts:{user.organisation_id}:{today.isoformat()}"


def _numbers(user: User, today: datetime.date) -> dict[str, list[int]]:
    return {row["kind"]: [row["count"], row["escalated"]] for row in counts(user, today)}


def _recount(user_id: int, day: str) -> None:
    from reporting.worklists.tasks import refresh_worklist_counts  # tasks import this module

    refresh_worklist_counts.delay(user_id, day)
