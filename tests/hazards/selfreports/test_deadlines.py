"""Due dates and reminders, with time travel across Chinese public holidays."""

from __future__ import annotations

from django.core import mail
from django.test import override_settings

from hazards.models import PeriodKind, ReportingRule, SelfReportReminder
from hazards.selfreports.periods import Period, open_periods
from hazards.selfreports.reminders import send_reminders
from portal.models import Notification
from portal.notify import send_daily_digests
from tests.hazards.selfreports.world import Q3_2025, D, at, submitted

Y2024 = Period(PeriodKind.YEAR, 2024)
SEPTEMBER_2025 = Period(PeriodKind.MONTH, 2025, 9)


def test_the_quarterly_form_is_due_on_the_15th_of_the_next_month():
    assert Q3_2025.due_on() == D(2025, 10, 15)  # a Wednesday after the National Day week
    assert Period(PeriodKind.QUARTER, 2025, 4).due_on() == D(2026, 1, 15)


def test_a_due_date_in_the_spring_festival_moves_to_the_first_working_day_after():
    """31 January 2025 was in the Spring Festival holiday (28 Jan – 4 Feb)."""
    assert Y2024.calendar_due() == D(2025, 1, 31)
    assert Y2024.due_on() == D(2025, 2, 5)


def test_a_monthly_due_date_in_the_national_day_week_moves_past_it():
    """5 October 2025 fell in the National Day holiday (1–8 October)."""
    assert SEPTEMBER_2025.calendar_due() == D(2025, 10, 5)
    assert SEPTEMBER_2025.due_on() == D(2025, 10, 9)


@override_settings(SELF_REPORT_DUE_NEXT_WORKDAY=False)
def test_with_the_setting_off_the_calendar_date_holds():
    assert Y2024.due_on() == D(2025, 1, 31)
    assert SEPTEMBER_2025.due_on() == D(2025, 10, 5)


@override_settings(SELF_REPORT_QUARTER_DUE_DAY=20, SELF_REPORT_YEAR_DUE=(2, 28))
def test_the_due_days_are_settings():
    assert Q3_2025.due_on() == D(2025, 10, 20)
    assert Period(PeriodKind.YEAR, 2025).calendar_due() == D(2026, 2, 28)


def test_open_periods_are_the_ended_ones_not_yet_due():
    assert open_periods((PeriodKind.QUARTER, PeriodKind.YEAR), D(2025, 10, 10)) == [Q3_2025]
    assert open_periods((PeriodKind.QUARTER, PeriodKind.YEAR), D(2025, 10, 16)) == []
    assert open_periods((PeriodKind.QUARTER, PeriodKind.YEAR), D(2025, 1, 20)) == [Y2024]


# --------------------------------------------------------------------------
# Reminders


def reminded(cast):
    return Notification.objects.filter(recipient=cast.enterprise).count()


def run(day, django_capture_on_commit_callbacks):
    with at(day), django_capture_on_commit_callbacks(execute=True):
        return send_reminders()


def test_reminders_go_seven_days_and_one_day_before_once_each(
    cast, django_capture_on_commit_callbacks
):
    assert run(D(2025, 10, 7), django_capture_on_commit_callbacks) == 0  # 8 days before
    assert run(D(2025, 10, 8), django_capture_on_commit_callbacks) == 2  # in the holiday
    assert reminded(cast) == 1
    # By e-mail in the evening's digest (portal/notify.py).
    with at(D(2025, 10, 8), 18):
        send_daily_digests()
    assert any("2025-10-15" in m.body for m in mail.outbox if cast.enterprise.email in m.to)
    assert run(D(2025, 10, 9), django_capture_on_commit_callbacks) == 0  # once
    assert run(D(2025, 10, 14), django_capture_on_commit_callbacks) == 2
    assert run(D(2025, 10, 14), django_capture_on_commit_callbacks) == 0
    assert reminded(cast) == 2
    assert run(D(2025, 10, 16), django_capture_on_commit_callbacks) == 0  # overdue: no more
    assert set(
        SelfReportReminder.objects.filter(enterprise=cast.ent).values_list("days_before", flat=True)
    ) == {7, 1}


def test_an_enterprise_that_filed_is_not_reminded(cast, django_capture_on_commit_callbacks):
    with at(D(2025, 10, 7)):
        submitted(cast)
    assert run(D(2025, 10, 8), django_capture_on_commit_callbacks) == 1  # the other enterprise
    assert reminded(cast) == 0


def test_the_annual_reminder_follows_the_due_date_past_the_spring_festival(
    cast, django_capture_on_commit_callbacks
):
    """Due 5 Feb 2025 (moved): 7 days before is 29 Jan, in the holiday; 1 day before is 4 Feb."""
    assert run(D(2025, 1, 24), django_capture_on_commit_callbacks) == 0  # 7 days before 31 Jan
    assert run(D(2025, 1, 28), django_capture_on_commit_callbacks) == 0
    assert run(D(2025, 1, 29), django_capture_on_commit_callbacks) == 2
    assert run(D(2025, 1, 30), django_capture_on_commit_callbacks) == 0  # 1 day before 31 Jan
    assert run(D(2025, 2, 4), django_capture_on_commit_callbacks) == 2
    assert reminded(cast) == 2


def test_a_missed_day_is_made_up_with_the_more_urgent_reminder_only(
    cast, django_capture_on_commit_callbacks
):
    assert run(D(2025, 10, 14), django_capture_on_commit_callbacks) == 2
    assert list(SelfReportReminder.objects.values_list("days_before", flat=True).distinct()) == [1]


def test_monthly_reminders_only_for_districts_that_require_monthly_forms(
    cast, django_capture_on_commit_callbacks
):
    ReportingRule.objects.create(region=cast.chaoyang, monthly=True, updated_by=cast.district)
    # 2 October 2025: the September form is due 9 October (moved past the holiday).
    assert run(D(2025, 10, 2), django_capture_on_commit_callbacks) == 1
    assert SelfReportReminder.objects.get().period_key == "2025-M09"
    assert SelfReportReminder.objects.get().enterprise == cast.ent
