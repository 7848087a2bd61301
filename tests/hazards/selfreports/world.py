"""Building blocks for self-report tests.

Figures read the ledger's columns only (found_on, closed_on, deadline, grade, the
listing and the major report), so ``hazard`` writes a row with exactly the dates a
case needs; moving it through the workflow would tie these tests to every move's
own rules, which the ledger's tests cover."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from hazards.models import (
    Hazard,
    InspectionParticipant,
    InspectionPlan,
    InspectionRecord,
    MajorHazardReport,
    PeriodKind,
    SelfReport,
    SupervisionListing,
)
from hazards.selfreports import services
from hazards.selfreports.periods import Period
from tests.hazards.factories import catalogue_item

D = datetime.date
Q3_2025 = Period(PeriodKind.QUARTER, 2025, 3)  # 2025-07-01 … 2025-09-30, due 2025-10-15
_numbers = itertools.count(1)
BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 9):
    """Travel to ``day`` at ``hour`` o'clock in Beijing."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BEIJING), tick=False
    )


def hazard(
    enterprise,
    *,
    found: datetime.date,
    deadline: datetime.date,
    closed: datetime.date | None = None,
    grade: str = Hazard.Grade.GENERAL,
    funds: str = "0",
    actor=None,
) -> Hazard:
    major = grade == Hazard.Grade.MAJOR
    if closed is not None:
        status = Hazard.Status.CLOSED
    else:
        status = Hazard.Status.TREATING if major else Hazard.Status.PENDING
    return Hazard.objects.create(
        number=f"{enterprise.uscc}-T-{next(_numbers):05d}",
        enterprise=enterprise,
        region_id=enterprise.region_id,
        street_id=enterprise.street_id,
        industry_id=enterprise.industry_id,
        found_on=found,
        source=Hazard.Source.SELF,
        location="一号车间",
        description="测试隐患",
        category=Hazard.Category.SITE,
        grade=grade,
        major_basis=catalogue_item() if major else None,
        deadline=deadline,
        closed_on=closed,
        funds=Decimal(funds),
        status=status,
        created_by=actor or enterprise.account.users.first(),
    )


def listing(hazard: Hazard, issuer, *, level: str, listed: datetime.date, closed=None):
    return SupervisionListing.objects.create(
        number=f"DB-{hazard.pk}",
        level=level,
        issuer=issuer,
        hazard=hazard,
        listed_on=listed,
        deadline=listed + datetime.timedelta(days=90),
        suspension="partial",
        requirements="限期治理。",
        closed_on=closed,
        status=SupervisionListing.Status.CLOSED if closed else SupervisionListing.Status.LISTED,
        created_by=issuer.users.first(),
    )


def major_report(hazard: Hazard, suspension: str) -> MajorHazardReport:
    return MajorHazardReport.objects.create(
        hazard=hazard,
        current_state_and_causes="现状",
        harm_and_difficulty="分析",
        treatment_outline="方案",
        suspension=suspension,
        created_by=hazard.created_by,
    )


def inspection(enterprise, *, on, kind="daily", principal=False, people=(), completed=True):
    user = enterprise.account.users.first()
    plan = InspectionPlan.objects.create(
        enterprise=enterprise,
        title="日常检查",
        kind=kind,
        scope="全厂",
        frequency="daily",
        responsible_person="张伟",
        checklist="catalogue",
        catalogue_version=catalogue_item().version,
        created_by=user,
    )
    record = InspectionRecord.objects.create(
        plan=plan,
        enterprise=enterprise,
        kind=kind,
        principal_led=principal,
        inspected_on=on,
        leader=user,
        status=InspectionRecord.Status.COMPLETED if completed else InspectionRecord.Status.DRAFT,
        created_by=user,
    )
    for person in people:
        InspectionParticipant.objects.create(record=record, user=person)
    return record


def started(cast, period: Period = Q3_2025, *, today=None) -> SelfReport:
    return services.report_start(
        actor=cast.enterprise_staff, enterprise=cast.ent, period=period, today=today
    )


def submitted(cast, period: Period = Q3_2025, **values) -> SelfReport:
    report = started(cast, period)
    if values:
        services.report_save(actor=cast.enterprise_staff, report=report, values=values)
    return services.report_submit(actor=cast.enterprise, report=report)
