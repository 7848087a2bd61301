"""Building blocks of inspection tests: a standard in force for the cast's
enterprise, a plan against it, a record started from it; and one of each object
for the URL matrix (made once per database state, found again on later calls)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards.inspections import plans, services
from hazards.models import InspectionPhoto, InspectionPlan, InspectionRecord, InspectionResult
from reviews.models import StandardVersion
from tests.certification.factories import make_tiered_version
from tests.hazards.factories import PNG

MARK = "URL matrix inspection plan"


def standard() -> StandardVersion:
    """Two criteria, 1.1 and 1.2, in force for every enterprise."""
    found = StandardVersion.objects.filter(standard__code="inspection-test").first()
    return found or make_tiered_version("inspection-test")


def plan_fields(**overrides) -> dict:
    values = {
        "title": "每月综合检查",
        "kind": "comprehensive",
        "scope": "一号车间、配电室、仓库",
        "frequency": "monthly",
        "responsible_person": "张伟",
        "checklist": "standard",
        "standard_version": standard(),
    }
    values.update(overrides)
    return values


def make_plan(cast, *, actor=None, **overrides) -> InspectionPlan:
    return plans.plan_create(
        actor=actor or cast.enterprise, enterprise=cast.ent, **plan_fields(**overrides)
    )


def start(cast, plan=None, *, actor=None, leader=None, participants=(), **overrides):
    values = {
        "inspected_on": timezone.localdate() - datetime.timedelta(days=1),
        "leader": leader or cast.enterprise_staff,
        "participants": list(participants),
    }
    values.update(overrides)
    return services.record_start(
        actor=actor or cast.enterprise, plan=plan or make_plan(cast), **values
    )


def hazard_answer(**overrides) -> dict:
    values = {
        "outcome": "hazard",
        "note": "配电箱门未关闭，电缆绝缘层破损。",
        "location": "机加工车间 3# 配电箱",
        "category": "site",
        "deadline": timezone.localdate() + datetime.timedelta(days=10),
    }
    values.update(overrides)
    return values


def results(record: InspectionRecord) -> list[InspectionResult]:
    return list(record.results.order_by("pk"))


def record_with_photo(cast) -> tuple[InspectionRecord, InspectionPhoto]:
    """A draft record of cast.ent with one photo, for the URL matrix."""
    plan = InspectionPlan.objects.filter(enterprise=cast.ent, title=MARK).first()
    if plan is None:
        plan = make_plan(cast, title=MARK)
        record = start(cast, plan)
        services.photo_add(
            actor=cast.enterprise,
            result=results(record)[0],
            upload=SimpleUploadedFile("matrix.png", PNG),
        )
    record = plan.records.get()
    return record, record.photos.get()
