"""Building blocks for application tests: a small published standard, a
submitted self-assessment that earns a given score, materials."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from certification.models import MaterialKind
from certification.models.applications import REQUIRED_MATERIALS
from reviews import services as review_services
from reviews.models import (
    AssessmentRow,
    Criterion,
    Element,
    GradeThreshold,
    Standard,
    StandardVersion,
)

PDF = b"%PDF-1.4\n% test\n"


def make_tiered_version(code: str = "test-tiered") -> StandardVersion:
    """100 points in two criteria (60 + 40); thresholds 90/75/60."""
    standard = Standard.objects.create(
        code=code, name="测试标准", grading="tiered", regime="gongmao_2011"
    )
    version = StandardVersion.objects.create(
        standard=standard,
        version="1",
        effective_date="2026-01-01",
        status=StandardVersion.Status.PUBLISHED,
        full_marks=Decimal("100"),
    )
    for grade, minimum in (("1", 90), ("2", 75), ("3", 60)):
        GradeThreshold.objects.create(version=version, grade=grade, min_score=minimum)
    a = Element.objects.create(version=version, code="1", name="目标", position=0)
    for position, (ccode, points) in enumerate((("1.1", 60), ("1.2", 40))):
        Criterion.objects.create(
            version=version,
            element=a,
            a_element=a,
            code=ccode,
            position=position,
            requirement="要求",
            method="方法",
            points=Decimal(points),
        )
    return version


def submitted_assessment(user, enterprise, version, *, lose: Decimal = Decimal("0")):
    """A submitted self-assessment scoring 100 − lose (out of 100)."""
    assessment = review_services.assessment_create(
        actor=user, enterprise=enterprise, version=version, team_leader="张伟"
    )
    rows = list(assessment.rows.select_related("criterion").order_by("criterion__position"))
    first, second, *more = rows  # a longer standard's other rows: met, written at once
    if lose:
        review_services.row_save(
            actor=user, row=first, result="partial", deduction=lose, revision=0
        )
    else:
        review_services.row_save(actor=user, row=first, result="compliant", revision=0)
    review_services.row_save(actor=user, row=second, result="compliant", revision=0)
    AssessmentRow.objects.filter(pk__in=[row.pk for row in more]).update(result="compliant")
    return review_services.assessment_submit(actor=user, assessment=assessment)


def add_all_materials(user, application) -> None:
    from certification.applications import services

    for kind in REQUIRED_MATERIALS:
        services.material_add(
            actor=user,
            application=application,
            kind=kind,
            upload=SimpleUploadedFile(f"{kind}.pdf", PDF),
        )


def review_team(cast) -> dict:
    """cast.reviewer's unit, qualified for machinery levels 2 and 3, with two
    reviewers: the ``unit``, ``leader`` and ``members`` of the assign move."""
    from portal.models import Industry, Qualification
    from reviews.models import Reviewer

    unit = cast.reviewer.organisation
    for tier in ("2", "3"):
        Qualification.objects.get_or_create(
            organisation=unit, tier=tier, industry=Industry.objects.get(code="machinery")
        )
    leader, _ = Reviewer.objects.get_or_create(
        unit=unit, certificate_no="AQBZ-T-0001", defaults={"name": "王建"}
    )
    member, _ = Reviewer.objects.get_or_create(
        unit=unit, certificate_no="AQBZ-T-0002", defaults={"name": "李明"}
    )
    return {"unit": unit, "leader": leader, "members": [member]}


def submitted_application(cast, version, tier: str = "3", *, lose: Decimal = Decimal("0")):
    """cast.ent's application for ``tier``, submitted (receiver: cast.district
    for level 3, cast.association for level 2)."""
    from certification import engine
    from certification.applications import services

    assessment = submitted_assessment(cast.enterprise, cast.ent, version, lose=lose)
    application = services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier=tier
    )
    add_all_materials(cast.enterprise, application)
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    return engine.perform(actor=cast.enterprise, application=application, transition="submit")


def receiver_user(cast, tier: str):
    return {"1": cast.city, "2": cast.association, "3": cast.district, "pass": cast.district}[tier]


def application_in_review(cast, version, tier: str = "3", *, lose: Decimal = Decimal("0")):
    """Submitted, accepted, assigned to cast.reviewer's unit with a team of
    two whose declarations are signed, and the on-site review started."""
    from certification import engine
    from certification.assignment import rules as assigning

    application = submitted_application(cast, version, tier, lose=lose)
    receiver = receiver_user(cast, tier)
    engine.perform(actor=receiver, application=application, transition="accept")
    team = review_team(cast)
    engine.perform(actor=receiver, application=application, transition="assign", **team)
    for reviewer in [team["leader"], *team["members"]]:
        assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    return engine.perform(actor=cast.reviewer, application=application, transition="start_review")


def reported_application(cast, version, tier: str = "3", *, lose: Decimal = Decimal("0")):
    """In review as above, then reported: the reviewers keep the
    self-assessment's answers, write the report and every member signs."""
    from certification import engine
    from certification.onsite import confirmation
    from certification.onsite import rules as onsite

    application = application_in_review(cast, version, tier, lose=lose)
    confirmation.review_rows_confirm(
        actor=cast.reviewer,
        application=application,
        rows=confirmation.unconfirmed_ids(onsite.review_for(application)),
    )
    onsite.report_update(
        actor=cast.reviewer,
        application=application,
        summary="现场评审符合要求。",
        technical_head="赵工",
    )
    team = review_team(cast)
    for reviewer in [team["leader"], *team["members"]]:
        onsite.report_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    return engine.perform(actor=cast.reviewer, application=application, transition="submit_report")


__all__ = [
    "MaterialKind",
    "PDF",
    "add_all_materials",
    "application_in_review",
    "make_tiered_version",
    "receiver_user",
    "reported_application",
    "review_team",
    "submitted_application",
    "submitted_assessment",
]
