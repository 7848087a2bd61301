"""Rectification (整改): the review unit requests it with a deadline, the
applicant uploads its evidence and submits it; the review clock stops and
resumes with the working days it had left.

prepare_request_rectification and prepare_submit_rectification are hooks of
the declared moves (certification/workflow.py), called by
certification/engine.perform inside its transaction.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.engine import Move
from certification.models import Application, OnSiteReview, ReviewFile, Status
from certification.onsite.rules import (
    _check_state,
    _days_left,
    _forbidden,
    _locked,
    _resume,
    _review,
    _store,
)
from certification.workflow import time_limit
from portal import audit, workdays
from portal.errors import ServiceError
from portal.fields import check_length
from portal.files import check_document


def _deadline(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str) and value.strip():
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ServiceError(
                _("Enter the deadline as a date (YYYY-MM-DD)."), field="deadline"
            ) from None
    if not isinstance(value, datetime.date):
        raise ServiceError(_("Set the deadline for the rectification."), field="deadline")
    today = timezone.localdate()
    if value <= today:
        raise ServiceError(_("The deadline must be after today."), field="deadline")
    # A cap on the rectification (settings.RECTIFICATION_MAX_WORKING_DAYS): no
    # text fixes one, and without it the paused review clock could wait forever.
    days = settings.RECTIFICATION_MAX_WORKING_DAYS
    latest = workdays.add_working_days(today, days)
    if value > latest:
        raise ServiceError(
            _(
                "A rectification may last at most %(days)d working days: set a deadline "
                "on or before %(date)s."
            )
            % {"days": days, "date": latest.isoformat()},
            field="deadline",
        )
    return value


def prepare_request_rectification(move: Move) -> None:
    """Needs ``move.data["deadline"]`` and a finding to rectify; stops the
    review clock: the rectification is due on the deadline, and the review
    keeps the working days it had left."""
    application = move.application
    deadline = _deadline(move.data.get("deadline"))
    review = _review(application)
    if not review.findings.filter(must_rectify=True, rectified=False).exists():
        raise ServiceError(
            _("Record the findings the enterprise must rectify first."), field="findings"
        )
    review.rectification_deadline = deadline
    review.review_days_left = _days_left(application)
    review.save(update_fields=["rectification_deadline", "review_days_left"])
    move.due = (deadline, False)
    move.details.update(
        {"deadline": deadline.isoformat(), "review_days_left": review.review_days_left}
    )


def _rectification_files(application: Application, review: OnSiteReview):
    """The evidence uploaded since the rectification was requested."""
    return review.files.filter(
        purpose=ReviewFile.Purpose.RECTIFICATION, uploaded_at__gte=application.status_changed_at
    )


def prepare_submit_rectification(move: Move) -> None:
    """Needs rectification evidence; restarts the review clock with the
    working days it had left, however long the rectification took."""
    application = move.application
    review = _review(application)
    uploaded = _rectification_files(application, review).count()
    if not uploaded:
        raise ServiceError(_("Upload the rectification evidence first."), field="evidence")
    days = review.review_days_left
    if days is None:
        days = time_limit(Status.ON_SITE_REVIEW) or 0
    move.due = _resume(days)
    move.details.update({"evidence_files": uploaded, "review_days_left": days})


@transaction.atomic
def rectification_evidence_add(
    *, actor, application: Application, upload, note: str = ""
) -> ReviewFile:
    """The applicant's evidence of what it rectified; a note is added to the
    review's record of what was rectified."""
    application = _locked(application)
    if not (actor.can_act and actor.organisation_id == application.applicant_id):
        raise _forbidden(_("Only the applicant uploads rectification evidence."))
    _check_state(application, Status.RECTIFICATION)
    review = _review(application)
    note = (note or "").strip()
    # The notes of every upload are kept together: their sum is what is bounded.
    combined = "\n".join(filter(None, [review.rectification_note, note]))
    check_length(combined, OnSiteReview, "rectification_note", field="note")
    file_type = check_document(upload, settings.EVIDENCE_MAX_BYTES)
    stored = _store(
        review, upload, file_type, actor=actor, purpose=ReviewFile.Purpose.RECTIFICATION
    )
    if note:
        review.rectification_note = combined
        review.save(update_fields=["rectification_note"])
    audit.record(
        actor=actor,
        action="application.rectification.evidence",
        obj=application,
        after={
            "file": stored.original_name,
            "sha256": stored.sha256,
            **({"note": note} if note else {}),
        },
    )
    return stored
