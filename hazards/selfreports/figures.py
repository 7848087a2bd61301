"""The figures of the self-report form, computed from the ledger and the inspection
records of a period [start, end] (both days included).

Each hazard figure is a condition on a Hazard row (one function each, below), so
that one enterprise's form and a district's quarterly table (grouped by industry
and street, in SQL) count exactly the same rows. The definitions:

- general_found: 一般 hazards found in the period (found_on in the period);
- general_rectified: 一般 hazards closed (销号) in the period, whenever found;
- general_rectified_on_time: of those, closed on or before their deadline (the
  deadline as extended, if it was);
- general_open: 一般 hazards found by the period's end and not closed by it;
- general_overdue: of those, past their deadline at the period's end;
- major_carried_over: 重大 hazards found before the period and not closed before it
  began (so carried over + new − closed = in treatment at the end);
- major_new: 重大 hazards found in the period;
- major_closed: 重大 hazards closed in the period;
- major_treating: 重大 hazards found by the period's end and not closed by it;
- major_listed_city / major_listed_district: 重大 hazards under listed supervision
  (挂牌督办) by the city or a district at some time in the period (listed by its
  end, the listing not closed before its start);
- major_overdue: 重大 hazards open at the period's end and past their deadline;
- suspensions: 重大 hazards found in the period whose report (第14条) says production
  is suspended in full or in part;
- funds: the funds of the hazards (both classes) closed in the period — money is
  counted once, when the work it paid for is accepted.

Inspections: completed inspection records with inspected_on in the period, counted
by kind; those led by the principal (the flag or the kind) only as principal-led;
participants are person-times (one per participant of each such record).

The standardization section: the score of the last self-assessment submitted by
the period's end and whether one was submitted in the period's year. The grade of
the enterprise's live certificate is not in the registry (hazards must not read
certification), so the enterprise gives it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum

from enterprises.models import Enterprise
from hazards.models import (
    Hazard,
    InspectionKind,
    InspectionParticipant,
    InspectionRecord,
    SupervisionListing,
    Suspension,
)
from hazards.models.selfreports import COUNT_FIGURES
from hazards.selfreports.periods import Period
from reviews.models import Assessment

GENERAL = Q(grade=Hazard.Grade.GENERAL)
MAJOR = Q(grade=Hazard.Grade.MAJOR)


def found_in(start: datetime.date, end: datetime.date) -> Q:
    return Q(found_on__gte=start, found_on__lte=end)


def closed_in(start: datetime.date, end: datetime.date) -> Q:
    return Q(closed_on__gte=start, closed_on__lte=end)


def open_at(day: datetime.date) -> Q:
    """Found by ``day`` and not closed by it (closed_on is set when it is closed)."""
    return Q(found_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def not_closed_before(day: datetime.date) -> Q:
    return Q(closed_on__isnull=True) | Q(closed_on__gte=day)


def overdue_at(day: datetime.date) -> Q:
    return open_at(day) & Q(deadline__lt=day)


def listed_in(level: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(listing__level=level, listing__listed_on__lte=end) & (
        Q(listing__closed_on__isnull=True) | Q(listing__closed_on__gte=start)
    )


def hazard_conditions(start: datetime.date, end: datetime.date) -> dict[str, Q]:
    """Each hazard count of the form as a condition on a Hazard row."""
    return {
        "general_found": GENERAL & found_in(start, end),
        "general_rectified": GENERAL & closed_in(start, end),
        "general_rectified_on_time": GENERAL
        & closed_in(start, end)
        & Q(closed_on__lte=F("deadline")),
        "general_open": GENERAL & open_at(end),
        "general_overdue": GENERAL & overdue_at(end),
        "major_carried_over": MAJOR & Q(found_on__lt=start) & not_closed_before(start),
        "major_new": MAJOR & found_in(start, end),
        "major_closed": MAJOR & closed_in(start, end),
        "major_treating": MAJOR & open_at(end),
        "major_listed_city": MAJOR & listed_in(SupervisionListing.Level.CITY, start, end),
        "major_listed_district": MAJOR & listed_in(SupervisionListing.Level.DISTRICT, start, end),
        "major_overdue": MAJOR & overdue_at(end),
        "suspensions": MAJOR
        & found_in(start, end)
        & Q(major_report__suspension__in=[Suspension.FULL, Suspension.PARTIAL]),
    }


def hazard_aggregates(
    start: datetime.date, end: datetime.date, names: tuple[str, ...]
) -> dict[str, Any]:
    """Count(...) expressions for the named hazard figures (and Sum for funds)."""
    conditions = hazard_conditions(start, end)
    aggregates: dict[str, Any] = {
        name: Count("pk", filter=conditions[name]) for name in names if name in conditions
    }
    if "funds" in names:
        aggregates["funds"] = Sum("funds", filter=closed_in(start, end))
    return aggregates


INSPECTION_KINDS = {
    "inspections_daily": InspectionKind.DAILY,
    "inspections_comprehensive": InspectionKind.COMPREHENSIVE,
    "inspections_special": InspectionKind.SPECIAL,
    "inspections_seasonal": InspectionKind.SEASONAL,
    "inspections_holiday": InspectionKind.HOLIDAY,
}
PRINCIPAL_LED = Q(principal_led=True) | Q(kind=InspectionKind.PRINCIPAL_LED)


def inspection_figures(enterprise_id: int, period: Period) -> dict[str, int]:
    """Completed inspections of the period by kind, principal-led, participants."""
    records = InspectionRecord.objects.filter(
        enterprise_id=enterprise_id,
        status=InspectionRecord.Status.COMPLETED,
        inspected_on__gte=period.start,
        inspected_on__lte=period.end,
    )
    counts = records.aggregate(
        inspections_principal_led=Count("pk", filter=PRINCIPAL_LED),
        **{
            name: Count("pk", filter=Q(kind=kind) & ~PRINCIPAL_LED)
            for name, kind in INSPECTION_KINDS.items()
        },
    )
    counts["inspection_participants"] = InspectionParticipant.objects.filter(
        record__in=records
    ).count()
    return {name: int(value or 0) for name, value in counts.items()}


def ledger_figures(enterprise_id: int, period: Period) -> dict[str, Any]:
    """Every figure of the form for one enterprise and period (FIGURES), from the
    ledger and the inspection records: three queries."""
    names = (*COUNT_FIGURES, "funds")
    hazard = Hazard.objects.filter(enterprise_id=enterprise_id).aggregate(
        **hazard_aggregates(period.start, period.end, names)
    )
    figures: dict[str, Any] = {name: int(hazard.get(name) or 0) for name in COUNT_FIGURES}
    figures.update(inspection_figures(enterprise_id, period))
    figures["funds"] = Decimal(hazard.get("funds") or 0).quantize(Decimal("0.01"))
    return figures


def standardization_figures(enterprise: Enterprise, period: Period) -> dict[str, Any]:
    """The last self-assessment score by the period's end, and whether a
    self-assessment was submitted in the period's year."""
    submitted = Assessment.objects.filter(
        enterprise=enterprise,
        kind=Assessment.Kind.SELF,
        status=Assessment.Status.SUBMITTED,
        submitted_at__date__lte=period.end,
    )
    last = submitted.order_by("-submitted_at", "-pk").values_list("submitted_score", flat=True)
    score = last.first()
    return {
        "self_assessment_score": score,
        "annual_self_assessment_done": submitted.filter(
            submitted_at__date__gte=datetime.date(period.year, 1, 1)
        ).exists(),
    }
