"""The hazard ledger and standardization: an open major hazard blocks a grading
application (pages and API, naming the hazard and its deadline, writing nothing), and a
major hazard still open past its deadline flags the enterprise's live certificates for a
revocation review, once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from certification.applications import services as applications
from certification.models import Application, ApplicationEvent, CertificateEvent, Status
from hazards import services as hazard_services
from hazards.models import Hazard
from hazards.standardization import flag_overdue_major
from hazards.tasks import flag_overdue_major_task
from portal.errors import ServiceError
from tests.api.conftest import TokenClient
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)
from tests.certification.lifecycle_factories import issue
from tests.hazards.factories import catalogue_item, fields, record

API = "/api/v1/applications/"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def assessment(cast, version):
    return submitted_assessment(cast.enterprise, cast.ent, version)


def close(hazard: Hazard) -> None:
    Hazard.objects.filter(pk=hazard.pk).update(
        status=Hazard.Status.CLOSED, closed_on=timezone.localdate()
    )


def form(cast, assessment) -> dict:
    return {
        "enterprise": cast.ent.pk,
        "assessment": assessment.pk,
        "tier": "3",
        "deaths_last_year": 0,
        "serious_injuries_last_year": 0,
    }


def create(cast, assessment) -> Application:
    return applications.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
    )


# --- an open major hazard blocks an application -------------------------------------


def test_an_open_major_hazard_blocks_creating_on_the_page_and_the_api(cast, assessment, client_for):
    hazard = record(cast, grade=Hazard.Grade.MAJOR)
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse("certification:new"), form(cast, assessment))

    assert response.status_code == 400
    (message,) = response.context["form"].errors["tier"]
    assert hazard.number in message and hazard.deadline.isoformat() in message
    assert "Major hazard" in message

    response = TokenClient(cast.enterprise, HTTP_ACCEPT_LANGUAGE="en").post(
        API, {"assessment": assessment.pk, "tier": "3"}, format="json"
    )
    assert response.status_code == 400
    assert hazard.number in str(response.json())
    assert not Application.objects.exists()

    close(hazard)
    response = client.post(reverse("certification:new"), form(cast, assessment))
    assert response.status_code == 302 and Application.objects.count() == 1


def test_every_open_major_hazard_is_named(cast, assessment):
    first = record(cast, grade=Hazard.Grade.MAJOR)
    second = record(cast, grade=Hazard.Grade.MAJOR)

    with translation.override("en"), pytest.raises(ServiceError) as refused:
        create(cast, assessment)

    assert first.number in str(refused.value) and second.number in str(refused.value)
    assert not Application.objects.exists()


def test_a_general_hazard_or_another_enterprises_major_hazard_does_not_block(cast, assessment):
    record(cast)  # general
    hazard_services.hazard_record(
        actor=cast.other_enterprise,
        enterprise=cast.other_ent,
        **fields(grade=Hazard.Grade.MAJOR, major_basis=catalogue_item()),
    )

    assert create(cast, assessment).status == Status.DRAFT


def test_an_open_major_hazard_blocks_submitting_on_the_page_and_the_api(
    cast, assessment, client_for
):
    application = create(cast, assessment)
    add_all_materials(cast.enterprise, application)
    applications.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    hazard = record(cast, grade=Hazard.Grade.MAJOR)
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.post(reverse("certification:act", args=[application.pk, "submit"]))
    api = TokenClient(cast.enterprise, HTTP_ACCEPT_LANGUAGE="en").post(
        f"{API}{application.pk}/submit/", {}, format="json"
    )

    assert api.status_code == 400 and hazard.number in str(api.json())
    assert page.status_code == 400 and hazard.number in page.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.submitted_at is None
    assert not ApplicationEvent.objects.filter(application=application).exists()

    close(hazard)
    applications.application_submit(actor=cast.enterprise, application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


# --- a major hazard past its deadline flags the certificates --------------------------


@pytest.fixture
def certificate(cast, version):
    return issue(cast, version)


def flags(certificate) -> list[str]:
    return list(
        CertificateEvent.objects.filter(certificate=certificate, action="flagged").values_list(
            "note", flat=True
        )
    )


def test_a_major_hazard_past_its_deadline_flags_the_live_certificate_once(cast, certificate):
    hazard = record(cast, grade=Hazard.Grade.MAJOR)

    assert flag_overdue_major_task() == 0  # not yet due
    with time_machine.travel(hazard.deadline, tick=False):
        assert flag_overdue_major() == 0  # the deadline day itself is still in time
    with time_machine.travel(hazard.deadline + datetime.timedelta(days=1), tick=False):
        assert flag_overdue_major_task() == 1
        assert flag_overdue_major_task() == 0

    certificate.refresh_from_db()
    assert certificate.review_flagged_at is not None
    assert hazard.number in certificate.review_flag_reason
    (note,) = flags(certificate)
    assert hazard.number in note
    hazard.refresh_from_db()
    assert hazard.overdue_flagged_on == hazard.deadline + datetime.timedelta(days=1)


def test_a_closed_or_general_hazard_flags_nothing(cast, certificate):
    record(cast)  # general, open
    closed = record(cast, grade=Hazard.Grade.MAJOR)
    close(closed)

    with time_machine.travel(closed.deadline + datetime.timedelta(days=5), tick=False):
        assert flag_overdue_major() == 0

    certificate.refresh_from_db()
    assert certificate.review_flagged_at is None and flags(certificate) == []


def test_the_beat_schedule_runs_the_job_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["hazards-overdue-major"]
    assert entry["task"] == "hazards.flag_overdue_major"
