"""Reminders of self-reports due: SELF_REPORT_REMIND_DAYS (7 and 1) days before the
due date (which SELF_REPORT_DUE_NEXT_WORKDAY may have moved past a holiday), in the
portal and by e-mail, to the users of every enterprise that has not filed its
form for the period. Each reminder goes once (SelfReportReminder); a day the job
did not run is made up by the next run, with the more urgent reminder only."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from enterprises.models import Enterprise
from hazards.models import PeriodKind, ReportingRule, SelfReportReminder
from hazards.selfreports.periods import Period, open_periods
from hazards.selfreports.selectors import state_conditions, with_current_report
from hazards.selfreports.services import period_message
from portal.notify import message, notify_after_commit


def lead_time(period: Period, today: datetime.date) -> int | None:
    """The reminder due today for the period: the smallest lead time whose day has
    come, while the form is not yet overdue."""
    due = period.due_on()
    if today > due:
        return None
    waiting = [
        days
        for days in settings.SELF_REPORT_REMIND_DAYS
        if today >= due - datetime.timedelta(days=days)
    ]
    return min(waiting) if waiting else None


def _unfiled(period: Period) -> list[tuple[int, int, str]]:
    """(enterprise, account, name) of the active enterprises with an account that
    must file the period's form and have not."""
    qs = Enterprise.objects.filter(status=Enterprise.Status.ACTIVE, account__isnull=False)
    if period.kind == PeriodKind.MONTH:
        qs = qs.filter(region_id__in=ReportingRule.objects.filter(monthly=True).values("region_id"))
    missing = with_current_report(qs, period).filter(state_conditions()["missing"])
    return list(missing.order_by("pk").values_list("pk", "account_id", "name"))


def send_reminders(today: datetime.date | None = None) -> int:
    """Remind every enterprise of each open period once per lead time; returns how
    many enterprises were reminded."""
    today = today or timezone.localdate()
    kinds: tuple[str, ...] = (PeriodKind.QUARTER, PeriodKind.YEAR)
    if ReportingRule.objects.filter(monthly=True).exists():
        kinds += (PeriodKind.MONTH,)
    sent = 0
    url = reverse("hazards:selfreports:index")
    for period in open_periods(kinds, today):
        days = lead_time(period, today)
        if days is None:
            continue
        done = set(
            SelfReportReminder.objects.filter(period_key=period.key, days_before=days).values_list(
                "enterprise_id", flat=True
            )
        )
        text = message(
            gettext_noop("The self-report for %(period)s is due on %(date)s."),
            period=period_message(period),
            date=period.due_on().isoformat(),
        )
        for enterprise_id, account_id, _name in _unfiled(period):
            if enterprise_id in done:
                continue
            try:
                with transaction.atomic():
                    # The unique row claims the reminder: a concurrent run fails here.
                    SelfReportReminder.objects.create(
                        enterprise_id=enterprise_id, period_key=period.key, days_before=days
                    )
                    notify_after_commit([account_id], text, url)
            except IntegrityError:
                continue
            sent += 1
    return sent


@shared_task(name="hazards.self_report_reminders")
def self_report_reminders_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE "hazards-self-report-reminders")."""
    return send_reminders()
