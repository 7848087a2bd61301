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


# --- verification, publicity and the certificate of the simplified path -----------------


def another(cast, n: int):
    """The cast with ``ent``/``enterprise`` swapped for a new machinery firm of 朝阳区."""
    from dataclasses import replace

    from tests.cast import make_enterprise, make_user

    org = Organisation.objects.create(
        name=f"北京小微机械{n}号厂", kind=OrganisationKind.ENTERPRISE, region=cast.chaoyang
    )
    ent = make_enterprise(org.name, cast.chaoyang, 300 + n, account=org)
    return replace(cast, ent=ent, enterprise=make_user(f"t-small-{n}", org))


def reported_small(cast, version, n: int | None = None, tier: str = "pass") -> Application:
    from tests.certification.factories import reported_application

    # The cast's review unit, qualified for the small-firm standard too.
    Qualification.objects.get_or_create(
        organisation_id=cast.reviewer.organisation_id,
        tier="small",
        industry=Industry.objects.get(code="machinery"),
    )
    return reported_application(cast if n is None else another(cast, n), version, tier)


@pytest.mark.django_db
def test_small_firm_reports_are_batched_but_never_drawn(cast, client_for):
    """Seed 三(二) "简化程序": the verification's one-third draw picks only
    from the graded reports; the batch page and its API say which are not drawn,
    and a small firm's report is verified without an on-site re-check."""
    from certification.verification import rules as verification
    from portal.models import AuditEvent

    small = small_micro_version()
    smalls = [reported_small(cast, small, n) for n in (1, 2, 3)]
    graded = reported_small(cast, make_tiered_version(), tier="3")
    batch = verification.batch_create(actor=cast.district, applications=[*smalls, graded])

    required = {c.application_id for c in batch.checks.filter(required=True)}
    assert required == {graded.pk}  # ceil(1 / 3) of the one graded report
    assert AuditEvent.objects.get(action="verification.batch.create").after["not_drawn"] == sorted(
        a.pk for a in smalls
    )
    api = APIClient()
    api.force_authenticate(cast.district)
    draw = api.get(f"/api/v1/verification-batches/{batch.pk}/").json()["draw"]
    assert draw["population"] == [graded.pk]
    assert draw["not_drawn"] == sorted(a.pk for a in smalls)
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("certification:verification_batch", args=[batch.pk])).content
    text = page.decode()
    assert "3 applications of the small-firm grade are not in the draw" in text
    assert 'data-testid="repeat-ok"' in text

    verified = engine.perform(actor=cast.district, application=smalls[0], transition="verify")
    assert verified.status == Status.VERIFIED
    with pytest.raises(ServiceError):  # the graded one waits for its drawn re-check
        engine.perform(actor=cast.district, application=graded, transition="verify")


@pytest.mark.django_db
def test_a_failed_check_does_not_reopen_small_firm_reports(cast):
    from certification.verification import rules as verification
    from certification.verification import spot_checks

    small = reported_small(cast, small_micro_version(), 1)
    graded = reported_small(cast, make_tiered_version(), tier="3")
    batch = verification.batch_create(actor=cast.district, applications=[small, graded])
    drawn = batch.checks.get(required=True)
    spot_checks.spot_check_record(actor=cast.district, check=drawn, result="failed", notes="不符。")
    batch.refresh_from_db()
    assert batch.reopened_at is not None
    assert not batch.checks.get(application=small).required


@pytest.mark.django_db
@override_settings(SIMPLIFIED_PATH={})
def test_without_the_simplified_path_small_firm_reports_are_drawn(cast):
    from certification.verification import rules as verification

    small = reported_small(cast, small_micro_version(), 1)
    batch = verification.batch_create(actor=cast.district, applications=[small])
    assert batch.checks.get().required


def approved_small(cast, version, n: int | None = None, tier: str = "pass") -> Application:
    """Reported, batched (a graded one re-checked), verified and approved by the district."""
    from certification.verification import rules as verification
    from certification.verification import spot_checks

    application = reported_small(cast, version, n, tier)
    batch = verification.batch_create(actor=cast.district, applications=[application])
    for check in batch.checks.filter(required=True):
        spot_checks.spot_check_record(actor=cast.district, check=check, result="passed")
    engine.perform(actor=cast.district, application=application, transition="verify")
    return engine.perform(actor=cast.district, application=application, transition="approve")


@pytest.mark.django_db
def test_small_firms_are_published_for_the_shorter_period_and_numbered_xw(cast, client_for):
    """SIMPLIFIED_PUBLICITY_WORKING_DAYS (5, the 83号 minimum) instead of
    PUBLICITY_WORKING_DAYS (7); a batch mixing grades keeps the longer one.
    The certificate is numbered with SMALL_MICRO_CERTIFICATE_MARK ("XW")."""
    import datetime

    import time_machine

    from certification.models import Certificate
    from certification.publicity import rules as publicity
    from tests.certification.test_publicity import MONDAY

    small = small_micro_version()
    with time_machine.travel(MONDAY):
        alone = approved_small(cast, small)
        mixed = [
            approved_small(cast, small, 1),
            approved_small(cast, make_tiered_version(), 2, "3"),
        ]
        short = publicity.publicity_batch_create(actor=cast.district, applications=[alone])
        long = publicity.publicity_batch_create(actor=cast.district, applications=mixed)
    assert settings.SIMPLIFIED_PUBLICITY_WORKING_DAYS == settings.PUBLICITY_MIN_WORKING_DAYS == 5
    assert short.ends_on == datetime.date(2026, 3, 9)  # Monday + 5 working days
    assert long.ends_on == datetime.date(2026, 3, 11)  # + 7
    api = APIClient()
    api.force_authenticate(cast.district)
    assert api.get(f"/api/v1/publicity-batches/{short.pk}/").json()["ends_on"] == "2026-03-09"
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(MONDAY):
        page = client.get(reverse("certification:publicity")).content.decode()
    assert "small-firm applications only (the simplified path) lasts 5 working days" in page

    with time_machine.travel("2026-03-10 10:00 +0800"):
        publicity.announcement_create(actor=cast.district, applications=[alone])
    number = Certificate.objects.get(application=alone).number
    assert number == "京AQBJXXW202600001"
    certificates = api.get("/api/v1/public/verify/", {"number": number}).json()
    assert number in str(certificates)


@pytest.mark.django_db
def test_the_simplified_publicity_is_a_setting_never_below_the_minimum(cast):
    from certification.assignment import simplified

    with override_settings(SIMPLIFIED_PATH={"pass": {"publicity_days": 6}}):
        assert simplified.publicity_days("pass") == 6
    with override_settings(SIMPLIFIED_PATH={"pass": {"publicity_days": 2}}):
        assert simplified.publicity_days("pass") == settings.PUBLICITY_MIN_WORKING_DAYS
    assert simplified.publicity_days("3") == 7  # PUBLICITY_WORKING_DAYS


@pytest.mark.django_db
def test_the_small_firm_mark_may_follow_level_3(cast):
    """SMALL_MICRO_CERTIFICATE_MARK "III": 京AQBJXⅢ…, in level 3's sequence,
    so a small firm's and a level-3 certificate never share a number."""
    from certification.publicity import rules as publicity

    machinery = Industry.objects.get(code="machinery")
    small = Application(tier="pass", industry=machinery)
    level3 = Application(tier="3", industry=machinery)
    assert publicity.certificate_number(small, 2026, 3) == "京AQBJXXW202600003"
    with override_settings(SMALL_MICRO_CERTIFICATE_MARK="\u2162"):
        assert publicity.certificate_number(small, 2026, 3) == "京AQBJX\u2162202600003"
        assert publicity.certificate_sequence_key(small, 2026) == (
            publicity.certificate_sequence_key(level3, 2026)
        )
        assert publicity.CERTIFICATE_RE.match(publicity.certificate_number(small, 2026, 3))


@pytest.mark.parametrize(
    ("value", "mark"), [(None, "XW"), ("xw", "XW"), ("III", "\u2162"), ("\u2162", "\u2162")]
)
def test_the_small_firm_mark_is_read_from_the_environment(monkeypatch, value, mark):
    import importlib

    from portal import settings_rules

    if value is None:
        monkeypatch.delenv("SMALL_MICRO_CERTIFICATE_MARK", raising=False)
    else:
        monkeypatch.setenv("SMALL_MICRO_CERTIFICATE_MARK", value)
    try:
        assert importlib.reload(settings_rules).SMALL_MICRO_CERTIFICATE_MARK == mark
    finally:
        monkeypatch.delenv("SMALL_MICRO_CERTIFICATE_MARK", raising=False)
        importlib.reload(settings_rules)


def test_an_unknown_small_firm_mark_stops_the_start(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    from portal import settings_rules

    monkeypatch.setenv("SMALL_MICRO_CERTIFICATE_MARK", "XX")
    try:
        with pytest.raises(ImproperlyConfigured, match="SMALL_MICRO_CERTIFICATE_MARK"):
            importlib.reload(settings_rules)
    finally:
        monkeypatch.delenv("SMALL_MICRO_CERTIFICATE_MARK")
        importlib.reload(settings_rules)
