"""T4 隐患与自查自报: the hazard ledger and the quarterly self-reports of the
enterprises in scope, for the statistics period.

Hazards: the self-report form's own definitions (hazards/selfreports/figures.py,
``hazard_conditions``: found, closed (销号), open and overdue at the period's end,
listed by the city or a district at some time in the period), for both classes
together and for 重大 alone. Funds: the funds of the hazards closed in the period
(money is counted once, when the work it paid for is accepted), a sum, not a count.
Rates (ours): rectification rate = hazards found in the period and closed by its
end ÷ hazards found in the period; on-time rate = hazards closed in the period on
or before their deadline ÷ hazards closed in the period.

Self-reports (ours, on the filing status' definitions in
hazards/selfreports/selectors.py): the quarterly form whose due date is the last
one inside the period (for 2026-Q2: the 2026 Q1 form, due mid-April; for a whole
year: the third quarter's, due in October, or the latest one due so far this year).
Due: the active enterprises (every active enterprise files quarterly); filed: its
current form is submitted, acknowledged or returned; on time / late: filed, and
the form's ``late`` flag; missing: due and not filed (no form, or a draft); zero
reports: filed with 零报告. No quarterly form due in the period: all zero. Monthly
forms (a district's own rule) and the annual form are not counted here."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from hazards.models import Hazard, PeriodKind, SelfReport
from hazards.selfreports.figures import closed_in, found_in, hazard_conditions
from hazards.selfreports.periods import Period as ReportPeriod
from hazards.selfreports.periods import last_ended
from hazards.selfreports.selectors import FILED_STATUSES
from reporting.statistics import figures
from reporting.statistics.figures import Column, Kind, Listing, Measure, Rate, local_time
from reporting.statistics.filters import Filters

HAZARD = "hazard"
# Enterprises, counted as the senders of the period's quarterly form.
SELF_REPORT = "self_report"
# The current quarterly forms, counted for the forms filed.
FORM = "self_report_form"
NOTHING = Q(pk__in=[])
ACTIVE = Q(status=Enterprise.Status.ACTIVE)


def reporting_quarter(filters: Filters) -> ReportPeriod | None:
    """The quarter whose form fell due last inside the period, if any."""
    quarter = last_ended(PeriodKind.QUARTER, filters.period.end)
    if quarter.due_on() > filters.period.end:
        quarter = quarter.previous()
    return quarter if quarter.due_on() >= filters.period.start else None


def _reports(quarter: ReportPeriod) -> QuerySet[SelfReport]:
    return SelfReport.objects.filter(
        enterprise_id=OuterRef("pk"),
        period_kind=quarter.kind,
        year=quarter.year,
        period=quarter.number,
        is_current=True,
    )


def _quarter_forms(filters: Filters) -> Q:
    """The current forms of the reporting quarter (rows of FORM; the kind's rows are
    the current quarterly forms)."""
    quarter = reporting_quarter(filters)
    if quarter is None:
        return NOTHING
    return Q(year=quarter.year, period=quarter.number)


def _filed(extra: Q | None) -> Callable[[Filters, datetime.date], Q]:
    """Counted from the forms themselves (one current form per enterprise and
    quarter: selfreport_one_current_per_period), so each form is read once, not
    probed once per measure and enterprise; the same figures as counting the
    enterprises whose form is filed."""

    def condition(filters: Filters, today: datetime.date) -> Q:
        q = _quarter_forms(filters)
        if q is NOTHING:
            return NOTHING
        q &= Q(status__in=FILED_STATUSES, enterprise__status=Enterprise.Status.ACTIVE)
        return q & extra if extra is not None else q

    return condition


def _missing(filters: Filters, today: datetime.date) -> Q:
    quarter = reporting_quarter(filters)
    if quarter is None:
        return NOTHING
    filed = _reports(quarter).filter(status__in=FILED_STATUSES)
    return ACTIVE & ~Q(Exists(filed))


def _due(filters: Filters, today: datetime.date) -> Q:
    return ACTIVE if reporting_quarter(filters) is not None else NOTHING


def _hazard(name: str) -> Callable[[Filters, datetime.date], Q]:
    return lambda filters, today: hazard_conditions(filters.period.start, filters.period.end)[name]


def _found(filters: Filters, today: datetime.date) -> Q:
    return found_in(filters.period.start, filters.period.end)


def _rectified(filters: Filters, today: datetime.date) -> Q:
    return closed_in(filters.period.start, filters.period.end)


def _found_rectified(filters: Filters, today: datetime.date) -> Q:
    return _found(filters, today) & Q(closed_on__lte=filters.period.end)


def _on_time(filters: Filters, today: datetime.date) -> Q:
    return _rectified(filters, today) & Q(closed_on__lte=F("deadline"))


HAZARDS: tuple[Measure, ...] = (
    Measure("reports_due", _("Self-reports due"), SELF_REPORT, _due),
    Measure("reports_filed", _("Filed"), FORM, _filed(None)),
    Measure("reports_on_time", _("Filed on time"), FORM, _filed(Q(late=False))),
    Measure("reports_late", _("Filed late"), FORM, _filed(Q(late=True))),
    Measure("reports_missing", _("Not filed"), SELF_REPORT, _missing),
    Measure("reports_zero", _("Zero reports"), FORM, _filed(Q(zero_report=True))),
    Measure("found", _("Hazards found"), HAZARD, _found),
    Measure("rectified", _("Hazards rectified"), HAZARD, _rectified),
    Measure("found_rectified", _("Found and rectified"), HAZARD, _found_rectified),
    Measure("rectified_on_time", _("Rectified on time"), HAZARD, _on_time),
    Measure("major_found", _("Major found"), HAZARD, _hazard("major_new")),
    Measure("major_closed", _("Major closed"), HAZARD, _hazard("major_closed")),
    Measure("major_open", _("Major open"), HAZARD, _hazard("major_treating")),
    Measure("major_listed_city", _("Listed by the city"), HAZARD, _hazard("major_listed_city")),
    Measure(
        "major_listed_district",
        _("Listed by a district"),
        HAZARD,
        _hazard("major_listed_district"),
    ),
    Measure("major_overdue", _("Major overdue"), HAZARD, _hazard("major_overdue")),
    Measure("funds", _("Funds (yuan)"), HAZARD, _rectified, aggregate="funds"),
)


def _with_report(qs: QuerySet[Any], filters: Filters, today: datetime.date) -> QuerySet[Any]:
    """Each enterprise with its current form of the reporting quarter, if any."""
    quarter = reporting_quarter(filters)
    if quarter is None:
        return qs
    reports = _reports(quarter)
    return qs.annotate(
        report_period=Value(str(quarter.label)),
        report_status=Subquery(reports.values("status")[:1]),
        report_late=Subquery(reports.values("late")[:1]),
        report_zero=Subquery(reports.values("zero_report")[:1]),
        report_submitted=Subquery(reports.values("submitted_at")[:1]),
    )


def _form_period(form: SelfReport) -> str:
    return str(ReportPeriod(PeriodKind(form.period_kind), form.year, form.period).label)


def report_state(row: Any) -> str:
    status = getattr(row, "report_status", None)
    late, zero = getattr(row, "report_late", False), getattr(row, "report_zero", False)
    return _state(status, bool(late), bool(zero))


def form_state(form: SelfReport) -> str:
    return _state(form.status, form.late, form.zero_report)


def _state(status: str | None, late: bool, zero: bool) -> str:
    if status is None or status == SelfReport.Status.DRAFT:
        return str(_("Not filed"))
    state = str(SelfReport.Status(status).label)
    if late:
        state += " · " + str(_("late"))
    if zero:
        state += " · " + str(_("zero report"))
    return state


figures.TABLES["hazards"] = HAZARDS
figures.RATES["hazards"] = (
    Rate("rectification_rate", _("Rectification rate (%)"), "found_rectified", "found"),
    Rate("on_time_rate", _("On-time rate (%)"), "rectified_on_time", "rectified"),
)
figures.KINDS[HAZARD] = Kind(lambda: Hazard.objects.all(), "enterprise__")
figures.KINDS[SELF_REPORT] = Kind(lambda: Enterprise.objects.all(), "")
figures.KINDS[FORM] = Kind(
    lambda: SelfReport.objects.filter(is_current=True, period_kind=PeriodKind.QUARTER),
    "enterprise__",
    narrow=_quarter_forms,
)
figures.LISTINGS[HAZARD] = Listing(
    columns=(
        Column("number", _("Hazard number"), lambda h: h.number),
        Column("enterprise", _("Enterprise"), lambda h: h.enterprise.name),
        Column("district", _("District"), lambda h: h.enterprise.region.name),
        Column("level", _("Level"), lambda h: h.get_grade_display()),
        Column("found_on", _("Found on"), lambda h: h.found_on),
        Column("deadline", _("Deadline"), lambda h: h.deadline),
        Column("status", _("Status"), lambda h: h.get_status_display()),
        Column("closed_on", _("Closed on"), lambda h: h.closed_on),
        Column("funds", _("Funds (yuan)"), lambda h: h.funds),
    ),
    related=("enterprise__region",),
    order=("found_on", "number"),
)
figures.LISTINGS[SELF_REPORT] = Listing(
    columns=(
        Column("period", _("Self-report period"), lambda e: getattr(e, "report_period", "")),
        Column("enterprise", _("Enterprise"), lambda e: e.name),
        Column("district", _("District"), lambda e: e.region.name),
        Column("state", _("Status"), report_state),
        Column(
            "submitted_at",
            _("Submitted"),
            lambda e: local_time(getattr(e, "report_submitted", None)),
        ),
    ),
    related=("region",),
    order=("name", "pk"),
    enterprise="",
    annotate=_with_report,
)
# The same columns for the forms filed, read from the form.
figures.LISTINGS[FORM] = Listing(
    columns=(
        Column("period", _("Self-report period"), _form_period),
        Column("enterprise", _("Enterprise"), lambda r: r.enterprise.name),
        Column("district", _("District"), lambda r: r.enterprise.region.name),
        Column("state", _("Status"), form_state),
        Column("submitted_at", _("Submitted"), lambda r: local_time(r.submitted_at)),
    ),
    related=("enterprise__region",),
    order=("enterprise__name", "enterprise_id"),
)
