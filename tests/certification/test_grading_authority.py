"""The grading authority (定级部门) approves, publicises and announces; a
lower grade reached needs the enterprise's consent; no downgrade.

Golden cases, one per rule (sources in README.md, "The application workflow"):
京政办发〔2013〕10号 二(一)/(二)5 and 三(三), 应急〔2021〕83号 (domain.md §4.3).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from certification import engine, selectors
from certification.assignment.rules import current_unit_id
from certification.lifecycle import rules as lifecycle
from certification.models import (
    Application,
    ApplicationEvent,
    Certificate,
    CertificateEvent,
    Status,
)
from certification.onsite import confirmation
from certification.onsite import rules as onsite
from certification.publicity import rules as publicity
from certification.verification import rules as verification
from certification.verification import spot_checks
from portal.errors import ServiceError
from portal.models import Organisation
from tests.certification.factories import (
    application_in_review,
    make_tiered_version,
    receiver_user,
    review_team,
)
from tests.certification.lifecycle_factories import issue
from tests.certification.test_accident_gate_steps import accident
from tests.certification.test_publicity import AFTER, MONDAY


@pytest.fixture
def version(db):
    return make_tiered_version()


def reviewed(cast, version, tier: str, *, review_loss: int = 0) -> Application:
    """In review, the reviewers deduct ``review_loss`` of the 60-point row
    (the self-assessment scored 100), then report and sign."""
    application = application_in_review(cast, version, tier)
    review = onsite.review_for(application)
    if review_loss:
        row = review.assessment.rows.select_related("criterion").order_by("criterion__position")[0]
        onsite.review_row_save(
            actor=cast.reviewer,
            application=application,
            row=row,
            result="partial",
            deduction=Decimal(review_loss),
            revision=row.revision,
        )
    confirmation.review_rows_confirm(
        actor=cast.reviewer,
        application=application,
        rows=confirmation.unconfirmed_ids(onsite.review_for(application)),
    )
    onsite.report_update(
        actor=cast.reviewer, application=application, summary="现场评审。", technical_head="赵工"
    )
    team = review_team(cast)
    for reviewer in [team["leader"], *team["members"]]:
        onsite.report_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    return engine.perform(actor=cast.reviewer, application=application, transition="submit_report")


def checked(cast, application: Application) -> Application:
    """In a verification batch of its receiver, the drawn re-check passed."""
    receiver = receiver_user(cast, application.tier)
    batch = verification.batch_create(actor=receiver, applications=[application])
    for check in batch.checks.filter(required=True):
        spot_checks.spot_check_record(actor=receiver, check=check, result="passed", notes="通过。")
    return application


def verified_by_receiver(cast, version, tier: str, **kw) -> Application:
    application = checked(cast, reviewed(cast, version, tier, **kw))
    return engine.perform(
        actor=receiver_user(cast, tier), application=application, transition="verify"
    )


def announce(authority, application: Application) -> Certificate:
    with time_machine.travel(MONDAY):
        publicity.publicity_batch_create(actor=authority, applications=[application])
    with time_machine.travel(AFTER):
        publicity.announcement_create(actor=authority, applications=[application])
    return Certificate.objects.get(application=application)


def moves_left(application: Application) -> int:
    return ApplicationEvent.objects.filter(application=application).count()


# --- who grades ---------------------------------------------------------------------------


def test_level_3_is_graded_by_the_district_of_the_enterprise(cast, version):
    application = verified_by_receiver(cast, version, "3")
    assert application.status == Status.VERIFIED
    assert application.authority_id == cast.district.organisation_id
    for outsider in (cast.other_district, cast.regulator, cast.association, cast.city):
        with pytest.raises(engine.TransitionForbidden):
            engine.perform(actor=outsider, application=application, transition="approve")
    engine.perform(actor=cast.district, application=application, transition="approve")
    certificate = announce(cast.district, application)
    assert certificate.announcement.organiser_id == cast.district.organisation_id
    assert "Ⅲ" in certificate.number


def test_level_2_is_graded_by_the_regulator_of_the_industry_not_the_organising_unit(cast, version):
    """The association receives, assigns and verifies; the machinery
    regulator approves, publishes and announces (seed 二(二)5: the organising
    unit "将通过复核的企业上报行业管理部门")."""
    application = verified_by_receiver(cast, version, "2")
    assert application.receiver_id == cast.association.organisation_id
    assert application.authority_id == cast.regulator.organisation_id
    before = moves_left(application)
    for outsider in (cast.association, cast.other_regulator, cast.district, cast.enterprise):
        with pytest.raises(engine.TransitionForbidden):
            engine.perform(actor=outsider, application=application, transition="approve")
    assert moves_left(application) == before
    engine.perform(actor=cast.regulator, application=application, transition="approve")
    with time_machine.travel(MONDAY), pytest.raises(engine.TransitionForbidden):
        publicity.publicity_batch_create(actor=cast.association, applications=[application])
    certificate = announce(cast.regulator, application)
    assert certificate.announcement.organiser_id == cast.regulator.organisation_id
    assert "Ⅱ" in certificate.number
    # The certificate's grading authority is the regulator that announced it.
    assert lifecycle.is_authority(cast.regulator, certificate)
    assert not lifecycle.is_authority(cast.association, certificate)


def test_publicity_needs_the_approval(cast, version):
    application = verified_by_receiver(cast, version, "3")
    with time_machine.travel(MONDAY), pytest.raises(ServiceError):
        publicity.publicity_batch_create(actor=cast.district, applications=[application])
    assert Application.objects.get(pk=application.pk).status == Status.VERIFIED


def test_the_setting_names_the_kind_per_grade(cast, version):
    with override_settings(GRADING_AUTHORITIES={"3": "city_office", "2": "regulator"}):
        application = verified_by_receiver(cast, version, "3")
    assert application.authority_id == cast.city.organisation_id


def test_no_authority_in_the_portal_refuses_verifying_and_writes_nothing(cast, version):
    application = checked(cast, reviewed(cast, version, "2"))
    Organisation.objects.filter(pk=cast.regulator.organisation_id).update(
        status=Organisation.Status.INACTIVE
    )
    before = moves_left(application)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.association, application=application, transition="verify")
    assert "No grading authority" in refused.value.message
    assert moves_left(application) == before
    assert Application.objects.get(pk=application.pk).status == Status.REPORTED


def test_the_authority_sends_back_or_refuses(cast, version):
    sent_back = verified_by_receiver(cast, version, "3")
    with pytest.raises(ServiceError):  # reasons required
        engine.perform(actor=cast.district, application=sent_back, transition="refuse_grade")
    engine.perform(
        actor=cast.district,
        application=sent_back,
        transition="return_to_organiser",
        comment="评审报告扣分依据不清。",
    )
    assert Application.objects.get(pk=sent_back.pk).status == Status.REPORTED


def test_the_authoritys_queue_and_batch_page_hold_only_its_own(cast, version, client_for):
    level2 = verified_by_receiver(cast, version, "2")
    assert list(selectors.queue_for(cast.regulator).values_list("pk", flat=True)) == [level2.pk]
    assert not selectors.queue_for(cast.association).filter(pk=level2.pk).exists()
    detail = reverse("certification:detail", args=[level2.pk])
    page = client_for(cast.regulator).get(detail).content.decode()
    assert 'data-testid="do-approve"' in page and 'data-testid="authority"' in page
    assert reverse("certification:publicity") in page  # its navigation
    assert (
        'data-testid="do-approve"' not in client_for(cast.association).get(detail).content.decode()
    )
    engine.perform(actor=cast.regulator, application=level2, transition="approve")
    page = client_for(cast.regulator).get(reverse("certification:publicity")).content.decode()
    assert f'value="{level2.pk}"' in page
    district_page = client_for(cast.district).get(reverse("certification:publicity"))
    assert f'value="{level2.pk}"' not in district_page.content.decode()
    assert (
        client_for(cast.other_regulator).get(reverse("certification:publicity")).status_code == 200
    )
    other = client_for(cast.other_regulator).get(reverse("certification:publicity"))
    assert f'value="{level2.pk}"' not in other.content.decode()


# --- a lower grade: consent or withdraw ----------------------------------------------------


def test_a_lower_grade_waits_for_consent_then_goes_to_that_grades_authority(
    cast, version, client_for
):
    """Applied for level 2 (association, regulator), the review reached
    level 3 (score 70): the association asks the enterprise; on its consent
    朝阳区, level 3's authority, approves and announces a Ⅲ certificate."""
    application = checked(cast, reviewed(cast, version, "2", review_loss=30))
    with pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.association, application=application, transition="verify")
    assert refused.value.field == "granted_tier"
    engine.perform(actor=cast.association, application=application, transition="verify_lower")
    application.refresh_from_db()
    assert (application.status, application.granted_tier) == (Status.AWAITING_CONSENT, "3")
    assert application.authority_id is None
    for nobody in (cast.regulator, cast.district, cast.association):  # not yet to approve
        with pytest.raises(engine.TransitionConflict):
            engine.perform(actor=nobody, application=application, transition="approve")
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("certification:detail", args=[application.pk])).content.decode()
    assert 'data-testid="consent-note"' in page and 'data-testid="do-consent_lower"' in page
    engine.perform(actor=cast.enterprise, application=application, transition="consent_lower")
    application.refresh_from_db()
    assert application.status == Status.VERIFIED
    assert application.authority_id == cast.district.organisation_id
    with pytest.raises(engine.TransitionForbidden):  # level 2's authority no longer
        engine.perform(actor=cast.regulator, application=application, transition="approve")
    engine.perform(actor=cast.district, application=application, transition="approve")
    certificate = announce(cast.district, application)
    assert certificate.tier == "3" and "Ⅲ" in certificate.number


def test_the_enterprise_may_withdraw_instead_of_consenting(cast, version):
    application = checked(cast, reviewed(cast, version, "2", review_loss=30))
    engine.perform(actor=cast.association, application=application, transition="verify_lower")
    with pytest.raises(engine.TransitionForbidden):
        engine.perform(actor=cast.association, application=application, transition="withdraw")
    engine.perform(actor=cast.enterprise, application=application, transition="withdraw")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN and application.authority_id is None
    assert current_unit_id(application) is None  # the review unit's access ended


# --- no downgrade --------------------------------------------------------------------------


def test_there_is_no_downgrade_but_old_downgrades_still_read(cast, version, client_for):
    certificate = issue(cast, version, tier="2")
    assert "downgrade" not in lifecycle.actions_open(cast.regulator, certificate)
    assert "downgrade" not in lifecycle.ACTIONS
    client = client_for(cast.regulator)
    act = reverse("certification:lifecycle_act", args=[certificate.pk, "downgrade"])
    assert client.post(act, {"reason": "other", "note": "x", "tier": "3"}).status_code == 404
    assert client.post(
        f"/api/v1/certificates/{certificate.pk}/downgrade/",
        {"reason": "other", "note": "x", "tier": "3"},
    ).status_code in (404, 405)
    certificate.refresh_from_db()
    assert certificate.tier == "2"
    # A downgrade recorded before the change still shows in the history.
    CertificateEvent.objects.create(
        certificate=certificate,
        action="downgraded",
        from_status="valid",
        to_status="valid",
        from_tier="2",
        to_tier="3",
        reason="other",
        note="旧数据",
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("certification:lifecycle_certificate", args=[certificate.pk]))
    assert page.status_code == 200 and "Downgraded" in page.content.decode()


def test_an_accident_since_verification_refuses_the_approval(cast, version):
    """The accident gate is checked again when the authority approves (84号:
    level 3 allows at most two deaths in the year before)."""
    application = verified_by_receiver(cast, version, "3")
    accident(cast, deaths=3)
    before = moves_left(application)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=application, transition="approve")
    assert refused.value.field == "accidents" and "3 death(s)" in refused.value.message
    assert moves_left(application) == before
    assert Application.objects.get(pk=application.pk).status == Status.VERIFIED
