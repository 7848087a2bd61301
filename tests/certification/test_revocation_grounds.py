"""Revocation grounds (certification/lifecycle/rules.py, enterprises/accidents.py):
a certificate flagged for a fatal accident is kept only with a finding (事故认定)
that it was not a production-safety accident; the reason codes of 应急〔2021〕83号
and the accident thresholds; an overdue major hazard flags the certificate."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from certification.lifecycle import rules as lifecycle
from certification.models import Certificate, RevocationReason
from enterprises import accidents
from enterprises.models import Accident, AccidentFinding
from enterprises.signals import major_hazard_overdue
from portal.errors import ServiceError
from portal.models import AuditEvent
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue

LATER = "2026-06-01 10:00 +0800"


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def certificate(cast, version):
    return issue(cast, version)


def fatal(cast, day=datetime.date(2026, 5, 20)) -> Accident:
    return accidents.accident_record(
        actor=cast.district,
        enterprise=cast.ent,
        occurred_on=day,
        deaths=1,
        description="高处坠落",
    )


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_a_fatal_accident_is_kept_only_with_a_finding_it_was_not_production_safety(
    cast, certificate, client_for
):
    with time_machine.travel(LATER):
        accident = fatal(cast)
        certificate.refresh_from_db()
        assert certificate.review_flagged_at is not None
        # Without a finding the certificate cannot be kept: service, page, API.
        with pytest.raises(ServiceError) as refused:
            lifecycle.certificate_keep(actor=cast.district, certificate=certificate, note="保留")
        assert "2026-05-20" in refused.value.message
        client = client_for(cast.district)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.post(
            reverse("certification:lifecycle_act", args=[certificate.pk, "keep"]),
            {"note": "保留"},
        )
        assert page.status_code == 400
        assert "no finding says that the fatal accident" in page.content.decode()
        answer = api_as(cast.district).post(
            f"/api/v1/certificates/{certificate.pk}/keep/", {"note": "保留"}, format="json"
        )
        assert answer.status_code == 400
        certificate.refresh_from_db()
        assert certificate.review_flagged_at is not None
        assert not AuditEvent.objects.filter(action="certificate.kept").exists()
        # The certificate page links the finding form.
        page = client.get(reverse("certification:lifecycle_certificate", args=[certificate.pk]))
        finding_url = reverse("enterprises:accident_finding", args=[cast.ent.pk, accident.pk])
        assert finding_url in page.content.decode()
        # The district records the finding on its page; then keeping works.
        page = client.post(
            finding_url,
            {
                "finding": AccidentFinding.NOT_PRODUCTION_SAFETY,
                "reference": "朝应急认〔2026〕3号",
                "note": "交通事故，非生产经营活动。",
            },
        )
        assert page.status_code == 302
        lifecycle.certificate_keep(actor=cast.district, certificate=certificate, note="保留")
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is None and certificate.status == "valid"


def test_a_finding_that_it_was_a_production_safety_accident_leaves_revocation(cast, certificate):
    with time_machine.travel(LATER):
        accident = fatal(cast)
        accidents.accident_record_finding(
            actor=cast.city,
            accident=accident,
            finding=AccidentFinding.PRODUCTION_SAFETY,
            reference="京应急认〔2026〕1号",
        )
        with pytest.raises(ServiceError):
            lifecycle.certificate_keep(actor=cast.district, certificate=certificate, note="保留")
        # A finding is recorded once.
        with pytest.raises(ServiceError) as again:
            accidents.accident_record_finding(
                actor=cast.district,
                accident=accident,
                finding=AccidentFinding.NOT_PRODUCTION_SAFETY,
                reference="x",
            )
        assert again.value.field == "finding"
        lifecycle.certificate_revoke(
            actor=cast.district,
            certificate=certificate,
            reason=RevocationReason.FATAL_ACCIDENT,
            note="发生生产安全死亡事故。",
        )
    accident.refresh_from_db()
    assert accident.finding == AccidentFinding.PRODUCTION_SAFETY
    certificate.refresh_from_db()
    assert certificate.status == "revoked"


def test_only_the_government_records_the_finding(cast, certificate, client_for):
    with time_machine.travel(LATER):
        accident = fatal(cast)
    url = reverse("enterprises:accident_finding", args=[cast.ent.pk, accident.pk])
    api_url = f"/api/v1/enterprises/{cast.ent.pk}/accidents/{accident.pk}/finding/"
    body = {"finding": AccidentFinding.NOT_PRODUCTION_SAFETY, "reference": "自认定"}
    # The enterprise itself sees its accident but may not find for itself.
    assert client_for(cast.enterprise).get(url).status_code == 403
    assert api_as(cast.enterprise).post(api_url, body, format="json").status_code == 403
    # Another district does not see the enterprise at all.
    assert client_for(cast.other_district).get(url).status_code == 404
    assert api_as(cast.other_district).post(api_url, body, format="json").status_code == 404
    accident.refresh_from_db()
    assert accident.finding == ""
    # The city office records it through the API.
    answer = api_as(cast.city).post(api_url, body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["finding"] == AccidentFinding.NOT_PRODUCTION_SAFETY
    assert AuditEvent.objects.filter(action="enterprise.accident.finding").count() == 1


def test_a_finding_needs_its_reference(cast, certificate, client_for):
    with time_machine.travel(LATER):
        accident = fatal(cast)
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("enterprises:accident_finding", args=[cast.ent.pk, accident.pk])
    page = client.post(url, {"finding": AccidentFinding.NOT_PRODUCTION_SAFETY, "reference": ""})
    assert page.status_code == 400
    assert "This field is required" in page.content.decode()
    with pytest.raises(ServiceError) as refused:
        accidents.accident_record_finding(
            actor=cast.district, accident=accident, finding="maybe", reference="x"
        )
    assert refused.value.field == "finding"
    accident.refresh_from_db()
    assert accident.finding == "" and accident.finding_at is None


@pytest.mark.parametrize(
    "reason",
    [
        RevocationReason.SERIOUS_INJURIES,
        RevocationReason.DIRECT_LOSS,
        RevocationReason.ACCIDENT_REPORTING,
        RevocationReason.DISHONESTY_LIST,
        RevocationReason.LICENCE_REVOKED,
        RevocationReason.MAJOR_HAZARD,
    ],
)
def test_the_reason_codes_of_83_revoke_and_are_published(cast, certificate, client_for, reason):
    client = client_for(cast.district)
    with time_machine.travel(LATER):
        page = client.post(
            reverse("certification:lifecycle_act", args=[certificate.pk, "revoke"]),
            {"reason": reason, "note": "依据定级办法撤销。"},
        )
    assert page.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason) == ("revoked", reason)
    assert certificate.events.get(action="revoked").reason == reason
    # The revocation announcement names the reason code, in English too.
    announcement = certificate.events.get(action="revoked").announcement_id
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    public = client.get(reverse("public:announcement_detail", args=[announcement]))
    with translation.override("en"):
        assert str(RevocationReason(reason).label) in public.content.decode()


def test_serious_injuries_and_loss_above_the_thresholds_flag_for_review(cast, certificate):
    with time_machine.travel(LATER), pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "ACCIDENT_REVIEW_DIRECT_LOSS", 100)
        accidents.accident_record(
            actor=cast.district,
            enterprise=cast.ent,
            occurred_on=datetime.date(2026, 5, 21),
            direct_loss=Decimal("150"),
            description="火灾，直接经济损失150万元",
        )
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is not None
    assert "150" in certificate.review_flag_reason
    # No death: keeping needs no finding, and no extra self-assessment is due.
    assert not certificate.annual_assessments.filter(kind="accident").exists()
    with time_machine.travel(LATER):
        lifecycle.certificate_keep(actor=cast.district, certificate=certificate, note="整改到位")


def test_an_overdue_major_hazard_flags_the_certificate_for_review(cast, certificate):
    with time_machine.travel(LATER):
        major_hazard_overdue.send(
            sender=Certificate,
            actor=None,
            enterprise=cast.ent,
            reason="重大事故隐患 YH-2026-0001 逾期未整改",
        )
    certificate.refresh_from_db()
    assert "YH-2026-0001" in certificate.review_flag_reason
    assert "keep" in lifecycle.actions_open(cast.district, certificate)
