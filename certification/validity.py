"""The dates of a certificate's life and who may apply while a certificate lives.

Shared by applications (may this enterprise apply for this grade now?) and the
certificate lifecycle (annual self-assessments, renewal window, expiry).
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Certificate
from certification.workflow import tier_label
from portal.errors import ServiceError

LIVE = (Certificate.Status.VALID, Certificate.Status.SUSPENDED)
ANNUAL_YEARS = 3
ANNUAL_REMIND_DAYS = 30
RENEWAL_WINDOW_MONTHS = 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def anniversary(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


def annual_due_on(certificate: Certificate, year: int) -> datetime.date:
    return min(anniversary(certificate.valid_from, year), certificate.valid_until)


def annual_opens_on(certificate: Certificate, year: int) -> datetime.date:
    return anniversary(certificate.valid_from, year - 1)


def renewal_opens_on(certificate: Certificate) -> datetime.date:
    months = getattr(settings, "RENEWAL_WINDOW_MONTHS", RENEWAL_WINDOW_MONTHS)
    return add_months(certificate.valid_until, -months)


def in_renewal_window(certificate: Certificate, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        certificate.status in LIVE
        and renewal_opens_on(certificate) <= today <= certificate.valid_until
    )


def _when(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else "—"


def check_may_apply(enterprise, tier: str, today: datetime.date | None = None) -> None:
    """Called by certification.applications.services.application_create. Refuses while a revoked
    certificate's re-apply lock runs, and an application for the grade of a
    live certificate outside its renewal window."""
    today = today or timezone.localdate()
    locked = (
        Certificate.objects.filter(
            enterprise=enterprise, status=Certificate.Status.REVOKED, reapply_locked_until__gt=today
        )
        .order_by("-reapply_locked_until")
        .first()
    )
    if locked is not None:
        raise ServiceError(
            _(
                "Certificate %(number)s of this enterprise was revoked on "
                "%(revoked)s; it may apply again from %(date)s."
            )
            % {
                "number": locked.number,
                "revoked": _when(locked.status_changed_at),
                "date": str(locked.reapply_locked_until),  # set: filtered on it
            },
            field="tier",
        )
    for current in Certificate.objects.filter(
        enterprise=enterprise, tier=tier, status__in=LIVE, valid_until__gte=today
    ):
        opens = renewal_opens_on(current)
        if today < opens:
            raise ServiceError(
                _(
                    "The enterprise holds certificate %(number)s for %(grade)s, "
                    "valid until %(until)s; the renewal application opens on "
                    "%(opens)s."
                )
                % {
                    "number": current.number,
                    "grade": tier_label(tier),
                    "until": current.valid_until.isoformat(),
                    "opens": opens.isoformat(),
                },
                field="tier",
            )
