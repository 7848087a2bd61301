"""A hand-built cast for the worklists, read on TODAY (2026-06-15, a Monday).

Per worklist, one item in 朝阳区 建外街道 (the street of cast.street), its twin in
海淀区 (cast.other_ent's district, no street) and records that must not appear:
not yet due, and done. The last closed self-report period is 2026 Q1 (due
2026-04-15); every active enterprise filed it on time except the ones named."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

import time_machine

from certification.models import AnnualSelfAssessment, Application, Certificate, Status
from enterprises.models import Enterprise
from hazards.models import (
    CloseApplication,
    Hazard,
    PeriodKind,
    SelfReport,
    SupervisionListing,
)
from hazards.selfreports.periods import Period
from tests.cast import make_enterprise
from tests.hazards.selfreports.world import hazard
from tests.reporting.statistics.world import World, moment

TODAY = datetime.date(2026, 6, 15)
Q1 = Period(PeriodKind.QUARTER, 2026, 1)  # due 2026-04-15
BEIJING = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(300)


def on_today():
    return time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=BEIJING), tick=False)


def d(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


class Cases:
    """Builds the cast; ``expected[kind]`` is the enterprise of 朝阳区's one item,
    ``haidian[kind]`` the 海淀区 one."""

    def __init__(self, cast):
        self.cast = cast
        self.world = World(cast)
        self.expected: dict[str, Enterprise] = {}
        self.haidian: dict[str, Enterprise] = {}
        self.since: dict[str, datetime.date] = {}

    def enterprise(self, name: str, *, district=None, **fields) -> Enterprise:
        cast = self.cast
        region = district or cast.chaoyang
        if region == cast.chaoyang:
            fields.setdefault("street", cast.chaoyang_street)
        return make_enterprise(name, region, next(_serial), **fields)

    def certificate(self, enterprise, valid_until, **fields) -> Certificate:
        return self.world.certificate(
            enterprise, "3", valid_until - datetime.timedelta(days=3 * 365), valid_until, **fields
        )

    def application(self, enterprise, status, **fields) -> Application:
        application = self.world.application(enterprise, "3", status=status)
        if fields:
            Application.objects.filter(pk=application.pk).update(**fields)
        return application

    def build(self) -> Cases:
        cast = self.cast
        haidian = cast.haidian
        # --- renewal due: expires in 30 days, window open since 2026-04-15
        e = self.expected["renewal_due"] = self.enterprise("续期一")
        self.certificate(e, d(30))
        self.since["renewal_due"] = datetime.date(2026, 4, 15)
        self.haidian["renewal_due"] = h = self.enterprise("海淀续期", district=haidian)
        self.certificate(h, d(30))
        self.certificate(self.enterprise("续期未到"), d(200))  # not yet in the window
        applied = self.enterprise("续期已申请")
        self.certificate(applied, d(30))
        self.application(applied, Status.SUBMITTED)  # done: it applied again
        closed = self.enterprise("续期已注销", status=Enterprise.Status.CLOSED)
        self.certificate(closed, d(30))  # an enterprise that closed needs nothing
        # --- expired without an application: last valid day 40 days ago
        e = self.expected["expired_unrenewed"] = self.enterprise("过期一")
        self.certificate(e, d(-40), status=Certificate.Status.EXPIRED)
        self.since["expired_unrenewed"] = d(-40)
        self.haidian["expired_unrenewed"] = h = self.enterprise("海淀过期", district=haidian)
        self.certificate(h, d(-40), status=Certificate.Status.EXPIRED)
        applied = self.enterprise("过期已申请")
        self.certificate(applied, d(-40), status=Certificate.Status.EXPIRED)
        self.application(applied, Status.ACCEPTED)  # done
        # --- annual self-assessment overdue: due 45 days ago
        e = self.expected["annual_overdue"] = self.enterprise("年度一")
        self.annual(self.certificate(e, d(700)), due=d(-45), overdue=True)
        self.since["annual_overdue"] = d(-45)
        self.haidian["annual_overdue"] = h = self.enterprise("海淀年度", district=haidian)
        self.annual(self.certificate(h, d(700)), due=d(-45), overdue=True)
        self.annual(self.certificate(self.enterprise("年度未到"), d(700)), due=d(10))
        done = self.certificate(self.enterprise("年度已交"), d(700))
        self.annual(done, due=d(-45), overdue=True, submitted=True)
        # --- application steps overdue: acceptance due 35 days ago
        e = self.expected["applications_overdue"] = self.enterprise("申请一")
        self.application(e, Status.SUBMITTED, due_on=d(-35))
        self.since["applications_overdue"] = d(-35)
        self.haidian["applications_overdue"] = h = self.enterprise("海淀申请", district=haidian)
        self.application(h, Status.SUBMITTED, due_on=d(-35))
        self.application(self.enterprise("申请未到"), Status.SUBMITTED, due_on=d(3))
        self.application(self.enterprise("申请草稿"), Status.DRAFT, due_on=d(-35))
        # --- hazards past their deadline: 40 days
        e = self.expected["hazards_overdue"] = self.enterprise("隐患一")
        hazard(e, found=d(-60), deadline=d(-40), actor=cast.enterprise)
        self.since["hazards_overdue"] = d(-40)
        self.haidian["hazards_overdue"] = h = self.enterprise("海淀隐患", district=haidian)
        hazard(h, found=d(-60), deadline=d(-40), actor=cast.enterprise)
        hazard(self.enterprise("隐患未到"), found=d(-10), deadline=d(5), actor=cast.enterprise)
        hazard(
            self.enterprise("隐患已销号"),
            found=d(-60),
            deadline=d(-40),
            closed=d(-41),
            actor=cast.enterprise,
        )
        # --- listed hazards: deadline 35 days ago (the hazard's own deadline ahead)
        e = self.expected["listings_due"] = self.enterprise("挂牌一")
        self.listing(e, deadline=d(-35))
        self.since["listings_due"] = d(-35)
        self.haidian["listings_due"] = h = self.enterprise("海淀挂牌", district=haidian)
        self.listing(h, deadline=d(-35), issuer=cast.other_district)
        self.listing(self.enterprise("挂牌未到"), deadline=d(20))
        self.listing(self.enterprise("挂牌已核销"), deadline=d(-35), closed=d(-36))
        # --- self-reports of 2026 Q1: one missing, one filed late
        self.expected["self_reports"] = self.enterprise("自报未报")
        self.late = self.enterprise("自报迟报")
        self.since["self_reports"] = Q1.due_on()
        for enterprise in Enterprise.objects.filter(status=Enterprise.Status.ACTIVE).exclude(
            pk__in=[self.expected["self_reports"].pk, cast.other_ent.pk]
        ):
            self.self_report(enterprise, late=enterprise == self.late)
        self.haidian["self_reports"] = cast.other_ent
        return self

    def annual(self, certificate, *, due, overdue=False, submitted=False) -> None:
        AnnualSelfAssessment.objects.create(
            certificate=certificate,
            year=1,
            due_on=due,
            overdue_recorded_at=moment(due + datetime.timedelta(days=1)) if overdue else None,
            submitted_at=moment(due) if submitted else None,
        )

    def listing(self, enterprise, *, deadline, closed=None, issuer=None) -> SupervisionListing:
        issuer = issuer or self.cast.district
        major = hazard(
            enterprise,
            found=d(-90),
            deadline=d(10),
            grade=Hazard.Grade.MAJOR,
            actor=self.cast.enterprise,
        )
        return SupervisionListing.objects.create(
            number=f"督-{major.pk}",
            level=SupervisionListing.Level.DISTRICT,
            issuer=issuer.organisation,
            hazard=major,
            listed_on=d(-60),
            deadline=deadline,
            suspension="partial",
            requirements="限期治理。",
            closed_on=closed,
            status=SupervisionListing.Status.CLOSED if closed else SupervisionListing.Status.LISTED,
            created_by=issuer,
        )

    def self_report(self, enterprise, *, late=False) -> SelfReport:
        filed = Q1.due_on() + datetime.timedelta(days=5 if late else -3)
        return SelfReport.objects.create(
            enterprise=enterprise,
            region_id=enterprise.region_id,
            street_id=enterprise.street_id,
            industry_id=enterprise.industry_id,
            period_kind=Q1.kind,
            year=Q1.year,
            period=Q1.number,
            due_on=Q1.due_on(),
            status=SelfReport.Status.SUBMITTED,
            submitted_at=moment(filed),
            late=late,
            created_by=self.cast.enterprise,
        )


def review_pending(listing: SupervisionListing, due: datetime.date) -> CloseApplication:
    return CloseApplication.objects.create(
        listing=listing,
        text="已整改完毕，申请销号。",
        applied_by=listing.created_by,
        review_due=due,
    )
