"""Demonstration self-reports for ``manage.py seed_demo``, through the real services:

- demo-enterprise: last quarter's form filed on time and acknowledged by demo-street;
  the quarter before returned by demo-street and corrected (the correction awaits
  acknowledgement);
- demo-small: the quarter before filed late; last quarter's missing (未报);
- 朝阳区's district → city table of last quarter, frozen.

Re-running creates nothing new."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from enterprises.demo import DEMO_ENTERPRISE, SMALL_ENTERPRISE
from enterprises.models import Enterprise
from hazards.models import PeriodKind, QuarterlyTable, SelfReport
from hazards.selfreports import services, tables
from hazards.selfreports.periods import Period, last_ended
from portal.models import User


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("organisation").first()


def _enterprise(user: User | None, name: str) -> Enterprise | None:
    if user is None or user.organisation is None:
        return None
    return Enterprise.objects.filter(account=user.organisation, name=name).first()


def _filed(enterprise: Enterprise, period: Period) -> bool:
    return SelfReport.objects.filter(
        enterprise=enterprise, period_kind=period.kind, year=period.year, period=period.number
    ).exists()


def _submit(
    principal: User, enterprise: Enterprise, period: Period, *, on_time: bool
) -> SelfReport:
    report = services.report_start(actor=principal, enterprise=enterprise, period=period)
    services.report_save(
        actor=principal,
        report=report,
        values={
            "analysis": "本期按计划开展日常和专项排查，一般隐患均已落实整改责任。",
            "next_measures": "下期重点排查有限空间作业和冬季防火。",
        },
    )
    report = services.report_submit(actor=principal, report=report)
    if on_time:
        # The demo shows a form filed in its time: backdated to before its due date.
        filed = timezone.make_aware(
            datetime.datetime.combine(report.due_on - datetime.timedelta(days=3), datetime.time(10))
        )
        SelfReport.objects.filter(pk=report.pk).update(submitted_at=filed, late=False)
        report.refresh_from_db()
    return report


def seed_demo_selfreports(result: Any) -> None:
    last = last_ended(PeriodKind.QUARTER, timezone.localdate())
    before = last.previous()
    street, district = _user("demo-street"), _user("demo-district")
    principal = _user("demo-enterprise")
    enterprise = _enterprise(principal, DEMO_ENTERPRISE)
    if principal is not None and enterprise is not None and street is not None:
        if not _filed(enterprise, last):
            report = _submit(principal, enterprise, last, on_time=True)
            if services.is_receiver(street, report):
                services.report_acknowledge(actor=street, report=report)
            result.note("self-reports", True)
        if not _filed(enterprise, before):
            report = _submit(principal, enterprise, before, on_time=True)
            if services.is_receiver(street, report):
                services.report_return(
                    actor=street, report=report, reason="隐患整改率与台账不一致，请核对后更正。"
                )
                correction = services.report_correct(
                    actor=principal, report=report, reason="按街道退回意见核对台账后更正。"
                )
                services.report_submit(actor=principal, report=correction)
            result.note("self-reports", True)
    small_principal = _user("demo-small")
    small = _enterprise(small_principal, SMALL_ENTERPRISE)
    if small_principal is not None and small is not None and not _filed(small, before):
        _submit(small_principal, small, before, on_time=False)  # filed late (迟报)
        result.note("self-reports", True)
    if district is not None and district.organisation is not None:
        region_id = district.organisation.region_id
        table, created = QuarterlyTable.objects.get_or_create(
            region_id=region_id,
            year=last.year,
            quarter=last.number,
            defaults={"requested_by": district},
        )
        if table.status != QuarterlyTable.Status.FROZEN:
            tables.build_table(table.pk)
            result.note("quarterly tables", True)
