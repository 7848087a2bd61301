"""Telling organisations what happened: in-app notifications and e-mail.

Call ``notify_after_commit`` inside a service's transaction; nothing is sent
if the transaction rolls back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from portal.models import Notification, User


def notify(organisation_ids, text: str, url: str = "") -> int:
    users = list(
        User.objects.filter(organisation_id__in=list(organisation_ids), is_active=True).only(
            "pk", "email"
        )
    )
    Notification.objects.bulk_create(
        Notification(recipient=user, text=text[:300], url=url) for user in users
    )
    mails = [
        (text[:120], f"{text}\n\n{url}", settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in users
        if user.email
    ]
    if mails:
        send_mass_mail(mails, fail_silently=True)
    return len(users)


def notify_after_commit(organisation_ids, text: str, url: str = "") -> None:
    ids = [pk for pk in set(organisation_ids) if pk]
    transaction.on_commit(lambda: notify(ids, text, url))
