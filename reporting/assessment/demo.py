"""The demo's assessment report (``seed_demo``): the example schemes of the current
year, and the demo district's draft report of the last closed quarter, with its PDF
and xlsx, so that a new user opens a report at once.

Reports read frozen snapshots only, and the demo's records are all created on the
day it is seeded, so no past period has figures of its own: when the last closed
quarter has no district rows yet, the districts' rows of the open quarter (the
snapshot ``seed_demo`` has just taken) are frozen as that quarter's, as of its last
day. A quarter the nightly job has written already is never touched. Running it
again writes nothing new."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from enterprises.demo import DEMO_USERS
from portal.models import Organisation, Region
from reporting.assessment import reports, schemes, services
from reporting.assessment.models import AssessmentReport, Scheme
from reporting.models import MetricSnapshot
from reporting.snapshots import periods

Scope = MetricSnapshot.ScopeKind
# The district whose report the demo shows: the demo-district login's.
DEMO_DISTRICT = DEMO_USERS["demo-district"][0]


def _ensure_schemes(year: int) -> None:
    for level in Scheme.Level.values:
        if schemes.scheme_for(year, level) is None:
            scheme = schemes.create_scheme(
                actor=None,
                year=year,
                level=level,
                region=None,
                definition=schemes.default_definition(level),
            )
            Scheme.objects.filter(pk=scheme.pk).update(is_example=True)


def _freeze_from_open(period: periods.Period, today: datetime.date) -> int:
    """The open quarter's district rows copied as ``period``'s, frozen (only when
    ``period`` has no district rows at all)."""
    if MetricSnapshot.objects.filter(
        scope_kind=Scope.DISTRICT, period_kind=period.kind, period_code=period.code
    ).exists():
        return 0
    open_rows = MetricSnapshot.objects.filter(
        scope_kind=Scope.DISTRICT,
        period_kind=period.kind,
        period_code=periods.period_of(period.kind, today).code,
    )
    now = timezone.now()
    copies = [
        MetricSnapshot(
            scope_kind=row.scope_kind,
            scope_key=row.scope_key,
            dimension=row.dimension,
            key=row.key,
            period_kind=period.kind,
            period_code=period.code,
            as_of=period.end,
            frozen_at=now,
            figures=row.figures,
        )
        for row in open_rows
    ]
    MetricSnapshot.objects.bulk_create(copies, batch_size=2000)
    return len(copies)


def _demo_region() -> Region | None:
    org = Organisation.objects.filter(name=DEMO_DISTRICT, region__isnull=False).first()
    return org.region if org is not None else Region.objects.order_by("code").first()


def seed_demo_report(today: datetime.date | None = None) -> AssessmentReport | None:
    """The demo district's draft report of the last closed quarter (None, and nothing
    written, without a snapshot to build it from)."""
    today = today or timezone.localdate()
    period = periods.period_of(periods.QUARTER, today).previous()
    region = _demo_region()
    if region is None:
        return None
    with transaction.atomic():
        _ensure_schemes(today.year)
        _ensure_schemes(period.start.year)
        _freeze_from_open(period, today)
        scheme = schemes.scheme_for(period.start.year, Scheme.Level.CITY)
        assert scheme is not None
        # Ranked among the districts, as the city's run ranks them.
        districts = [u for u in reports.units(Scheme.Level.CITY) if u.kind == "district"]
        try:
            built = reports.build_level(scheme, districts, period, {}, {})
        except reports.ReportError:
            return None
        unit = next((u for u in districts if u.key == region.pk), None)
        data = built.get((unit.kind, unit.key)) if unit else None
        if unit is None or data is None:
            return None
        latest = services.latest_versions([(unit.kind, unit.key)], period)
        report = services.ensure_version(scheme, unit, data, latest.get((unit.kind, unit.key)))
    services.render(report)
    return report
