"""The accident gate is checked again at submit_report, verify and announce:
an accident recorded during the review refuses the step, with the reason,
through the services, the pages and the API; nothing changes and nothing is
logged."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from certification import engine
from certification.models import AnnouncementBatch, ApplicationEvent, OnSiteReview, Status
from certification.onsite import confirmation
from certification.onsite import rules as onsite
from certification.publicity import rules as publicity
from certification.verification import rules as verification
from certification.verification import spot_checks
from enterprises.models import Accident
from portal.errors import ServiceError
from portal.models import AuditEvent
from reviews.models import Standard
from tests.certification.factories import (
    application_in_review,
    make_tiered_version,
    reported_application,
    review_team,
)
from tests.certification.test_publicity import AFTER, MONDAY, published


@pytest.fixture
def version(db):
    version = make_tiered_version()
    # 应急〔2021〕83号: any death in the window bars every grade.
    Standard.objects.filter(pk=version.standard_id).update(regime="dingji_2021")
    version.standard.refresh_from_db()
    return version


def accident(cast, *, deaths=1, injuries=0, on=None):
    return Accident.objects.create(
        enterprise=cast.ent,
        occurred_on=on or timezone.localdate(),
        deaths=deaths,
        serious_injuries=injuries,
        description="车间起重伤害事故",
        recorded_by=cast.district,
    )


def counts():
    return ApplicationEvent.objects.count(), AuditEvent.objects.count()


def ready_to_report(cast, version):
    application = application_in_review(cast, version)
    confirmation.review_rows_confirm(
        actor=cast.reviewer,
        application=application,
        rows=confirmation.unconfirmed_ids(onsite.review_for(application)),
    )
    onsite.report_update(
        actor=cast.reviewer, application=application, summary="符合要求。", technical_head="赵工"
    )
    team = review_team(cast)
    for reviewer in [team["leader"], *team["members"]]:
        onsite.report_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    return application


def en_client(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return api


# --- submit_report -----------------------------------------------------------------------


def test_an_accident_during_the_review_refuses_submit_report(cast, version):
    application = ready_to_report(cast, version)
    accident(cast)
    before = counts()
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.reviewer, application=application, transition="submit_report")
    assert "accident record does not allow" in refused.value.message
    assert "1 death(s)" in refused.value.message and "83号" in refused.value.message
    application.refresh_from_db()
    review = onsite.review_for(application)
    assert application.status == Status.ON_SITE_REVIEW and review.reported_at is None
    assert counts() == before


def test_submit_report_is_refused_on_the_page_and_the_api(cast, version, client):
    application = ready_to_report(cast, version)
    accident(cast, deaths=0, injuries=3)
    before = counts()
    page = en_client(client, cast.reviewer).post(
        reverse("certification:act", args=[application.pk, "submit_report"]), follow=True
    )
    assert "3 serious injuries" in page.content.decode()
    answer = api_for(cast.reviewer).post(f"/api/v1/applications/{application.pk}/submit-report/")
    assert answer.status_code == 400
    assert "accident record does not allow" in str(answer.json())
    application.refresh_from_db()
    assert application.status == Status.ON_SITE_REVIEW and counts() == before


def test_an_accident_before_the_application_window_does_not_count(cast, version):
    application = ready_to_report(cast, version)
    accident(cast, on=timezone.localdate() - datetime.timedelta(days=400))
    engine.perform(actor=cast.reviewer, application=application, transition="submit_report")
    application.refresh_from_db()
    assert application.status == Status.REPORTED


# --- verify --------------------------------------------------------------------------------


def verifiable(cast, version):
    application = reported_application(cast, version)
    batch = verification.batch_create(actor=cast.district, applications=[application])
    for check in batch.checks.all():
        spot_checks.spot_check_record(actor=cast.district, check=check, result="passed", notes="")
    return application


def test_an_accident_refuses_verify_through_service_page_and_api(cast, version, client):
    application = verifiable(cast, version)
    accident(cast)
    before = counts()
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.district, application=application, transition="verify")
    assert refused.value.field == "accidents" and "1 death(s)" in refused.value.message
    page = en_client(client, cast.district).post(
        reverse("certification:act", args=[application.pk, "verify"]), follow=True
    )
    assert "accident record does not allow" in page.content.decode()
    answer = api_for(cast.district).post(f"/api/v1/applications/{application.pk}/verify/")
    assert answer.status_code == 400 and "1 death(s)" in str(answer.json())
    application.refresh_from_db()
    assert application.status == Status.REPORTED and application.granted_tier == ""
    assert counts() == before


def test_without_an_accident_verify_goes_through(cast, version):
    application = verifiable(cast, version)
    engine.perform(actor=cast.district, application=application, transition="verify")
    application.refresh_from_db()
    assert application.status == Status.VERIFIED
    assert OnSiteReview.objects.get(application=application).proposed_tier == "3"


# --- announce --------------------------------------------------------------------------------


def test_an_accident_refuses_the_announcement_through_service_page_and_api(cast, version, client):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
    with time_machine.travel(AFTER):
        accident(cast)
        before = counts()
        with translation.override("en"), pytest.raises(ServiceError) as refused:
            publicity.announcement_create(actor=cast.district, applications=[application])
        assert cast.ent.name in refused.value.message and "1 death(s)" in refused.value.message
        page = en_client(client, cast.district).post(
            reverse("certification:announcements"), {"applications": [application.pk]}
        )
        assert "accident record does not allow" in page.content.decode()
        answer = api_for(cast.district).post(
            "/api/v1/announcements/", {"applications": [application.pk]}, format="json"
        )
        assert answer.status_code == 400 and "1 death(s)" in str(answer.json())
        application.refresh_from_db()
        assert application.status == Status.PUBLICITY
        assert not AnnouncementBatch.objects.exists() and counts() == before
