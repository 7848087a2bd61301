"""A small world for T2 评审工作, T4 隐患与自查自报 and T5 事故, counted by hand in
tests/reporting/statistics/test_more_tables.py (read on TODAY, 2026-06-15).

朝阳区: ent (建外, no live certificate: its level 3 was revoked on 2026-03-05) and
统计甲 (朝外, a live level 2 and a live 达标 certificate: grade 2). 海淀区: other_ent,
whose figures a district must never see."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from certification.models import (
    ApplicationEvent,
    Assignment,
    Certificate,
    Objection,
    PublicityBatch,
    PublicityItem,
    SpotCheck,
    Status,
    VerificationBatch,
)
from certification.steps import record_step_days
from enterprises.models import Accident
from hazards.models import Hazard, PeriodKind, SelfReport, SupervisionListing, Suspension
from tests.cast import make_enterprise
from tests.hazards.factories import catalogue_item
from tests.reporting.statistics.world import World, moment

d = datetime.date
_serial = itertools.count(1)


def at(day: datetime.date) -> datetime.datetime:
    return moment(day)


def hazard(cast, enterprise, found, deadline, *, major=False, closed=None, funds="0"):
    return Hazard.objects.create(
        number=f"YH-{next(_serial)}",
        enterprise=enterprise,
        region=enterprise.region,
        street=enterprise.street,
        industry=enterprise.industry,
        found_on=found,
        source=Hazard.Source.SELF,
        location="车间",
        description="隐患",
        category=Hazard.Category.SITE,
        grade=Hazard.Grade.MAJOR if major else Hazard.Grade.GENERAL,
        major_basis=catalogue_item() if major else None,
        deadline=deadline,
        closed_on=closed,
        funds=Decimal(funds),
        status=Hazard.Status.CLOSED if closed else Hazard.Status.PENDING,
        created_by=cast.enterprise,
    )


def listing(cast, hazard_row, level, listed_on, closed_on=None):
    return SupervisionListing.objects.create(
        number=f"GP-{next(_serial)}",
        level=level,
        issuer=cast.district.organisation,
        hazard=hazard_row,
        listed_on=listed_on,
        deadline=listed_on + datetime.timedelta(days=60),
        suspension=Suspension.NONE,
        requirements="整改",
        status=SupervisionListing.Status.CLOSED if closed_on else SupervisionListing.Status.LISTED,
        closed_on=closed_on,
        created_by=cast.district,
    )


def event(application, actor, transition, source, target, day):
    row = ApplicationEvent.objects.create(
        application=application,
        transition=transition,
        from_status=source,
        to_status=target,
        actor=actor,
    )
    ApplicationEvent.objects.filter(pk=row.pk).update(created_at=at(day))
    record_step_days(application.pk)  # as the engine does after each move


def build(cast) -> dict:
    world = World(cast)
    ent, other = cast.ent, cast.other_ent
    jia = make_enterprise("统计甲", cast.chaoyang, 301, street=cast.other_chaoyang_street)
    # Certificates: ent's level 3 revoked after its accident of 2026-03-01; 统计甲 grade 2.
    world.certificate(
        ent,
        "3",
        d(2024, 1, 1),
        d(2026, 12, 31),
        status=Certificate.Status.REVOKED,
        status_changed_at=at(d(2026, 3, 5)),
    )
    world.certificate(jia, "2", d(2025, 1, 1), d(2028, 1, 1))
    world.certificate(jia, "pass", d(2025, 1, 1), d(2028, 1, 1))

    # T5: accidents.
    def accident(enterprise, day, deaths=0, serious=0):
        Accident.objects.create(
            enterprise=enterprise,
            occurred_on=day,
            deaths=deaths,
            serious_injuries=serious,
            description="事故",
            recorded_by=cast.district,
        )

    accident(ent, d(2026, 3, 1), deaths=2, serious=1)  # certified on the day
    accident(jia, d(2026, 5, 10), serious=3)  # certified
    accident(jia, d(2025, 11, 1), deaths=1)  # last year
    accident(ent, d(2026, 4, 1))  # after the revocation: not certified
    accident(other, d(2026, 2, 1), deaths=1)  # 海淀区

    # T4: hazards.
    hazard(cast, ent, d(2026, 2, 1), d(2026, 2, 20), closed=d(2026, 2, 15), funds="1000")
    hazard(cast, ent, d(2026, 3, 1), d(2026, 3, 10), closed=d(2026, 3, 20), funds="500.50")
    hazard(cast, jia, d(2026, 5, 1), d(2026, 6, 30))
    h4 = hazard(cast, jia, d(2025, 12, 1), d(2026, 3, 1), major=True)
    listing(cast, h4, SupervisionListing.Level.CITY, d(2026, 1, 10))
    h5 = hazard(cast, ent, d(2026, 4, 1), d(2026, 5, 1), major=True, closed=d(2026, 4, 20))
    listing(cast, h5, SupervisionListing.Level.DISTRICT, d(2026, 4, 5), closed_on=d(2026, 4, 21))
    hazard(cast, ent, d(2025, 10, 1), d(2025, 12, 31), closed=d(2026, 1, 10), funds="200")
    hazard(cast, other, d(2026, 2, 1), d(2026, 2, 10), funds="99")

    # T4: the 2026 Q1 forms (due mid-April): ent filed on time a zero report,
    # 统计甲 has a draft; other_ent filed late.
    def report(enterprise, status, late=False, zero=False):
        SelfReport.objects.create(
            enterprise=enterprise,
            region=enterprise.region,
            street=enterprise.street,
            industry=enterprise.industry,
            period_kind=PeriodKind.QUARTER,
            year=2026,
            period=1,
            due_on=d(2026, 4, 15),
            status=status,
            late=late,
            zero_report=zero,
            submitted_at=at(d(2026, 4, 10)) if status != SelfReport.Status.DRAFT else None,
            created_by=cast.enterprise,
        )

    report(ent, SelfReport.Status.SUBMITTED, zero=True)
    report(jia, SelfReport.Status.DRAFT)
    report(other, SelfReport.Status.ACKNOWLEDGED, late=True)

    # T2: applications and their timelines.
    actor = cast.district
    p1 = world.application(ent, "3", status=Status.ASSIGNED)
    p2 = world.application(jia, "3", status=Status.RETURNED)
    p3 = world.application(jia, "2", status=Status.REJECTED)
    p4 = world.application(other, "3", status=Status.ACCEPTED)
    world.application(ent, "2", status=Status.DRAFT)
    for app, day in (
        (p1, d(2026, 2, 2)),
        (p2, d(2026, 3, 2)),
        (p3, d(2026, 1, 5)),
        (p4, d(2026, 3, 2)),
    ):
        type(app).objects.filter(pk=app.pk).update(submitted_at=at(day))
        event(app, actor, "submit", Status.DRAFT, Status.SUBMITTED, day)
    event(p1, actor, "accept", Status.SUBMITTED, Status.ACCEPTED, d(2026, 2, 5))
    event(p1, actor, "assign", Status.ACCEPTED, Status.ASSIGNED, d(2026, 2, 9))
    type(p1).objects.filter(pk=p1.pk).update(due_on=d(2026, 6, 10))  # overdue
    type(p2).objects.filter(pk=p2.pk).update(due_on=d(2026, 7, 1))
    event(p2, actor, "return", Status.SUBMITTED, Status.RETURNED, d(2026, 3, 4))
    event(p3, actor, "reject", Status.SUBMITTED, Status.REJECTED, d(2026, 1, 12))
    event(p4, cast.other_district, "accept", Status.SUBMITTED, Status.ACCEPTED, d(2026, 3, 3))
    unit = cast.reviewer.organisation
    Assignment.objects.create(application=p1, unit=unit, assigned_by=cast.association)
    batch = VerificationBatch.objects.create(
        organiser=cast.association.organisation,
        name="复核",
        drawn_at=at(d(2026, 3, 1)),
        created_by=cast.association,
    )
    SpotCheck.objects.create(
        batch=batch, application=p1, unit=unit, required=True, reason=SpotCheck.Reason.DRAWN
    )
    SpotCheck.objects.create(
        application=p2,
        unit=unit,
        required=True,
        result=SpotCheck.Result.FAILED,
        checked_at=at(d(2026, 4, 1)),
    )
    SpotCheck.objects.create(
        application=p4,
        unit=unit,
        required=True,
        result=SpotCheck.Result.FAILED,
        checked_at=at(d(2026, 4, 1)),
    )
    publicity = PublicityBatch.objects.create(
        organiser=cast.district.organisation,
        title="公示",
        starts_on=d(2026, 4, 20),
        ends_on=d(2026, 4, 27),
        created_by=cast.district,
    )
    for app in (p2, p4):
        item = PublicityItem.objects.create(batch=publicity, application=app, tier="3")
        Objection.objects.create(
            item=item,
            name="张三",
            contact="13800000000",
            text="异议",
            outcome=Objection.Outcome.UPHELD,
            resolved_at=at(d(2026, 5, 1)),
        )
    return {"jia": jia, "unit": unit, "p1": p1, "p2": p2, "p3": p3, "world": world}
