"""Pages of the on-site review's findings (certification/onsite/findings.py):
the veto and deduction list, where the review unit adds findings with photos
and deletes them. Thin views, like those of certification/onsite/views.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from certification.engine import TransitionConflict
from certification.models import Application, Finding, OnSiteReview, ReviewFile
from certification.onsite import brief as hazard_brief
from certification.onsite import findings as onsite_findings
from certification.onsite import rules as onsite
from certification.onsite.views import (
    _PHOTOS,
    _forbidden_as_403,
    _get_application,
    _get_review,
    _may_edit,
    _nav,
)
from portal.errors import ServiceError
from portal.ids import parse_id
from reviews.models import Criterion

# The hazard ledger's categories (hazards.Hazard.Category; certification does not import
# hazards): 基础管理类 and 现场管理类.
HAZARD_CATEGORIES = (
    ("site", _lazy("Site management (现场管理类)")),
    ("management", _lazy("Basic management (基础管理类)")),
)


def _findings_for(user, application: Application, review: OnSiteReview, may_see_scores: bool):
    qs = review.findings.select_related("criterion", "created_by").prefetch_related(_PHOTOS)
    if not may_see_scores:
        qs = qs.filter(kind__in=onsite.LISTED_KINDS)
    return list(qs)


def _chosen_criterion(review: OnSiteReview, value) -> Criterion | None:
    """The criterion a finding is recorded for, chosen from its row of the sheet
    (?criterion=); None when absent or not of this review's standard."""
    criterion_id = parse_id(str(value or ""))
    if criterion_id is None:
        return None
    return Criterion.objects.filter(
        pk=criterion_id, version_id=review.assessment.version_id
    ).first()


def _render_findings(
    request, application, review, *, status=200, form=None, error="", hazard_form=None
):
    user = request.user
    may_see_scores = onsite.may_see_scores(user, application, review=review)
    editable = _may_edit(user, application, review)
    # A finding is recorded for the criterion of one row of the sheet (its link
    # brings ?criterion=), or as a general finding (?general=1): no list of every
    # criterion of the standard to scroll through on a phone.
    form = form or {
        "must_rectify": True,
        # A deduction unless the reviewer says otherwise: a veto is the rarer call.
        "kind": Finding.Kind.DEDUCTION,
        "criterion": request.GET.get("criterion", ""),
        "general": request.GET.get("general") == "1",
    }
    criterion = _chosen_criterion(review, form.get("criterion")) if editable else None
    return render(
        request,
        "certification/onsite/findings.html",
        {
            "application": application,
            "review": review,
            "editable": editable,
            "findings": _findings_for(user, application, review, may_see_scores),
            "criterion": criterion,
            "show_form": editable and (criterion is not None or bool(form.get("general"))),
            "unknown_criterion": editable and bool(form.get("criterion")) and criterion is None,
            "kinds": Finding.Kind.choices,
            "form": form,
            "error": error,
            "nav": _nav(application, "findings", may_see_scores),
            "sheet_url": reverse("certification:review", args=[application.pk])
            if may_see_scores
            else "",
            "hazard_brief": hazard_brief.brief_for(user, application),
            "hazard_categories": HAZARD_CATEGORIES,
            "hazard_form": hazard_form or {},
        },
        status=status,
    )


def _store_photos(request, application, finding, uploads, stored: list[ReviewFile]) -> None:
    """Add the uploads to the finding, appending each stored photo to ``stored``."""
    for upload in uploads:
        stored.append(
            onsite_findings.finding_photo_add(
                actor=request.user, application=application, finding=finding, upload=upload
            )
        )


def _refused_findings(
    request, application, review, error: ServiceError, stored: list[ReviewFile], form=None
):
    """The findings page after a refused finding or photo: 403 for the wrong role,
    409 when the review moved on, else 400; the database rolled back, so do the files."""

    _forbidden_as_403(error)
    for photo in stored:
        photo.file.delete(save=False)
    return _render_findings(
        request,
        application,
        review,
        form=form,
        error=error.message,
        status=409 if isinstance(error, TransitionConflict) else 400,
    )


@login_required
def findings_page(request, pk: int):
    """The veto and deduction list (everyone in scope; suggestions for those
    who see the scores); the review unit adds findings with photos here."""
    application = _get_application(request, pk)
    review = _get_review(application)
    if request.method != "POST":
        return _render_findings(request, application, review)
    posted = {
        "kind": request.POST.get("kind", ""),
        "text": request.POST.get("text", ""),
        "criterion": request.POST.get("criterion", ""),
        "general": not request.POST.get("criterion"),
        "must_rectify": request.POST.get("must_rectify") in ("on", "1", "true"),
    }
    uploads = request.FILES.getlist("photos")
    stored: list[ReviewFile] = []
    try:
        criterion = parse_id(posted["criterion"]) if posted["criterion"] else None
        if posted["criterion"] and criterion is None:
            raise ServiceError(
                _("Choose a criterion of the standard this review uses."), field="criterion"
            )
        with transaction.atomic():
            finding = onsite_findings.finding_add(
                actor=request.user,
                application=application,
                kind=posted["kind"],
                text=posted["text"],
                criterion=criterion,
                must_rectify=posted["must_rectify"],
            )
            _store_photos(request, application, finding, uploads, stored)
    except ServiceError as error:
        return _refused_findings(request, application, review, error, stored, form=posted)
    messages.success(request, _("Finding recorded."))
    return redirect(
        reverse("certification:review_findings", args=[application.pk]) + f"#finding-{finding.pk}"
    )


@login_required
@require_POST
def finding_photo_add(request, pk: int, finding_id: int):
    application = _get_application(request, pk)
    review = _get_review(application)
    finding = get_object_or_404(Finding, pk=finding_id, review=review)
    uploads = request.FILES.getlist("photos")
    stored: list[ReviewFile] = []
    try:
        if not uploads:
            raise ServiceError(_("Choose a photo to upload."), field="file")
        with transaction.atomic():
            _store_photos(request, application, finding, uploads, stored)
    except ServiceError as error:
        return _refused_findings(request, application, review, error, stored)
    messages.success(request, _("Photo added."))
    return redirect(
        reverse("certification:review_findings", args=[application.pk]) + f"#finding-{finding.pk}"
    )


@login_required
@require_POST
def finding_delete(request, pk: int, finding_id: int):
    application = _get_application(request, pk)
    review = _get_review(application)
    finding = get_object_or_404(Finding, pk=finding_id, review=review)
    try:
        onsite_findings.finding_delete(actor=request.user, application=application, finding=finding)
    except ServiceError as error:
        _forbidden_as_403(error)
        return _render_findings(request, application, review, error=error.message, status=409)
    messages.success(request, _("Finding deleted."))
    return redirect("certification:review_findings", pk=application.pk)


@login_required
@require_POST
def finding_record_hazard(request, pk: int, finding_id: int):
    """Record a veto or deduction finding as a hazard of the enterprise's ledger (the
    current review unit, once per finding)."""
    application = _get_application(request, pk)
    review = _get_review(application)
    finding = get_object_or_404(Finding, pk=finding_id, review=review)
    posted = {
        "finding": finding.pk,
        "deadline": request.POST.get("deadline", ""),
        "location": request.POST.get("location", ""),
        "category": request.POST.get("category", ""),
    }
    try:
        finding = onsite_findings.finding_record_hazard(
            actor=request.user,
            application=application,
            finding=finding,
            deadline=posted["deadline"],
            location=posted["location"],
            category=posted["category"],
        )
    except ServiceError as error:
        _forbidden_as_403(error)
        return _render_findings(
            request,
            application,
            review,
            error=error.message,
            hazard_form=posted,
            status=409 if isinstance(error, TransitionConflict) else 400,
        )
    messages.success(
        request,
        _("Recorded as hazard %(number)s in the enterprise's ledger.")
        % {"number": finding.ledger_hazard_number},
    )
    return redirect(
        reverse("certification:review_findings", args=[application.pk]) + f"#finding-{finding.pk}"
    )
