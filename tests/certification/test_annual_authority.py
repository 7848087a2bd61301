"""Annual self-assessments (certification/lifecycle/daily.py, rules.py): they
count only against the certificate's own standard, are delivered to the grading
authority, which acknowledges each once, and a fatal accident adds one."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from certification.lifecycle import annual, daily
from certification.models import AnnualSelfAssessment
from enterprises import accidents
from portal.models import AuditEvent, Notification
from tests.certification.factories import make_tiered_version, submitted_assessment
from tests.certification.lifecycle_factories import issue


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def certificate(cast, version):
    return issue(cast, version)  # valid from 2026-03-12, year 1 due 2027-03-12


def year(certificate, number: int) -> AnnualSelfAssessment:
    return certificate.annual_assessments.get(kind="annual", year=number)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_only_a_self_assessment_against_the_certificates_standard_counts(
    cast, version, certificate
):
    other_standard = make_tiered_version(code="other-standard")
    with time_machine.travel("2026-09-01 10:00 +0800"):
        submitted_assessment(cast.enterprise, cast.ent, other_standard)
        assert daily.run_daily()["fulfilled"] == 0
    assert year(certificate, 1).submitted_at is None
    with time_machine.travel("2026-10-01 10:00 +0800"):
        own = submitted_assessment(cast.enterprise, cast.ent, version)
        assert daily.run_daily()["fulfilled"] == 1
    assert year(certificate, 1).assessment_id == own.pk


def test_the_grading_authority_is_told_and_acknowledges_once(
    cast, version, certificate, client_for, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel("2026-10-01 10:00 +0800"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submitted_assessment(cast.enterprise, cast.ent, version)
        daily.run_daily()
    assert annual.grading_authority_id(certificate) == cast.district.organisation_id
    told = Notification.objects.filter(recipient=cast.district, text__contains=certificate.number)
    assert told.filter(text__contains="2027-03-12").exists()
    assert AuditEvent.objects.filter(action="certificate.annual.delivered").count() == 1
    row = year(certificate, 1)
    url = reverse("certification:lifecycle_annual_acknowledge", args=[certificate.pk, row.pk])
    # The enterprise sees its certificate but does not acknowledge its own report.
    assert client_for(cast.enterprise).post(url).status_code == 403
    assert client_for(cast.other_district).post(url).status_code == 404
    row.refresh_from_db()
    assert row.acknowledged_at is None
    page = client_for(cast.district).get(
        reverse("certification:lifecycle_certificate", args=[certificate.pk])
    )
    assert url in page.content.decode()
    assert client_for(cast.district).post(url).status_code == 302
    row.refresh_from_db()
    assert row.acknowledged_by == cast.district and row.acknowledged_at is not None
    # A second acknowledgement is refused and changes nothing.
    again = client_for(cast.district).post(url)
    assert again.status_code == 409
    answer = api_as(cast.district).post(
        f"/api/v1/certificates/{certificate.pk}/annual/{row.pk}/acknowledge/"
    )
    assert answer.status_code == 409
    assert AuditEvent.objects.filter(action="certificate.annual.acknowledged").count() == 1


def test_a_year_not_delivered_cannot_be_acknowledged(cast, certificate):
    row = year(certificate, 2)
    answer = api_as(cast.district).post(
        f"/api/v1/certificates/{certificate.pk}/annual/{row.pk}/acknowledge/"
    )
    assert answer.status_code == 409
    row.refresh_from_db()
    assert row.acknowledged_at is None


def test_acknowledging_through_the_api(cast, version, certificate):
    with time_machine.travel("2026-10-01 10:00 +0800"):
        submitted_assessment(cast.enterprise, cast.ent, version)
        daily.run_daily()
    row = year(certificate, 1)
    url = f"/api/v1/certificates/{certificate.pk}/annual/{row.pk}/acknowledge/"
    assert api_as(cast.enterprise).post(url).status_code == 403
    answer = api_as(cast.city).post(url)
    assert answer.status_code == 200, answer.content
    rows = {item["id"]: item for item in answer.json()["annual_assessments"]}
    assert rows[row.pk]["acknowledged_at"] is not None


def test_a_fatal_accident_adds_a_self_assessment(cast, version, certificate, client_for):
    with time_machine.travel("2026-06-01 10:00 +0800"):
        accident = accidents.accident_record(
            actor=cast.district,
            enterprise=cast.ent,
            occurred_on=datetime.date(2026, 5, 30),
            deaths=1,
            description="机械伤害",
        )
    extra = certificate.annual_assessments.get(kind="accident")
    days = settings.ACCIDENT_SELF_ASSESSMENT_DAYS
    assert extra.accident == accident
    assert extra.due_on == datetime.date(2026, 6, 1) + datetime.timedelta(days=days)
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("certification:lifecycle_certificate", args=[certificate.pk]))
    assert "After the fatal accident of 2026-05-30" in page.content.decode()
    # A self-assessment from before the accident does not answer it; one after does.
    with time_machine.travel("2026-05-29 10:00 +0800"):
        submitted_assessment(cast.enterprise, cast.ent, version)
    with time_machine.travel("2026-06-10 10:00 +0800"):
        daily.run_daily()
        extra.refresh_from_db()
        assert extra.submitted_at is None  # the May self-assessment fulfilled year 1
        assert year(certificate, 1).submitted_at is not None
        after = submitted_assessment(cast.enterprise, cast.ent, version)
        daily.run_daily()
    extra.refresh_from_db()
    assert extra.assessment_id == after.pk


def test_an_unanswered_accident_self_assessment_is_overdue_like_a_year(cast, certificate):
    with time_machine.travel("2026-06-01 10:00 +0800"):
        accidents.accident_record(
            actor=cast.district,
            enterprise=cast.ent,
            occurred_on=datetime.date(2026, 5, 30),
            deaths=1,
            description="机械伤害",
        )
    extra = certificate.annual_assessments.get(kind="accident")
    with time_machine.travel(extra.due_on):
        assert daily.run_daily()["overdue"] == 0
    with time_machine.travel(extra.due_on + datetime.timedelta(days=1)):
        assert daily.run_daily()["overdue"] == 1
    extra.refresh_from_db()
    assert extra.overdue_recorded_at is not None
    assert year(certificate, 1).overdue_recorded_at is None
