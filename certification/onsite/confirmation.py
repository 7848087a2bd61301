"""Which rows of the reviewers' sheet were checked on site.

The sheet starts as a copy of the enterprise's self-assessment; a copied row
is unconfirmed until a reviewer saves it (certification/onsite/rules.py
review_row_save) or confirms it as it stands here. The report cannot be
submitted while a row is unconfirmed (rules.prepare_submit_report).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certification.models import Application, OnSiteReview
from certification.onsite.rules import _unit_review
from portal import audit
from portal.errors import ServiceError
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


@transaction.atomic
def review_rows_confirm(
    *, actor, application: Application, rows: Iterable[object]
) -> list[AssessmentRow]:
    """Confirm rows of the sheet as they stand (the reviewer checked them on site
    and agrees). Rows already confirmed stay as they were; a row of another
    review refuses the whole request."""
    application, review = _unit_review(actor, application)
    ids = {getattr(row, "pk", row) for row in rows}
    if not ids:
        raise ServiceError(_("Choose the rows to confirm."), field="rows")
    found = list(
        # The application is locked (_unit_review): the rows change under it only.
        AssessmentRow.objects.select_related("criterion")
        .filter(pk__in=ids, assessment_id=review.assessment_id)
        .order_by("criterion__position")
    )
    if len(found) != len(ids):
        raise ServiceError(_("This row is not part of this review."), field="rows")
    fresh = [row for row in found if row.confirmed_at is None]
    if not fresh:
        return found
    now = timezone.now()
    AssessmentRow.objects.filter(pk__in=[row.pk for row in fresh]).update(
        confirmed_at=now, confirmed_by=actor
    )
    for row in fresh:
        row.confirmed_at, row.confirmed_by = now, actor
    audit.record(
        actor=actor,
        action="application.review.confirm",
        obj=application,
        after={"criteria": [row.criterion.code for row in fresh]},
    )
    return found


def unconfirmed_ids(review: OnSiteReview) -> list[int]:
    """The rows still to check on site, in the standard's order."""
    return list(
        AssessmentRow.objects.filter(assessment_id=review.assessment_id, confirmed_at__isnull=True)
        .order_by("criterion__position")
        .values_list("pk", flat=True)
    )
