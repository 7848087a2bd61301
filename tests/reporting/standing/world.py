"""A hand-built cast for the warning list and the tiers, read on TODAY (2026-06-15).

The last four quarterly self-reports due by then: 2026 Q1 (due 2026-04-15), 2025 Q4,
Q3, Q2. Enterprises created in the test are registered "today", so they owe none of
them; ``late_reporter`` is backdated to 2024 and filed only 2025 Q2, on time."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

import time_machine

from certification.models import ApplicationEvent, Certificate, Status
from enterprises.models import Accident, Enterprise
from hazards.models import Hazard, PeriodKind, SelfReport
from hazards.selfreports.periods import Period
from tests.cast import make_enterprise
from tests.hazards.selfreports.world import hazard
from tests.reporting.statistics.world import World, moment

TODAY = datetime.date(2026, 6, 15)
BEIJING = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(700)


def on(day: datetime.date):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING), tick=False
    )


def d(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


class Cast:
    """``self.<name>``: the enterprises, each meeting (or nearly meeting) one rule."""

    def __init__(self, cast):
        self.cast = cast
        self.world = World(cast)
        chaoyang = cast.chaoyang

        def enterprise(name, region=chaoyang, **fields):
            if region == chaoyang:
                fields.setdefault("street", cast.chaoyang_street)
            return make_enterprise(name, region, next(_serial), **fields)

        # Revoked 30 days ago; another revoked 60 days ago but certified again since.
        self.revoked = enterprise(
            "撤销一", legal_representative="张三", contact_phone="13900000000"
        )
        self.certificate(self.revoked, "3", status=Certificate.Status.REVOKED, changed=d(-30))
        self.recertified = enterprise("撤销后再发证")
        self.certificate(self.recertified, "2", status=Certificate.Status.REVOKED, changed=d(-60))
        self.certificate(self.recertified, "3", valid_from=d(-10))
        # A major hazard past its deadline; another major hazard still in time.
        self.major_overdue = enterprise("重大逾期")
        self.overdue_hazard = hazard(
            self.major_overdue,
            found=d(-40),
            deadline=d(-5),
            grade=Hazard.Grade.MAJOR,
            actor=cast.enterprise,
        )
        self.major_open = enterprise("重大在期")
        hazard(
            self.major_open,
            found=d(-5),
            deadline=d(20),
            grade=Hazard.Grade.MAJOR,
            actor=cast.enterprise,
        )
        # No grade reached after a rectification, 20 days ago.
        self.below = enterprise("整改后未达标")
        application = self.world.application(self.below, "3", status=Status.REJECTED)
        for transition, before, after in (
            ("request_rectification", Status.ON_SITE_REVIEW, Status.RECTIFICATION),
            ("close_not_reached", Status.REPORTED, Status.REJECTED),
        ):
            event = ApplicationEvent.objects.create(
                application=application,
                transition=transition,
                from_status=before,
                to_status=after,
                actor=cast.district,
            )
            ApplicationEvent.objects.filter(pk=event.pk).update(created_at=moment(d(-20)))
        # Three of the last four quarterly self-reports missing.
        self.late_reporter = enterprise("自报屡次未报")
        Enterprise.objects.filter(pk=self.late_reporter.pk).update(
            created_at=moment(datetime.date(2024, 1, 1))
        )
        self.self_report(self.late_reporter, Period(PeriodKind.QUARTER, 2025, 2))
        # A fatal accident 100 days ago; one 400 days ago counts no more.
        self.fatal = enterprise("死亡事故")
        self.accident(self.fatal, d(-100), deaths=1)
        self.old_fatal = enterprise("旧事故")
        self.accident(self.old_fatal, d(-400), deaths=2)
        # A level 1 enterprise with nothing against it; 海淀区's fatal accident.
        self.level_1 = enterprise("一级企业")
        self.certificate(self.level_1, "1")
        self.haidian_fatal = cast.other_ent
        self.accident(self.haidian_fatal, d(-10), deaths=1)

    def certificate(self, enterprise, tier, *, status=None, changed=None, valid_from=None):
        fields = {}
        if status is not None:
            fields["status"] = status
        if changed is not None:
            fields["status_changed_at"] = moment(changed)
        start = valid_from or d(-400)
        return self.world.certificate(
            enterprise, tier, start, start + datetime.timedelta(days=3 * 365), **fields
        )

    def accident(self, enterprise, day, *, deaths=0):
        return Accident.objects.create(
            enterprise=enterprise,
            occurred_on=day,
            deaths=deaths,
            description="车间机械伤害",
            recorded_by=self.cast.district,
        )

    def self_report(self, enterprise, period, *, late=False):
        return SelfReport.objects.create(
            enterprise=enterprise,
            region_id=enterprise.region_id,
            street_id=enterprise.street_id,
            industry_id=enterprise.industry_id,
            period_kind=period.kind,
            year=period.year,
            period=period.number,
            due_on=period.due_on(),
            status=SelfReport.Status.SUBMITTED,
            submitted_at=moment(period.due_on() - datetime.timedelta(days=2)),
            late=late,
            created_by=self.cast.enterprise,
        )
