"""Daily reminders of due and overdue steps (run by Celery beat, see
certification/tasks.py).

An application whose current state waits on someone (workflow.RESPONSIBLE)
and has a due date is reminded to that organisation — the receiver or the
applicant — from two working days before the due date, and every working
day once it is overdue (nothing goes out on days off). At most one reminder per application per day: each one is first
claimed with a conditional UPDATE of ``reminded_on``, and only the run that
wins the claim sends it, so a second run on the same day sends nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from certification.models import Application, Status
from certification.selectors import responsible_organisation_id
from certification.workflow import RESPONSIBLE
from portal import workdays
from portal.notify import Message, label, message, ngettext_noop, notify

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Remind this many working days ahead of the due date.
REMIND_AHEAD = 2

# What the responsible organisation has to do in each state.
STEPS: dict[str, StrOrPromise] = {
    Status.DRAFT: gettext_lazy("submit the application"),
    Status.SUBMITTED: gettext_lazy("decide whether to accept the application"),
    Status.RETURNED: gettext_lazy("correct and resubmit the application"),
    Status.ACCEPTED: gettext_lazy("formal review of the application"),
    Status.NATIONAL: gettext_lazy("record the national result"),
    Status.ASSIGNED: gettext_lazy("sign the no-conflict declarations and start the review"),
    Status.ON_SITE_REVIEW: gettext_lazy("on-site review"),
}


def _not_reminded_since(today: datetime.date) -> Q:
    return Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)


def due_for_reminder(today: datetime.date):
    """Applications waiting on someone, due within REMIND_AHEAD working days or
    overdue, not yet reminded today."""
    horizon = workdays.add_working_days(today, REMIND_AHEAD)
    return (
        Application.objects.filter(
            status__in=list(RESPONSIBLE), due_on__isnull=False, due_on__lte=horizon
        )
        .filter(_not_reminded_since(today))
        .select_related("enterprise")
        .order_by("due_on", "pk")
    )


def reminder_text(application: Application, today: datetime.date) -> Message:
    due_on = cast(datetime.date, application.due_on)  # only applications with a due date
    values: dict[str, Any] = {
        "enterprise": application.enterprise.name,
        "tier": label(Application.Tier, application.tier),
        "step": STEPS.get(application.status) or label(Status, application.status),
        "due": due_on.isoformat(),
    }
    if due_on < today:
        days = workdays.working_days_between(due_on, today)
        overdue = message(
            ngettext_noop("overdue by %(n)d working day", "overdue by %(n)d working days"),
            plural_by="n",
            n=days,
        )
        return message(
            gettext_noop(
                "Reminder: %(enterprise)s · %(tier)s application — %(step)s was due on "
                "%(due)s, %(overdue)s."
            ),
            **values,
            overdue=overdue,
        )
    return message(
        gettext_noop(
            "Reminder: %(enterprise)s · %(tier)s application — %(step)s is due on %(due)s."
        ),
        **values,
    )


def _claim(application: Application, today: datetime.date) -> bool:
    """Mark the application reminded today, unless another run already did
    (or it has moved on since it was selected)."""
    return bool(
        Application.objects.filter(pk=application.pk, status=application.status)
        .filter(_not_reminded_since(today))
        .update(reminded_on=today)
    )


def send_reminders(today: datetime.date | None = None) -> int:
    """Send today's reminders; returns how many applications were reminded."""
    today = today or timezone.localdate()
    if not workdays.is_workday(today):
        return 0  # offices are closed; Monday's run catches up
    sent = 0
    for application in due_for_reminder(today).iterator(chunk_size=500):
        organisation_id = responsible_organisation_id(application)
        with transaction.atomic():
            if not _claim(application, today):
                continue
            notify(
                [organisation_id],
                reminder_text(application, today),
                reverse("certification:detail", args=[application.pk]),
            )
        sent += 1
    return sent


@shared_task(name="certification.send_reminders")
def send_reminders_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind due and overdue steps."""
    return send_reminders()
