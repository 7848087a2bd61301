"""Demonstration of a major hazard's report, plan and listed supervision for
``manage.py seed_demo``, through the real services.

hazards/demo.py calls ``report_and_plan`` before the principal approves a demo
major hazard's plan (approve_plan needs both), and ``seed_supervision`` at the
end: demo-enterprise's major hazard is then listed for district supervision by
demo-district (朝阳区人民政府), its report acknowledged by every office it was
sent to, with one progress report. Idempotent: a listed hazard is left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from enterprises.demo import DEMO_ENTERPRISE
from hazards.models import (
    Hazard,
    MajorHazardReport,
    ReportReceipt,
    SupervisionListing,
    TreatmentPlan,
)
from hazards.supervision import reports, services
from portal.models import User

DISTRICT_LOGIN = "demo-district"

REPORT = {
    "current_state_and_causes": "热处理车间淬火油槽未设置超温报警和自动灭火装置，原设计未考虑油温失控。",
    "harm_and_difficulty": "油温失控可引发火灾，波及整个热处理车间；需停用油槽并加装设备，治理难度较大。",
    "treatment_outline": "停用淬火油槽，加装超温报警和自动灭火装置，验收合格后恢复使用。",
    "suspension": "partial",
}
PLAN = {
    "goals_and_tasks": "消除淬火油槽火灾隐患，60 日内完成治理。",
    "methods_and_measures": "停用油槽；加装超温报警、自动灭火装置并与排油系统联动。",
    "funds_and_materials": "专项资金 15 万元，设备已订购。",
    "organisation_and_people": "设备部牵头，安全管理部监督。",
    "timeline_and_requirements": "30 日内完成安装，45 日内完成调试和验收。",
    "safety_and_emergency": "治理期间停用油槽，设置警戒区，配备灭火器材，修订火灾应急预案。",
}


def report_and_plan(hazard: Hazard, admin: User, second: User) -> None:
    """The report (written by the safety officer, signed by the admin as the
    principal) and the six-part plan, unless already there."""
    report = MajorHazardReport.objects.filter(hazard=hazard).first()
    if report is None or report.submitted_at is None:
        congress = max(hazard.found_on, timezone.localdate() - datetime.timedelta(days=1))
        reports.report_save(actor=second, hazard=hazard, workers_congress_on=congress, **REPORT)
        reports.report_submit(actor=admin, hazard=hazard)
    if not TreatmentPlan.objects.filter(hazard=hazard).exists():
        reports.plan_save(actor=second, hazard=hazard, **PLAN)


def seed_supervision(result: Any) -> None:
    """demo-enterprise's major hazard under district listed supervision."""
    district = User.objects.filter(username=DISTRICT_LOGIN).select_related("organisation").first()
    hazard = (
        Hazard.objects.filter(
            enterprise__name=DEMO_ENTERPRISE,
            grade=Hazard.Grade.MAJOR,
            status__in=(Hazard.Status.PLAN_APPROVED, Hazard.Status.TREATING),
        )
        .order_by("pk")
        .first()
    )
    if district is None or hazard is None:
        return
    if SupervisionListing.objects.filter(hazard=hazard).exists():
        return  # seeded before
    for receipt in ReportReceipt.objects.filter(
        report__hazard=hazard, acknowledged_at__isnull=True
    ).select_related("organisation"):
        officer = (
            User.objects.filter(organisation=receipt.organisation, is_active=True)
            .order_by("pk")
            .first()
        )
        if officer is not None:
            reports.report_acknowledge(actor=officer, receipt=receipt)
    today = timezone.localdate()
    listed_on = max(hazard.found_on, today - datetime.timedelta(days=10))
    listing = services.listing_create(
        actor=district,
        hazard=hazard,
        listed_on=listed_on,
        deadline=listed_on + datetime.timedelta(days=60),
        suspension="partial",
        requirements="停用热处理车间淬火油槽；按治理方案限期完成治理，每 15 日报告治理进展。",
        progress_interval_days=15,
    )
    admin = User.objects.filter(organisation_id=hazard.enterprise.account_id, role=User.Role.ADMIN)
    reporter = admin.order_by("pk").first()
    if reporter is not None:
        services.progress_report(
            actor=reporter,
            listing=listing,
            text="淬火油槽已停用并设置警戒区；超温报警和自动灭火装置已到货，正在安装。",
        )
    result.note("listings", True)
