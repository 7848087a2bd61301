"""The simplified path for small and micro firms (certification/assignment/simplified.py,
settings.SIMPLIFIED_PATH): fewer materials to submit and a review team of one
for the small-firm grade; certificates only for the industries of the scheme."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from certification import engine
from certification.applications import services
from certification.models import Application, MaterialKind, Status
from portal.errors import ServiceError
from portal.models import Industry, Organisation, OrganisationKind, Qualification
from reviews.models import Criterion, Element, GradeThreshold, Reviewer, Standard, StandardVersion
from tests.certification.factories import (
    PDF,
    make_tiered_version,
    review_team,
    submitted_assessment,
)


def small_micro_version() -> StandardVersion:
    """A pass-or-fail small-firm standard: 100 points, pass at 60."""
    standard = Standard.objects.create(
        code="test-small", name="小微测试标准", grading="small_micro", regime="small_micro_2014"
    )
    version = StandardVersion.objects.create(
        standard=standard,
        version="1",
        effective_date="2026-01-01",
        status=StandardVersion.Status.PUBLISHED,
        full_marks=Decimal("100"),
    )
    GradeThreshold.objects.create(version=version, grade="pass", min_score=60)
    element = Element.objects.create(version=version, code="1", name="目标", position=0)
    for position, (code, points) in enumerate((("1.1", 60), ("1.2", 40))):
        Criterion.objects.create(
            version=version,
            element=element,
            a_element=element,
            code=code,
            position=position,
            requirement="要求",
            method="方法",
            points=Decimal(points),
        )
    return version


def draft(cast, version, tier: str) -> Application:
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    application = services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier=tier
    )
    return services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )


def upload(cast, application, kinds) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    for kind in kinds:
        services.material_add(
            actor=cast.enterprise,
            application=application,
            kind=kind,
            upload=SimpleUploadedFile(f"{kind}.pdf", PDF),
        )


SHORT = [MaterialKind.ACCIDENTS, MaterialKind.SELF_ASSESSMENT_REPORT]


@pytest.mark.django_db
def test_the_small_firm_grade_submits_with_the_shorter_list_of_materials(cast, client_for):
    application = draft(cast, small_micro_version(), "pass")
    api = APIClient()
    api.force_authenticate(cast.enterprise)
    missing = api.get(f"/api/v1/applications/{application.pk}/").json()["missing_materials"]
    assert sorted(missing) == sorted(SHORT)
    upload(cast, application, SHORT)
    submitted = services.application_submit(actor=cast.enterprise, application=application)
    assert submitted.status == Status.SUBMITTED
    page = client_for(cast.district).get(reverse("certification:detail", args=[application.pk]))
    assert page.status_code == 200


@pytest.mark.django_db
def test_a_graded_application_still_needs_every_material(cast):
    application = draft(cast, make_tiered_version(), "3")
    upload(cast, application, SHORT)
    with pytest.raises(ServiceError) as refused:
        services.application_submit(actor=cast.enterprise, application=application)
    assert refused.value.field == "materials"
    application.refresh_from_db()
    assert application.status == Status.DRAFT


@pytest.mark.django_db
@override_settings(SIMPLIFIED_PATH={})
def test_without_the_simplified_path_the_small_firm_grade_needs_every_material(cast):
    application = draft(cast, small_micro_version(), "pass")
    upload(cast, application, SHORT)
    with pytest.raises(ServiceError):
        services.application_submit(actor=cast.enterprise, application=application)


def small_unit_with(count: int) -> tuple[Organisation, list[Reviewer]]:
    unit = Organisation.objects.create(
        name="北京小微评审有限公司", kind=OrganisationKind.REVIEW_UNIT
    )
    Qualification.objects.create(
        organisation=unit, tier="small", industry=Industry.objects.get(code="machinery")
    )
    people = [
        Reviewer.objects.create(unit=unit, name=f"评审员{i}", certificate_no=f"AQBZ-X-{i:04d}")
        for i in range(count)
    ]
    return unit, people


@pytest.mark.django_db
def test_one_reviewer_reviews_a_small_firm_two_review_a_graded_one(cast, client_for):
    small = draft(cast, small_micro_version(), "pass")
    upload(cast, small, SHORT)
    services.application_submit(actor=cast.enterprise, application=small)
    engine.perform(actor=cast.district, application=small, transition="accept")
    unit, (alone,) = small_unit_with(1)
    assigned = engine.perform(
        actor=cast.district,
        application=small,
        transition="assign",
        unit=unit,
        leader=alone,
        members=[],
    )
    assert assigned.status == Status.ASSIGNED
    assert assigned.assignments.get().members.count() == 1


@pytest.mark.django_db
@override_settings(SIMPLIFIED_PATH={"pass": {"reviewers": 3}})
def test_the_team_size_of_the_simplified_path_is_a_setting(cast):
    small = draft(cast, small_micro_version(), "pass")
    from tests.certification.factories import add_all_materials

    add_all_materials(cast.enterprise, small)
    services.application_submit(actor=cast.enterprise, application=small)
    engine.perform(actor=cast.district, application=small, transition="accept")
    unit, (leader, member) = small_unit_with(2)
    with pytest.raises(ServiceError) as refused:
        engine.perform(
            actor=cast.district,
            application=small,
            transition="assign",
            unit=unit,
            leader=leader,
            members=[member],
        )
    assert refused.value.field == "members" and "3" in refused.value.message
    small.refresh_from_db()
    assert small.status == Status.ACCEPTED


@pytest.mark.django_db
def test_a_graded_application_still_needs_a_team_of_two(cast):
    application = draft(cast, make_tiered_version(), "3")
    from tests.certification.factories import add_all_materials

    add_all_materials(cast.enterprise, application)
    services.application_submit(actor=cast.enterprise, application=application)
    engine.perform(actor=cast.district, application=application, transition="accept")
    team = review_team(cast)
    with pytest.raises(ServiceError) as refused:
        engine.perform(
            actor=cast.district,
            application=application,
            transition="assign",
            unit=team["unit"],
            leader=team["leader"],
            members=[],
        )
    assert refused.value.field == "members"


@pytest.mark.django_db
def test_certificates_only_for_industries_of_the_scheme(cast):
    version = make_tiered_version()
    Industry.objects.filter(code="machinery").update(certificate_code="")  # set-up only
    cast.ent.refresh_from_db()
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with override_settings(CERTIFICATE_FALLBACK_CODE=""), pytest.raises(ServiceError) as refused:
        services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
        )
    assert refused.value.field == "tier"
    assert "机械" in refused.value.message or "achinery" in refused.value.message
    assert not Application.objects.exists()
    # With the portal's own code (QT by default) the industry is numbered.
    assert settings.CERTIFICATE_FALLBACK_CODE == "QT"
    services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
    )
    assert Application.objects.count() == 1
