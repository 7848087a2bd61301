"""Reads of certificates in their life: the warning list and the list filters."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from certification.lifecycle.rules import oversees
from certification.models import AnnualSelfAssessment, Certificate
from certification.selectors import certificates_visible_to
from certification.validity import LIVE, RENEWAL_WINDOW_MONTHS, add_months
from portal.types import AnyUser


def overdue_annual_visible_to(user: AnyUser) -> QuerySet[AnnualSelfAssessment]:
    """The warning list: overdue, still unfulfilled years of live
    certificates in the user's scope (districts, organising units, the city
    office)."""
    if not oversees(user):
        return AnnualSelfAssessment.objects.none()
    return (
        AnnualSelfAssessment.objects.filter(
            overdue_recorded_at__isnull=False,
            submitted_at__isnull=True,
            certificate__status__in=LIVE,
            certificate__in=certificates_visible_to(user),
        )
        .select_related("certificate__enterprise__region", "certificate__announcement")
        .order_by("due_on", "pk")
    )


def filter_certificates(
    qs: QuerySet[Certificate],
    *,
    status: str = "",
    flagged: bool = False,
    overdue: bool = False,
    expiring: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Certificate]:
    today = today or timezone.localdate()
    if status in Certificate.Status.values:
        qs = qs.filter(status=status)
    if flagged:
        qs = qs.filter(review_flagged_at__isnull=False, status__in=LIVE)
    if overdue:
        qs = qs.filter(
            pk__in=AnnualSelfAssessment.objects.filter(
                overdue_recorded_at__isnull=False, submitted_at__isnull=True
            ).values("certificate_id")
        )
    if expiring:
        months = getattr(settings, "RENEWAL_WINDOW_MONTHS", RENEWAL_WINDOW_MONTHS)
        qs = qs.filter(
            status__in=LIVE, valid_until__gte=today, valid_until__lte=add_months(today, months)
        )
    return qs
