"""Findings of the on-site review (veto items, deductions, suggestions) and
their photos: plain services of the review unit; each locks the application,
checks the actor and the state, and writes the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from certification.engine import TransitionConflict
from certification.models import Application, Finding, OnSiteReview, ReviewFile
from certification.onsite.rules import _store, _unit_review
from enterprises import hazard_links
from portal import audit
from portal.errors import ServiceError
from portal.fields import check_length
from portal.files import check_document
from reviews.models import AssessmentRow, Criterion

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


def finding_from_row(
    *,
    actor,
    application: Application,
    row,
    text: str,
    kind: str = Finding.Kind.DEDUCTION,
    must_rectify: bool = True,
) -> Finding:
    """A finding against the criterion of one row of the reviewers' sheet; a
    deduction unless the reviewer says otherwise (a veto is the rarer, graver call)."""
    criterion_id = (
        AssessmentRow.objects.filter(
            pk=getattr(row, "pk", row), assessment__onsite__application_id=application.pk
        )
        .values_list("criterion_id", flat=True)
        .first()
    )
    if criterion_id is None:
        raise ServiceError(_("This row is not part of this review."), field="row")
    return finding_add(
        actor=actor,
        application=application,
        kind=kind,
        text=text,
        criterion=criterion_id,
        must_rectify=must_rectify,
    )


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


@transaction.atomic
def finding_record_hazard(
    *, actor, application: Application, finding, deadline, location: str, category: str = ""
) -> Finding:
    """Record a veto or deduction finding as a hazard of the enterprise's ledger
    (source 评审发现, the finding's criterion as its basis, the deadline the reviewer
    gives), once per finding: the finding keeps the hazard's id and number. The
    hazard ledger judges the input; a refusal there writes nothing here either."""
    application, review = _unit_review(actor, application)
    finding = (
        Finding.objects.select_for_update()
        .filter(pk=getattr(finding, "pk", finding), review=review)
        .first()
    )
    if finding is None:
        raise ServiceError(_("This finding is not part of this review."), field="finding")
    if finding.kind not in (Finding.Kind.VETO, Finding.Kind.DEDUCTION):
        raise ServiceError(
            _("Only veto and deduction findings are recorded as hazards."), field="finding"
        )
    if finding.ledger_hazard_id is not None:
        raise TransitionConflict(
            _("This finding is already recorded as hazard %(number)s.")
            % {"number": finding.ledger_hazard_number}
        )
    location = (location or "").strip()
    if not location:
        raise ServiceError(_("Say where the hazard is (location or equipment)."), field="location")
    hazard_id, number = hazard_links.record_finding(
        actor=actor,
        enterprise=application.enterprise,
        description=finding.text,
        criterion_id=finding.criterion_id,
        deadline=deadline,
        location=location,
        category=category,
    )
    finding.ledger_hazard_id = hazard_id
    finding.ledger_hazard_number = number
    finding.save(update_fields=["ledger_hazard_id", "ledger_hazard_number"])
    audit.record(
        actor=actor,
        action="application.review.finding.hazard",
        obj=application,
        after={"finding": finding.pk, "hazard": hazard_id, "number": number},
    )
    return finding
