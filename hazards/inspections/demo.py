"""Demonstration inspections for ``manage.py seed_demo``: demo-enterprise gets a
monthly plan against its standardization standard, one completed inspection led
by the principal (demo-enterprise) whose one 隐患 result opened a ledger row, and
one inspection still being recorded (led by demo-enterprise-safety, two items
answered), so that the checklist page has something to show in both states.

Everything goes through the real services. Keyed by the plan's title: once the
plan exists nothing is created again. Without a standard in force for the
enterprise (``manage.py load_standards``) it is skipped with a note.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from enterprises.demo import DEMO_ENTERPRISE
from enterprises.models import Enterprise
from hazards.inspections import plans, services
from hazards.models import Hazard, InspectionPlan, InspectionRecord, InspectionResult
from portal.models import User
from reviews.selectors import applicable_versions

TITLE = "每月安全生产综合检查（对照标准化评分标准）"
HAZARD_NOTE = "消防通道堆放原材料，应急照明灯损坏未及时更换。"


def _answer_all(admin: User, record: InspectionRecord, hazard_on: InspectionResult) -> None:
    for result in record.results.order_by("pk"):
        if result.pk == hazard_on.pk:
            services.result_save(
                actor=admin,
                result=result,
                outcome=InspectionResult.Outcome.HAZARD,
                note=HAZARD_NOTE,
                location="成品库房北侧通道",
                category=Hazard.Category.SITE,
                deadline=record.inspected_on + datetime.timedelta(days=15),
            )
        else:
            services.result_save(
                actor=admin, result=result, outcome=InspectionResult.Outcome.CONFORMS
            )


def seed_demo_inspections(result: Any) -> None:
    """Called by hazards.demo.seed_demo_hazards, after the ledger's second users exist."""
    admin = User.objects.filter(username="demo-enterprise").select_related("organisation").first()
    safety = User.objects.filter(username="demo-enterprise-safety").first()
    if admin is None or admin.organisation is None or safety is None:
        return
    enterprise = Enterprise.objects.filter(account=admin.organisation, name=DEMO_ENTERPRISE).first()
    if enterprise is None or enterprise.status != Enterprise.Status.ACTIVE:
        return
    if InspectionPlan.objects.filter(enterprise=enterprise, title=TITLE).exists():
        return  # seeded before
    versions = applicable_versions(enterprise)
    if not versions:
        print("Demo inspections skipped: no standard in force for the demo enterprise.")
        return
    plan = plans.plan_create(
        actor=admin,
        enterprise=enterprise,
        title=TITLE,
        kind="comprehensive",
        scope="全厂：生产车间、配电室、成品库房、危化品暂存间",
        frequency="monthly",
        responsible_person=admin.get_full_name() or admin.username,
        checklist="standard",
        standard_version=versions[0],
    )
    result.note("inspection plans", True)
    today = timezone.localdate()
    done = services.record_start(
        actor=admin,
        plan=plan,
        inspected_on=today - datetime.timedelta(days=7),
        leader=admin,
        participants=[safety],
        notes="主要负责人带队，安全管理部参加。",
    )
    _answer_all(admin, done, done.results.order_by("pk")[2])
    for person in (admin, safety):
        services.participation_confirm(actor=person, record=done)
    services.record_complete(actor=admin, record=done)
    draft = services.record_start(
        actor=safety, plan=plan, inspected_on=today, leader=safety, participants=[admin]
    )
    for item in draft.results.order_by("pk")[:2]:
        services.result_save(actor=safety, result=item, outcome=InspectionResult.Outcome.CONFORMS)
    result.note("inspection records", True)
    result.note("inspection records", True)
