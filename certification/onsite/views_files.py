"""The files of the on-site review: the enterprise's evidence beside its answers,
findings' photos and rectification files, served to whoever may see them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from certification.models import ReviewFile
from certification.onsite import rules as onsite
from certification.onsite.views import _get_application, _get_review
from portal import permissions
from portal.files import stored_file_response
from reviews.models import Evidence


@login_required
@require_GET
def review_evidence(request, pk: int, evidence_id: int):
    """One of the enterprise's evidence files of its self-assessment, for whoever
    may see the reviewers' sheet."""
    application = _get_application(request, pk)
    review = _get_review(application)
    permissions.require(onsite.may_see_scores(request.user, application, review=review))
    stored = get_object_or_404(
        Evidence, pk=evidence_id, row__assessment_id=application.assessment_id
    )
    return stored_file_response(
        stored.file, filename=stored.original_name, content_type=stored.content_type
    )


@login_required
@require_GET
def review_file(request, pk: int, file_id: int):
    """A finding's photo or a rectification file, as an attachment, for
    whoever may see it (never served from MEDIA_URL)."""
    application = _get_application(request, pk)
    review = _get_review(application)
    stored = get_object_or_404(
        ReviewFile.objects.select_related("finding"), pk=file_id, review=review
    )
    if stored.finding is not None and stored.finding.kind not in onsite.LISTED_KINDS:
        permissions.require(onsite.may_see_scores(request.user, application, review=review))
    return stored_file_response(
        stored.file, filename=stored.original_name, content_type=stored.content_type
    )
