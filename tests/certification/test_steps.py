"""The working days of each step, written on the timeline by the engine
(certification/steps.py): what the review statistics' steps table reads."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from certification import engine
from certification.models import ApplicationEvent
from certification.steps import step_days
from tests.certification.factories import make_tiered_version, submitted_application

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=BEIJING)


def test_a_step_counts_the_working_days_after_it_began():
    # Submitted on Monday 2025-03-03, accepted Friday: 4 working days.
    timeline = [
        (1, "draft", "submitted", at(2025, 3, 3)),
        (2, "submitted", "accepted", at(2025, 3, 7)),
    ]
    assert list(step_days(timeline)) == [None, 4]


def test_the_rectification_pauses_the_review_step():
    timeline = [
        (1, "assigned", "on_site_review", at(2025, 3, 3)),
        (2, "on_site_review", "rectification", at(2025, 3, 5)),  # 2 days, paused
        (3, "rectification", "on_site_review", at(2025, 3, 12)),  # 5 days rectifying
        (4, "on_site_review", "reported", at(2025, 3, 14)),  # 2 more: 4 in all
    ]
    assert list(step_days(timeline)) == [None, None, 5, 4]


def test_national_day_is_no_working_day():
    timeline = [
        (1, "draft", "submitted", at(2025, 9, 29)),
        (2, "submitted", "accepted", at(2025, 10, 10)),
    ]
    # 9-30, the make-up Saturday 10-11 not yet, and 10-09, 10-10 after the holiday.
    assert list(step_days(timeline)) == [None, 3]


def test_the_engine_writes_the_days_of_the_step_a_move_ends(cast):
    version = make_tiered_version()
    with time_machine.travel(at(2025, 3, 3), tick=False):
        application = submitted_application(cast, version)
    with time_machine.travel(at(2025, 3, 6), tick=False):
        engine.perform(actor=cast.district, application=application, transition="accept")
    days = dict(
        ApplicationEvent.objects.filter(application=application).values_list(
            "transition", "step_days"
        )
    )
    assert days == {"submit": None, "accept": 3}
