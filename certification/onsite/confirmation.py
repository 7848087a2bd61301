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

from certification.models import Application
from certification.onsite.confirmed import (  # noqa: F401  (re-exported for the pages, API and tests)
    mark_confirmed,
    unconfirmed_count,
    unconfirmed_ids,
    unconfirmed_message,
)
from certification.onsite.rules import _unit_review
from portal import audit
from portal.errors import ServiceError
from reviews.models import AssessmentRow


@transaction.atomic
def review_rows_confirm(
    *, actor, application: Application, rows: Iterable[object]
) -> list[AssessmentRow]:
    """Confirm rows of the sheet as they stand (the reviewer checked them on site
    and agrees). Rows already confirmed stay as they were; a row of another
    review refuses the whole request."""
    application, review = _unit_review(actor, application)
    ids: set[int] = {int(getattr(row, "pk", row)) for row in rows}  # type: ignore[call-overload]
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
