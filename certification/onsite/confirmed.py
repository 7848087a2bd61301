"""Reads and the one write of "checked on site" that the review's rules need
(certification/onsite/rules.py), apart from the confirming service
(certification/onsite/confirmation.py), which needs the rules' guards."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import ngettext

from certification.models import OnSiteReview
from reviews.models import AssessmentRow


def unconfirmed_count(review: OnSiteReview) -> int:
    return AssessmentRow.objects.filter(
        assessment_id=review.assessment_id, confirmed_at__isnull=True
    ).count()


def unconfirmed_message(count: int) -> str:
    return ngettext(
        "%(n)d row copied from the self-assessment has not been checked on site yet.",
        "%(n)d rows copied from the self-assessment have not been checked on site yet.",
        count,
    ) % {"n": count}


def mark_confirmed(row: AssessmentRow, actor) -> None:
    """Record that ``actor`` checked ``row`` on site now (inside the caller's transaction)."""
    now = timezone.now()
    AssessmentRow.objects.filter(pk=row.pk).update(confirmed_at=now, confirmed_by=actor)
    row.confirmed_at, row.confirmed_by = now, actor


def unconfirmed_ids(review: OnSiteReview) -> list[int]:
    """The rows still to check on site, in the standard's order."""
    return list(
        AssessmentRow.objects.filter(assessment_id=review.assessment_id, confirmed_at__isnull=True)
        .order_by("criterion__position")
        .values_list("pk", flat=True)
    )
