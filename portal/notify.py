"""Telling organisations what happened: in-app notifications and e-mail.

Call ``notify_after_commit`` inside a service's transaction; nothing is sent
if the transaction rolls back. A user who chose e-mail at once
(NotificationPreference IMMEDIATE) gets one mail per notification; everyone
else gets one daily digest (``send_daily_digests``, CELERY_BEAT_SCHEDULE)
with the day's notifications grouped per application.

The text is a ``message(gettext_noop("…%(name)s…"), name=value)``: stored
untranslated and translated for each reader (the page's language) and each
recipient of a mail (their NotificationPreference.language).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.errors import ServiceError
from portal.models import Notification, User
from portal.models.notifications import (
    TEXT_LIMIT,
    Message,
    NotificationPreference,
    label,
    message,
    ngettext_noop,
)

__all__ = [
    "Message",
    "label",
    "message",
    "ngettext_noop",
    "notify",
    "notify_after_commit",
    "send_daily_digests",
]

IMMEDIATE = NotificationPreference.Email.IMMEDIATE


def notify(organisation_ids, text: Message | str, url: str = "") -> int:
    """Notify the active users of the organisations. ``text`` is a message()
    (translated for each reader); a plain string is stored and shown as is."""
    data = text if isinstance(text, dict) else None
    users = list(
        User.objects.filter(organisation_id__in=list(organisation_ids), is_active=True).only(
            "pk", "email"
        )
    )
    preferences = {
        preference.user_id: preference
        for preference in NotificationPreference.objects.filter(user__in=[u.pk for u in users])
    }
    at_once = {pk for pk, preference in preferences.items() if preference.email == IMMEDIATE}
    now = timezone.now()
    notifications = [
        Notification(
            recipient=user,
            message=data,
            url=url,
            emailed_at=now if user.pk in at_once and user.email else None,
        )
        for user in users
    ]
    for notification in notifications:
        notification.text = _in(settings.LANGUAGE_CODE, notification) if data else str(text)
        notification.text = notification.text[:TEXT_LIMIT]
    Notification.objects.bulk_create(notifications)
    mails = []
    for notification in notifications:
        user = notification.recipient
        if not (user.email and user.pk in at_once):
            continue
        said = _in(preferences[user.pk].language, notification)
        mails.append(
            (said[:120], f"{said}\n\n{_absolute(url)}", settings.DEFAULT_FROM_EMAIL, [user.email])
        )
    if mails:
        send_mass_mail(mails, fail_silently=True)
    return len(users)


def _in(language: str, notification: Notification) -> str:
    with translation.override(language):
        return notification.render()


def notify_after_commit(organisation_ids, text: Message | str, url: str = "") -> None:
    ids = [pk for pk in set(organisation_ids) if pk]
    transaction.on_commit(lambda: notify(ids, text, url))


def _absolute(url: str) -> str:
    if not url or "://" in url:
        return url
    return settings.PORTAL_BASE_URL.rstrip("/") + url


# --- grouping: the bell's page and the digest ------------------------------------------


@dataclass
class Thread:
    """One application's (one link's) notifications of one day, newest first."""

    url: str
    items: list[Notification] = field(default_factory=list)

    @property
    def latest(self) -> Notification:
        return self.items[0]

    @property
    def unread(self) -> int:
        return sum(1 for item in self.items if item.read_at is None)

    @property
    def earlier(self) -> list[Notification]:
        return self.items[1:]


@dataclass
class Day:
    date: datetime.date
    threads: list[Thread]


def group_by_day(notifications) -> list[Day]:
    """Newest-first notifications as days, each day's as one thread per link
    (an application's moves together), in the order of their latest news."""
    days = []
    for date, of_day in groupby(
        notifications, key=lambda n: timezone.localtime(n.created_at).date()
    ):
        threads: dict[str, Thread] = {}
        for item in of_day:
            # Without a link a notification stands alone.
            key = item.url or f"#{item.pk}"
            threads.setdefault(key, Thread(url=item.url)).items.append(item)
        days.append(Day(date=date, threads=list(threads.values())))
    return days


# --- the daily digest ------------------------------------------------------------------


def send_daily_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail per user with what was not e-mailed yet, grouped per day and
    per application; at most one per user per day (a second run the same day
    sends nothing). Notifications already read in the portal are marked sent
    without mailing. Returns the number of e-mails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pending = Notification.objects.filter(
        emailed_at__isnull=True, created_at__lte=now, recipient__is_active=True
    ).exclude(recipient__notification_preference__email=IMMEDIATE)
    recipients = list(
        User.objects.filter(pk__in=pending.values("recipient_id"))
        .exclude(notification_preference__digest_sent_on=today)
        .only("pk", "email", "username", "first_name", "last_name")
    )
    sent = 0
    for user in recipients:
        with transaction.atomic():
            preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
                user=user
            )
            if preference.digest_sent_on == today:
                continue  # another run got there first
            mine = list(pending.filter(recipient=user).order_by("-created_at", "-id"))
            unread = [n for n in mine if n.read_at is None]
            if unread and user.email:
                _send_digest(user, unread, preference.language)
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in mine]).update(emailed_at=now)
            preference.digest_sent_on = today
            preference.save(update_fields=["digest_sent_on"])
    return sent


def _send_digest(user: User, notifications: list[Notification], language: str) -> None:
    with translation.override(language):
        subject = ngettext(
            "Work safety portal: %(n)d new notification",
            "Work safety portal: %(n)d new notifications",
            len(notifications),
        ) % {"n": len(notifications)}
        body = render_to_string(
            "portal/notification_digest.txt",
            {
                "user": user,
                "days": group_by_day(notifications),
                "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
                "settings_url": _absolute("/notifications/"),
            },
        )
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])], fail_silently=True)


@shared_task(name="portal.send_daily_digests")
def send_daily_digests_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): the notifications digest."""
    return send_daily_digests()


def email_preference(user: User) -> str:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.email if preference else NotificationPreference.Email.DAILY


def language_preference(user: User) -> str:
    """The language of the user's notification e-mails."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.language if preference else settings.LANGUAGE_CODE


def set_email_preference(
    *, user: User, choice: str | None = None, language: str | None = None
) -> NotificationPreference:
    """Daily digest or one e-mail per notification, and the e-mails' language;
    what is not given stays as it was, anything else is refused."""
    if choice is not None and choice not in NotificationPreference.Email.values:
        raise ServiceError(
            _("Choose a daily digest or one e-mail per notification."), field="email"
        )
    if language is not None and language not in dict(settings.LANGUAGES):
        raise ServiceError(_("Choose one of the portal's languages."), field="language")
    values = {"email": choice, "language": language}
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={name: value for name, value in values.items() if value is not None}
    )
    return preference
