"""Accidents on an enterprise (enterprises/accidents.py): who records them,
bad input, the revocation-review flag and the accident-record gate."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from certification import selectors
from certification.applications import services
from certification.lifecycle import rules as lifecycle
from certification.lifecycle import selectors as lifecycle_selectors
from enterprises import accidents
from enterprises.models import Accident
from portal.errors import ServiceError
from portal.models import AuditEvent, Notification
from tests.certification.factories import make_tiered_version, submitted_assessment
from tests.certification.lifecycle_factories import issue

LATER = "2026-06-01 10:00 +0800"


@pytest.fixture
def version(db):
    return make_tiered_version()


def record(actor, enterprise, **fields):
    values = {
        "occurred_on": datetime.date(2026, 5, 20),
        "deaths": 0,
        "serious_injuries": 0,
        "direct_loss": Decimal("0"),
        "description": "车间起重伤害事故",
    }
    values.update(fields)
    return accidents.accident_record(actor=actor, enterprise=enterprise, **values)


@pytest.mark.parametrize("who", ["district", "city", "enterprise"])
def test_the_district_the_city_office_and_the_enterprise_record(cast, who):
    with time_machine.travel(LATER):
        accident = record(getattr(cast, who), cast.ent, serious_injuries=1)
    assert accident.recorded_by == getattr(cast, who)
    assert AuditEvent.objects.filter(
        action="enterprise.accident.record", object_id=cast.ent.pk
    ).exists()


@pytest.mark.parametrize(
    "who", ["other_district", "regulator", "association", "group", "other_enterprise", "reviewer"]
)
def test_others_do_not_record(cast, who):
    with pytest.raises(PermissionDenied):
        record(getattr(cast, who), cast.ent)
    assert not Accident.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_on": datetime.date(2026, 6, 2)}, "occurred_on"),
        ({"deaths": -1}, "deaths"),
        ({"serious_injuries": "many"}, "serious_injuries"),
        ({"direct_loss": Decimal("-0.01")}, "direct_loss"),
        ({"direct_loss": "abc"}, "direct_loss"),
        ({"description": "  "}, "description"),
    ],
)
def test_bad_input_is_refused(cast, fields, field):
    with time_machine.travel(LATER), pytest.raises(ServiceError) as error:
        record(cast.district, cast.ent, **fields)
    assert error.value.field == field
    assert not Accident.objects.exists()


def test_a_fatal_accident_flags_the_certificates(cast, version, django_capture_on_commit_callbacks):
    certificate = issue(cast, version)
    with time_machine.travel(LATER), django_capture_on_commit_callbacks(execute=True):
        record(cast.district, cast.ent, deaths=1)
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is not None
    assert "2026-05-20" in certificate.review_flag_reason
    flagged = certificate.events.get(action="flagged")
    assert flagged.actor == cast.district and flagged.to_status == "valid"
    # The grading authority is told.
    assert Notification.objects.filter(
        recipient=cast.district, text__contains=certificate.number
    ).exists()
    assert certificate in lifecycle_selectors.filter_certificates(
        selectors.certificates_visible_to(cast.district), flagged=True
    )


def test_a_minor_accident_flags_nothing(cast, version):
    certificate = issue(cast, version)
    with time_machine.travel(LATER):
        record(cast.enterprise, cast.ent, serious_injuries=2, direct_loss=Decimal("500"))
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is None
    assert list(certificate.events.values_list("action", flat=True)) == ["issued"]


def test_serious_injuries_and_loss_thresholds_are_settings(cast, version):
    certificate = issue(cast, version)
    with time_machine.travel(LATER):
        record(cast.enterprise, cast.ent, serious_injuries=3)
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is not None
    other = Accident(
        occurred_on=datetime.date(2026, 5, 1),
        deaths=0,
        serious_injuries=0,
        direct_loss=Decimal("1000"),
    )
    assert accidents.flags_review(other) == ""
    with override_settings(ACCIDENT_REVIEW_DIRECT_LOSS=1000):
        assert accidents.flags_review(other)
    with override_settings(ACCIDENT_REVIEW_SERIOUS_INJURIES=0):
        assert (
            accidents.flags_review(
                Accident(occurred_on=datetime.date(2026, 5, 1), serious_injuries=50)
            )
            == ""
        )


def test_revoked_and_expired_certificates_are_not_flagged(cast, version):
    certificate = issue(cast, version)
    lifecycle.certificate_revoke(
        actor=cast.district, certificate=certificate, reason="other", note="x"
    )
    with time_machine.travel(LATER):
        record(cast.district, cast.ent, deaths=2)
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is None


def test_recorded_deaths_feed_the_accident_gate(cast, version):
    """Level 3 allows at most 2 deaths in the last year (SCORING_ACCIDENT_GATE):
    3 recorded deaths refuse an application that declares none."""
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with time_machine.travel(LATER):
        record(cast.district, cast.ent, deaths=3, occurred_on=datetime.date(2025, 6, 2))
        assert accidents.deaths_last_12_months(cast.ent) == 3
        with translation.override("en"), pytest.raises(ServiceError, match="3 death") as error:
            services.application_create(
                actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
            )
        assert error.value.field == "deaths_last_year"
    # Twelve months later the accident no longer counts.
    with time_machine.travel("2026-06-02 10:00 +0800"):
        assert accidents.deaths_last_12_months(cast.ent) == 0
        services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
        )


def test_the_larger_of_declared_and_recorded_counts(cast, version):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    with time_machine.travel(LATER):
        record(cast.district, cast.ent, deaths=1)
        # Level 2 allows 1 death: recorded 1, declared 2 → refused on the declaration.
        with pytest.raises(ServiceError):
            services.application_create(
                actor=cast.enterprise,
                enterprise=cast.ent,
                assessment=assessment,
                tier="2",
                deaths_last_year=2,
            )
        services.application_create(
            actor=cast.enterprise,
            enterprise=cast.ent,
            assessment=assessment,
            tier="2",
            deaths_last_year=0,
        )


# --- pages ------------------------------------------------------------------------------------


def test_the_enterprise_page_lists_accidents_and_links_the_form(cast, client_for):
    with time_machine.travel(LATER):
        record(cast.district, cast.ent, deaths=1, description="高处坠落死亡事故")
    for user in (cast.district, cast.enterprise, cast.regulator):
        page = client_for(user).get(reverse("enterprises:detail", args=[cast.ent.pk]))
        text = page.content.decode()
        assert page.status_code == 200 and "高处坠落死亡事故" in text
        assert ('data-testid="record-accident"' in text) == (user != cast.regulator)


def test_recording_through_the_page(cast, client_for):
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("enterprises:accident_add", args=[cast.ent.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "occurred_on": "2099-01-01",
            "deaths": 0,
            "serious_injuries": 0,
            "direct_loss": "0",
            "description": "x",
        },
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    response = client.post(
        url,
        {
            "occurred_on": "2026-01-05",
            "deaths": 0,
            "serious_injuries": 1,
            "direct_loss": "12.5",
            "description": "机械伤害",
        },
    )
    assert response.status_code == 302
    accident = Accident.objects.get()
    assert (accident.serious_injuries, accident.direct_loss) == (1, Decimal("12.50"))


def test_page_scope_and_role(cast, client_for):
    url = reverse("enterprises:accident_add", args=[cast.ent.pk])
    body = {
        "occurred_on": "2026-01-05",
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss": "0",
        "description": "x",
    }
    for outsider in (cast.other_district, cast.other_enterprise, cast.reviewer):
        assert client_for(outsider).post(url, body).status_code == 404
    for wrong_role in (cast.regulator, cast.group):
        assert client_for(wrong_role).post(url, body).status_code == 403
    assert not Accident.objects.exists()
