"""Daily reminders of due and overdue steps, with the clock moved by time-machine.

The week of Monday 9 March 2026 has no public holiday: an application
submitted that Monday is due for acceptance on Monday 16 March (5 working days).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import ngettext

from certification.applications import services
from certification.models import Application
from certification.tasks import send_reminders_task
from portal import workdays
from portal.models import Notification
from portal.models.notifications import NotificationPreference
from portal.notify import send_daily_digests, set_email_preference
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 8, minute: int = 30):
    """Travel to ``day`` at 08:30 in Beijing, when beat runs the task."""
    moment = datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def run_task() -> int:
    return send_reminders_task.delay().get()  # eager in tests


def reminders_to(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("text", flat=True)
    )


@pytest.fixture
def application(cast):
    """Submitted by the enterprise on Monday 9 March, due Monday 16 March."""
    with at("2026-03-09", 10):
        version = make_tiered_version()
        assessment = submitted_assessment(cast.enterprise, cast.ent, version)
        application = services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
        )
        add_all_materials(cast.enterprise, application)
        services.application_update(
            actor=cast.enterprise, application=application, declaration_confirmed=True
        )
        application = services.application_submit(actor=cast.enterprise, application=application)
    assert application.due_on == datetime.date(2026, 3, 16)
    Notification.objects.all().delete()
    mail.outbox.clear()
    return application


def test_nothing_is_sent_three_working_days_before_the_due_date(cast, application):
    with at("2026-03-11"):  # Wednesday: Thu, Fri, Mon still to go
        assert run_task() == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_receiver_is_reminded_once_a_day_from_two_working_days_before(cast, application):
    # Both chose one e-mail per notification (portal/notify.py; the default
    # is the daily digest, see the next test).
    for user in (cast.district, cast.district_staff):
        set_email_preference(user=user, choice=NotificationPreference.Email.IMMEDIATE)
    with at("2026-03-12"):  # Thursday: Fri and Mon to go
        assert run_task() == 1
        texts = reminders_to(cast.district)
        assert len(texts) == 1
        assert cast.ent.name in texts[0] and "2026-03-16" in texts[0]
        assert len(reminders_to(cast.district_staff)) == 1  # every user of the receiver
        assert reminders_to(cast.enterprise) == []  # the applicant has nothing to do
        assert {address for message in mail.outbox for address in message.to} == {
            cast.district.email,
            cast.district_staff.email,
        }
        # beat (or someone by hand) runs it again the same day: nothing more
        assert run_task() == 0
        assert len(reminders_to(cast.district)) == 1
    with at("2026-03-13"):  # Friday: again
        assert run_task() == 1
    assert len(reminders_to(cast.district)) == 2
    application.refresh_from_db()
    assert application.reminded_on == datetime.date(2026, 3, 13)


def test_no_reminders_go_out_on_days_off(cast, application):
    with at("2026-03-14"):  # Saturday, one working day before the due Monday
        assert run_task() == 0
    with at("2026-03-16"):
        assert run_task() == 1


def test_an_overdue_step_says_by_how_many_working_days(cast, application):
    with at("2026-03-18"):  # Wednesday after the due Monday: Tue and Wed overdue
        assert run_task() == 1
    [text] = reminders_to(cast.district)
    with translation.override(settings.LANGUAGE_CODE):
        overdue = ngettext("overdue by %(n)d working day", "overdue by %(n)d working days", 2) % {
            "n": 2
        }
    assert overdue in text
    assert cast.ent.name in text and "2026-03-16" in text


def test_a_step_not_yet_overdue_does_not_say_overdue(cast, application):
    with at("2026-03-16"):  # the due day itself
        assert run_task() == 1
    [text] = reminders_to(cast.district)
    with translation.override(settings.LANGUAGE_CODE):
        overdue = ngettext("overdue by %(n)d working day", "overdue by %(n)d working days", 0) % {
            "n": 0
        }
    assert overdue not in text


def test_the_applicant_is_reminded_to_correct_a_returned_application(cast, application):
    with at("2026-03-10", 15):
        services.application_return(
            actor=cast.district, application=application, comment="组织机构图缺少安全管理人员名单"
        )
    application.refresh_from_db()
    assert application.due_on == workdays.add_working_days(datetime.date(2026, 3, 10), 20)
    with at(application.due_on.isoformat()):
        assert run_task() == 1
    assert len(reminders_to(cast.enterprise)) == 1
    assert len(reminders_to(cast.enterprise_staff)) == 1
    assert reminders_to(cast.district) == []
    # By default the reminder is e-mailed in the evening's digest, not at once.
    assert mail.outbox == []
    with at(application.due_on.isoformat(), 17, 30):
        assert send_daily_digests() >= 2
    digests = [m for m in mail.outbox if cast.enterprise.email in m.to]
    assert len(digests) == 1 and cast.ent.name in digests[0].body


def test_an_application_that_moved_on_is_reminded_for_its_new_step_only(cast, application):
    with at("2026-03-12"):
        services.application_accept(actor=cast.district, application=application)
    application.refresh_from_db()
    # Accepted on Thursday: the formal review is due 5 working days later, Thursday 19.
    assert application.due_on == datetime.date(2026, 3, 19)
    with at("2026-03-13"):
        assert run_task() == 0
    with at("2026-03-17"):
        assert run_task() == 1
    assert len(reminders_to(cast.district)) == 1


def test_an_application_without_a_due_date_is_never_reminded(cast, application):
    with at("2026-03-10"):
        services.application_withdraw(actor=cast.enterprise, application=application)
    assert Application.objects.get(pk=application.pk).due_on is None
    with at("2026-04-30"):
        assert run_task() == 0


def test_beat_runs_the_task_every_morning():
    from portal.celery import app

    [entry] = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == send_reminders_task.name
    ]
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {30}
    assert app.conf.timezone == "Asia/Shanghai"
