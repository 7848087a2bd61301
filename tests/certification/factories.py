"""Building blocks for application tests: a small published standard, a
submitted self-assessment that earns a given score, materials."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from certification.models import MaterialKind
from certification.models.applications import REQUIRED_MATERIALS
from reviews import services as review_services
from reviews.models import (
    Criterion,
    Element,
    GradeThreshold,
    Standard,
    StandardVersion,
)

PDF = b"%PDF-1.4\n% test\n"


def make_tiered_version(code: str = "test-tiered") -> StandardVersion:
    """100 points in two criteria (60 + 40); thresholds 90/75/60."""
    standard = Standard.objects.create(code=code, name="测试标准", grading="tiered",
                                       regime="gongmao_2011")
    version = StandardVersion.objects.create(standard=standard, version="1",
                                             effective_date="2026-01-01",
                                             status=StandardVersion.Status.PUBLISHED,
                                             full_marks=Decimal("100"))
    for grade, minimum in (("1", 90), ("2", 75), ("3", 60)):
        GradeThreshold.objects.create(version=version, grade=grade, min_score=minimum)
    a = Element.objects.create(version=version, code="1", name="目标", position=0)
    for position, (ccode, points) in enumerate((("1.1", 60), ("1.2", 40))):
        Criterion.objects.create(version=version, element=a, a_element=a, code=ccode,
                                 position=position, requirement="要求", method="方法",
                                 points=Decimal(points))
    return version


def submitted_assessment(user, enterprise, version, *, lose: Decimal = Decimal("0")):
    """A submitted self-assessment scoring 100 − lose (out of 100)."""
    assessment = review_services.assessment_create(actor=user, enterprise=enterprise,
                                                   version=version, team_leader="张伟")
    rows = list(assessment.rows.select_related("criterion").order_by("criterion__position"))
    first, second = rows
    if lose:
        review_services.row_save(actor=user, row=first, result="partial", deduction=lose,
                                 revision=0)
    else:
        review_services.row_save(actor=user, row=first, result="compliant", revision=0)
    review_services.row_save(actor=user, row=second, result="compliant", revision=0)
    return review_services.assessment_submit(actor=user, assessment=assessment)


def add_all_materials(user, application) -> None:
    from certification import services

    for kind in REQUIRED_MATERIALS:
        services.material_add(actor=user, application=application, kind=kind,
                              upload=SimpleUploadedFile(f"{kind}.pdf", PDF))


__all__ = ["MaterialKind", "PDF", "add_all_materials", "make_tiered_version",
           "submitted_assessment"]
