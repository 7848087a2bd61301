"""Findings of the on-site review (veto items, deductions, suggestions) and
their photos: plain services of the review unit; each locks the application,
checks the actor and the state, and writes the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from certification.models import Application, Finding, OnSiteReview, ReviewFile
from certification.onsite.rules import _store, _unit_review
from portal import audit
from portal.errors import ServiceError
from portal.fields import check_length
from portal.files import check_document
from reviews.models import Criterion

PHOTO_TYPES = {"jpg", "png"}


@transaction.atomic
def finding_add(
    *,
    actor,
    application: Application,
    kind: str,
    text: str,
    criterion=None,
    must_rectify: bool = True,
) -> Finding:
    application, review = _unit_review(actor, application)
    if kind not in Finding.Kind.values:
        raise ServiceError(_("Choose the kind of finding."), field="kind")
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Describe the finding."), field="text")
    check_length(text, Finding, "text")
    if criterion not in (None, ""):
        criterion_id = getattr(criterion, "pk", criterion)
        criterion = Criterion.objects.filter(
            pk=criterion_id, version_id=review.assessment.version_id
        ).first()
        if criterion is None:
            raise ServiceError(
                _("Choose a criterion of the standard this review uses."), field="criterion"
            )
    else:
        criterion = None
    # A suggestion is advice; only veto and deduction items are rectified.
    must_rectify = bool(must_rectify) and kind != Finding.Kind.SUGGESTION
    finding = Finding.objects.create(
        review=review,
        criterion=criterion,
        kind=kind,
        text=text,
        must_rectify=must_rectify,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="application.review.finding.add",
        obj=application,
        after={
            "finding": finding.pk,
            "kind": kind,
            "criterion": criterion.code if criterion else None,
            "must_rectify": must_rectify,
            "text": text,
        },
    )
    return finding


def _own_finding(review: OnSiteReview, finding) -> Finding:
    found = Finding.objects.filter(pk=getattr(finding, "pk", finding), review=review).first()
    if found is None:
        raise ServiceError(_("This finding is not part of this review."), field="finding")
    return found


@transaction.atomic
def finding_delete(*, actor, application: Application, finding) -> None:
    application, review = _unit_review(actor, application)
    finding = _own_finding(review, finding)
    audit.record(
        actor=actor,
        action="application.review.finding.delete",
        obj=application,
        before={
            "finding": finding.pk,
            "kind": finding.kind,
            "text": finding.text,
            "photos": finding.files.count(),
        },
    )
    finding.delete()


@transaction.atomic
def finding_photo_add(*, actor, application: Application, finding, upload) -> ReviewFile:
    """A JPG or PNG photo of a finding (checked by content, within the size limit)."""
    application, review = _unit_review(actor, application)
    finding = _own_finding(review, finding)
    file_type = check_document(upload, settings.EVIDENCE_MAX_BYTES)
    if file_type not in PHOTO_TYPES:
        raise ServiceError(
            _("“%(name)s” is not a JPG or PNG photo (checked from its content).")
            % {"name": upload.name},
            field="file",
        )
    photo = _store(
        review,
        upload,
        file_type,
        actor=actor,
        purpose=ReviewFile.Purpose.FINDING_PHOTO,
        finding=finding,
    )
    audit.record(
        actor=actor,
        action="application.review.photo.add",
        obj=application,
        after={"finding": finding.pk, "file": photo.original_name, "sha256": photo.sha256},
    )
    return photo
