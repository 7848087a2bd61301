"""The workflow's clocks (certification/workflow.py time limits,
certification/applications/clocks.py), with the clock moved by time-machine.

The week of Monday 9 March 2026 has no public holiday: an application
submitted that Monday is due for acceptance on Monday 16 March (5 working days).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from certification import engine
from certification.applications import clocks
from certification.assignment import rules as assigning
from certification.models import Application, ApplicationEvent, Status
from certification.onsite import findings as onsite_findings
from certification.tasks import run_clocks_task
from certification.workflow import SYSTEM_USERNAME, time_limit
from portal import workdays
from portal.errors import ServiceError
from portal.models import AuditEvent
from tests.certification.factories import (
    application_in_review,
    make_tiered_version,
    review_team,
    submitted_application,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 0, minute: int = 45):
    """Travel to ``day`` at 00:45 in Beijing, when beat runs the clocks."""
    moment = datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def run() -> dict:
    return run_clocks_task.delay().get()  # eager in tests


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def submitted(cast, version):
    with at("2026-03-09", 10):
        return submitted_application(cast, version)


def moves(application) -> list[str]:
    return list(application.events.values_list("transition", flat=True))


# --- the review's 40 working days count from the assignment ------------------------------


def test_the_review_clock_starts_at_the_assignment_not_at_the_start_on_site(
    cast, version, submitted
):
    team = review_team(cast)
    with at("2026-03-10", 10):
        engine.perform(actor=cast.district, application=submitted, transition="accept")
        assigned = engine.perform(
            actor=cast.district, application=submitted, transition="assign", **team
        )
        due = workdays.add_working_days(datetime.date(2026, 3, 10), 40)
        assert (assigned.status, assigned.due_on) == (Status.ASSIGNED, due)
    # The unit takes three weeks to sign and start: the due date does not move.
    with at("2026-03-31", 10):
        for reviewer in [team["leader"], *team["members"]]:
            assigning.declaration_sign(
                actor=cast.reviewer, application=submitted, reviewer=reviewer
            )
        started = engine.perform(
            actor=cast.reviewer, application=submitted, transition="start_review"
        )
    assert (started.status, started.due_on) == (Status.ON_SITE_REVIEW, due)


def test_assigned_and_verified_have_time_limits():
    assert time_limit(Status.ASSIGNED) == 40
    assert time_limit(Status.VERIFIED) is not None


# --- deemed acceptance ---------------------------------------------------------------------


def test_an_acceptance_not_answered_in_time_is_deemed_accepted(cast, submitted):
    assert submitted.due_on == datetime.date(2026, 3, 16)
    with at("2026-03-16"):  # still the last day to answer
        assert run()["deemed_accepted"] == 0
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    with at("2026-03-17"):
        assert run() == {"deemed_accepted": 1, "rectifications_expired": 0}
        assert run()["deemed_accepted"] == 0  # a second run moves nothing
    submitted.refresh_from_db()
    assert submitted.status == Status.ACCEPTED
    event = submitted.events.get(transition="deem_accepted")
    assert event.actor.username == SYSTEM_USERNAME and event.organisation_id is None
    assert "2026-03-16" in event.comment
    audit = AuditEvent.objects.get(action="application.deem_accepted")
    assert audit.before == {"status": "submitted"}
    # The receiver's next step (the formal review before the assignment) is due as usual.
    assert submitted.due_on == workdays.add_working_days(datetime.date(2026, 3, 17), 5)


@override_settings(DEEMED_ACCEPTANCE=False)
def test_deemed_acceptance_is_a_setting(submitted):
    with at("2026-04-30"):
        assert run()["deemed_accepted"] == 0
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_level_1_is_forwarded_nationally_never_deemed_accepted(cast, version):
    with at("2026-03-09", 10):
        application = submitted_application(cast, version, "1")
    with at("2026-04-30"):
        assert run()["deemed_accepted"] == 0
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_no_person_makes_the_schedulers_moves_and_the_scheduler_makes_no_other(
    cast, submitted, client_for
):
    with pytest.raises(engine.TransitionForbidden):
        engine.perform(actor=cast.district, application=submitted, transition="deem_accepted")
    page = client_for(cast.district).post(
        reverse("certification:act", args=[submitted.pk, "deem_accepted"])
    )
    assert page.status_code == 403
    with pytest.raises(engine.TransitionForbidden):
        engine.perform(actor=clocks.scheduler(), application=submitted, transition="accept")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and moves(submitted) == ["submit"]
    # The scheduler's user cannot log in.
    user = clocks.scheduler()
    assert not user.is_active and not user.has_usable_password()
    assert not client_for(cast.district).login(username=SYSTEM_USERNAME, password="")


# --- returned once ---------------------------------------------------------------------------


def test_an_application_is_returned_once_with_its_complete_list(cast, submitted, client_for):
    corrections = "1. 补充组织机构图；2. 补充近三年事故情况。"
    with at("2026-03-10", 10):
        engine.perform(
            actor=cast.district, application=submitted, transition="return", comment=corrections
        )
        engine.perform(actor=cast.enterprise, application=submitted, transition="resubmit")
    with at("2026-03-11", 10):
        client = client_for(cast.district)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.post(
            reverse("certification:act", args=[submitted.pk, "return"]),
            {"comment": "3. 再补充一项。"},
        )
        assert page.status_code == 400
        assert "already returned for correction on 2026-03-10" in page.content.decode()
        api = APIClient()
        api.force_authenticate(cast.district)
        answer = api.post(
            f"/api/v1/applications/{submitted.pk}/return/", {"comment": "3. 再补充一项。"}
        )
        assert answer.status_code == 400, answer.content
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert moves(submitted) == ["submit", "return", "resubmit"]
    assert ApplicationEvent.objects.get(transition="return").comment == corrections
    # Accepting or refusing stays open.
    with at("2026-03-11", 11):
        engine.perform(actor=cast.district, application=submitted, transition="accept")


# --- rectification: a cap, and an expired one ends the review ---------------------------------


@pytest.fixture
def in_review(cast, version):
    with at("2026-03-02", 10):
        application = application_in_review(cast, version)
        onsite_findings.finding_add(
            actor=cast.reviewer, application=application, kind="veto", text="无证上岗。"
        )
    return application


@override_settings(RECTIFICATION_MAX_WORKING_DAYS=10)
def test_a_rectification_deadline_beyond_the_cap_is_refused(cast, in_review):
    with at("2026-03-09", 10):
        latest = workdays.add_working_days(timezone.localdate(), 10)
        with pytest.raises(ServiceError) as refused:
            engine.perform(
                actor=cast.reviewer,
                application=in_review,
                transition="request_rectification",
                comment="请整改。",
                deadline=latest + datetime.timedelta(days=1),
            )
        assert refused.value.field == "deadline"
        assert latest.isoformat() in refused.value.message
        in_review.refresh_from_db()
        assert in_review.status == Status.ON_SITE_REVIEW
        engine.perform(
            actor=cast.reviewer,
            application=in_review,
            transition="request_rectification",
            comment="请整改。",
            deadline=latest,
        )


def test_an_expired_rectification_ends_the_review_as_not_passed(cast, in_review, client_for):
    with at("2026-03-09", 10):
        engine.perform(
            actor=cast.reviewer,
            application=in_review,
            transition="request_rectification",
            comment="请整改。",
            deadline=datetime.date(2026, 3, 20),
        )
    with at("2026-03-20"):  # the deadline itself: still open
        assert run()["rectifications_expired"] == 0
    with at("2026-03-21"):
        assert run()["rectifications_expired"] == 1
        assert run()["rectifications_expired"] == 0
    application = Application.objects.get(pk=in_review.pk)
    assert application.status == Status.REJECTED
    event = application.events.get(transition="rectification_expired")
    assert event.actor.username == SYSTEM_USERNAME and "2026-03-20" in event.comment
    # The review unit's assignment ended with the review.
    assert assigning.current_unit_id(application) is None
    assert AuditEvent.objects.filter(action="application.rectification_expired").count() == 1
    # The enterprise sees why on its page.
    page = client_for(cast.enterprise).get(reverse("certification:detail", args=[application.pk]))
    assert "2026-03-20" in page.content.decode()


# --- publicity -------------------------------------------------------------------------------


@pytest.mark.parametrize(("configured", "days"), [(3, 5), (5, 5), (10, 10)])
def test_publicity_is_a_setting_never_below_the_83_minimum(configured, days):
    with override_settings(PUBLICITY_WORKING_DAYS=configured):
        assert time_limit(Status.PUBLICITY) == days


def test_the_clocks_run_daily_in_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["application-clocks"]
    assert entry["task"] == "certification.run_clocks"
