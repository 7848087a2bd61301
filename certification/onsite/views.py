"""Pages of certification/onsite/rules.py, and the data of its panel on the
application's detail page (templates/certification/_onsite_panel.html). The
findings page is in certification/onsite/views_findings.py.

Thin views: fetch the application through the user's scope (404 outside it),
check what the user may see (403 inside the scope without the right), call
certification/onsite/rules.py, render. The scoring checklist saves each answer
without reloading the page (static/js/onsite.js posts the row and reads a
JSON answer); without JavaScript the same form posts and comes back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certification.applications import views
from certification.assignment import rules as assigning
from certification.engine import TransitionConflict, TransitionForbidden
from certification.models import Application, Finding, OnSiteReview, ReviewFile, Status
from certification.onsite import brief as hazard_brief
from certification.onsite import confirmation, sheet, sheet_html
from certification.onsite import findings as onsite_findings
from certification.onsite import rectification as rectifying
from certification.onsite import rules as onsite
from certification.onsite.sheet_html import escape
from portal import permissions
from portal.errors import ServiceError
from portal.ids import parse_id
from reviews.forms import RowForm
from reviews.models import AssessmentRow, Result
from reviews.services import EditConflict
from reviews.views.rendering import answer_choices, grade_label

_PHOTOS = Prefetch(
    "files",
    queryset=ReviewFile.objects.filter(purpose=ReviewFile.Purpose.FINDING_PHOTO),
    to_attr="photos",
)


def _get_application(request, pk: int) -> Application:
    return permissions.get_visible_or_404(
        Application.objects.select_related("enterprise", "receiver", "assessment__version"),
        request.user,
        pk=pk,
    )


def _get_review(application: Application) -> OnSiteReview:
    review = onsite.review_for(application)
    if review is None:
        raise Http404
    return review


def _forbidden_as_403(error: ServiceError) -> None:

    if isinstance(error, TransitionForbidden):
        raise PermissionDenied(error.message) from None


def _may_edit(user, application: Application, review: OnSiteReview, unit_id=None) -> bool:
    """The current review unit, while the review is under way."""
    return bool(
        user.can_act
        and application.status == Status.ON_SITE_REVIEW
        and not review.assessment.is_locked
        and onsite.is_review_unit_user(user, application, unit_id)
    )


def _nav(application: Application, active: str, may_see_scores: bool) -> list[dict]:
    base = reverse("certification:review", args=[application.pk])
    tabs = [("findings", _("Findings"), base + "findings/")]
    if may_see_scores:
        tabs = [("scores", _("Scoring"), base), *tabs, ("report", _("Report"), base + "report/")]
    return [
        {"key": key, "label": label, "url": url, "active": key == active}
        for key, label, url in tabs
    ]


def _at_row(application: Application, row_id: int | None = None) -> str:
    """The sheet after a form posted without the page's script: every element in
    the page (?all=1), so the row is there to come back to."""
    url = reverse("certification:review", args=[application.pk]) + "?all=1"
    return url + (f"#row-{row_id}" if row_id else "")


# --- the scoring checklist -----------------------------------------------------------


def _sheet_page(request, application: Application, editable: bool) -> sheet_html.SheetPage:
    return sheet_html.SheetPage(
        editable=editable,
        labels=sheet_html.sheet_labels(),
        choices=[(value, escape(label), style) for value, label, style in answer_choices()],
        result_labels={value: escape(label) for value, label in Result.choices},
        csrf_input=sheet_html.csrf_input(request),
        review_url=reverse("certification:review", args=[application.pk]),
        kind_options=sheet_html.kind_options_html(Finding.Kind.choices) if editable else "",
    )


@login_required
@require_GET
def review_page(request, pk: int):
    """Each criterion: the enterprise's self-assessment answer beside the
    reviewers' answer (editable by the review unit during the review). The first
    elements come in full, the later ones as they are reached (review_element);
    ?all=1 (and the server's "only differing rows") carries them all."""
    application = _get_application(request, pk)
    review = _get_review(application)
    user = request.user
    permissions.require(onsite.may_see_scores(user, application, review=review))
    unit_id = assigning.current_unit_id(application)  # read once for the page's checks
    editable = _may_edit(user, application, review, unit_id)
    states = sheet.row_states(review)
    baseline = sheet.self_answers(application.assessment_id)
    differing = sheet.differing(states, baseline)
    only_differs = request.GET.get("show") == "differs"
    shown = [state for state in states if state.pk in differing] if only_differs else states
    whole = only_differs or request.GET.get("all") == "1"
    sections = sheet.sections(shown, differing, None if whole else sheet.ROWS_FIRST)
    sheet.fill_shown(review, sections, baseline, application.assessment_id)
    return render(
        request,
        "certification/onsite/review.html",
        {
            "application": application,
            "review": review,
            "sections": sections,
            "some_later": any(section["later"] for section in sections),
            "sheet": sheet_html.sections_html(
                sections, _sheet_page(request, application, editable)
            ),
            "editable": editable,
            "totals": sheet.totals(review, len(differing), states),
            "only_differs": only_differs,
            "nav": _nav(application, "scores", True),
            "hazard_brief": hazard_brief.brief_for(user, application, unit_id),
            "js_labels": {
                "saved": _("Saved"),
                "saving": _("Saving…"),
                "not_saved": _("Not saved"),
                "failed": _("Could not save: check the connection and try again."),
                "unanswered": _("Not answered yet"),
                "confirmed": _("Checked on site"),
                "load_failed": _("Could not load these rows: check the connection and try again."),
            },
        },
    )


@login_required
@require_GET
def review_element(request, pk: int, element_id: int):
    """The rows of one of the sheet's later A elements, as the page shows them
    (loaded when the reviewer reaches the element): its rows and files only."""
    application = _get_application(request, pk)
    review = _get_review(application)
    user = request.user
    permissions.require(onsite.may_see_scores(user, application, review=review))
    rows = sheet.review_rows(review, [element_id])
    if not rows:
        raise Http404
    sheet.compare(
        rows, sheet.self_answers(application.assessment_id, [r.criterion_id for r in rows])
    )
    sheet.attach_evidence(application.assessment_id, rows)
    page = _sheet_page(request, application, _may_edit(user, application, review))
    return HttpResponse(sheet_html.element_body_html(rows, page))


def _row_json(row: AssessmentRow) -> dict:
    by = row.updated_by
    return {
        "id": row.pk,
        "result": row.result,
        "result_label": str(dict(Result.choices).get(row.result, "")),
        "deduction": (
            ""
            if row.result != Result.PARTIAL or row.occurrences
            else str(row.deduction.normalize())
        ),
        "occurrences": "" if row.occurrences is None else str(row.occurrences),
        "extra_condition": row.extra_condition,
        "na_reason": row.na_reason,
        "notes": row.notes,
        "revision": row.revision,
        "confirmed": row.confirmed_at is not None,
        "updated_by": (by.get_full_name() or by.username) if by else "",
        "updated_at": (
            timezone.localtime(row.updated_at).strftime("%Y-%m-%d %H:%M") if row.updated_at else ""
        ),
    }


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def review_row_save(request, pk: int, row_id: int):
    """Save one of the reviewers' answers. JSON for the page's script: 200
    saved (with the totals), 409 someone else saved first (with their
    version) or the review is no longer open, 422 bad input."""
    application = _get_application(request, pk)
    review = _get_review(application)
    row = get_object_or_404(
        AssessmentRow.objects.select_related("criterion"),
        pk=row_id,
        assessment_id=review.assessment_id,
    )
    back = _at_row(application, row.pk)
    form = RowForm(request.POST)
    status = 200
    body: dict[str, object] = {}
    try:
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            if field == "revision":
                raise ServiceError(_("The page is out of date; reload it and try again."))
            raise ServiceError(errors[0], field=field)
        data = form.cleaned_data
        saved = onsite.review_row_save(
            actor=request.user,
            application=application,
            row=row,
            result=data["result"],
            deduction=data["deduction"],
            occurrences=data["occurrences"],
            extra_condition=data["extra_condition"],
            na_reason=data["na_reason"],
            notes=data["notes"],
            revision=data["revision"],
        )
    except EditConflict as conflict:
        fresh = AssessmentRow.objects.select_related("updated_by").get(pk=row.pk)
        theirs = _row_json(fresh)
        message = _("%(message)s Saved by %(who)s at %(when)s.") % {
            "message": conflict.message,
            "who": theirs["updated_by"] or "—",
            "when": theirs["updated_at"],
        }
        status, body = 409, {"error": message, "conflict": True, "row": theirs}
    except ServiceError as error:
        _forbidden_as_403(error)

        review.assessment.refresh_from_db(fields=["status"])
        locked = isinstance(error, TransitionConflict) or review.assessment.is_locked
        status = 409 if locked else 422
        body = {
            "error": f"{row.criterion.code}: {error.message}"
            if not _wants_json(request)
            else error.message,
            "field": error.field or "result",
        }
    else:
        fresh = AssessmentRow.objects.select_related("updated_by").get(pk=saved.pk)
        theirs = sheet.self_answers(application.assessment_id, [fresh.criterion_id])
        body = {
            "saved": True,
            "row": _row_json(fresh),
            "differs": sheet.differs(fresh, theirs.get(fresh.criterion_id)),
            "totals": sheet.totals(review),
        }
    if not _wants_json(request):
        if status == 200:
            messages.success(request, _("Saved."))
        else:
            messages.error(request, str(body["error"]))
        return redirect(back)
    return JsonResponse(body, status=status)


@login_required
@require_POST
def review_confirm(request, pk: int):
    """Confirm rows of the sheet as they stand (the posted ``row`` ids: one row,
    or the unchecked rows of an element). JSON for the page's script (200 with
    the totals, 409 when the review is no longer open, 422 bad input); without
    JavaScript the form posts and comes back to the first row."""
    application = _get_application(request, pk)
    review = _get_review(application)
    ids = [parse_id(value) for value in request.POST.getlist("row")]
    back = _at_row(application)
    status, body = 200, {}
    try:
        if not ids or None in ids:
            raise ServiceError(_("Choose the rows to confirm."), field="rows")
        rows = confirmation.review_rows_confirm(
            actor=request.user, application=application, rows=ids
        )
    except ServiceError as error:
        _forbidden_as_403(error)
        status = 409 if isinstance(error, TransitionConflict) else 422
        body = {"error": error.message}
    else:
        back = _at_row(application, rows[0].pk)
        body = {"confirmed": [row.pk for row in rows], "totals": sheet.totals(review)}
    if not _wants_json(request):
        if status == 200:
            messages.success(request, _("Confirmed as checked on site."))
        else:
            messages.error(request, str(body["error"]))
        return redirect(back)
    return JsonResponse(body, status=status)


@login_required
@require_POST
def review_row_finding(request, pk: int, row_id: int):
    """Record a finding against one row's criterion, from the row itself; back to the row."""
    application = _get_application(request, pk)
    review = _get_review(application)
    row = get_object_or_404(AssessmentRow, pk=row_id, assessment_id=review.assessment_id)
    back = _at_row(application, row.pk)
    try:
        finding = onsite_findings.finding_from_row(
            actor=request.user,
            application=application,
            row=row,
            kind=request.POST.get("kind", "") or Finding.Kind.DEDUCTION,
            text=request.POST.get("text", ""),
            must_rectify=request.POST.get("must_rectify") in ("on", "1", "true"),
        )
    except ServiceError as error:
        _forbidden_as_403(error)
        messages.error(request, f"{row.criterion.code}: {error.message}")
        return redirect(back)
    messages.success(
        request,
        _("Finding recorded for %(code)s: %(kind)s.")
        % {"code": row.criterion.code, "kind": finding.get_kind_display()},
    )
    return redirect(back)


# --- the report ----------------------------------------------------------------------


def _render_report(request, application, review, *, status=200, form=None, error=""):
    user = request.user
    unit_id = assigning.current_unit_id(application)
    editable = _may_edit(user, application, review, unit_id)
    signed = {s.member_id: s for s in review.signoffs.select_related("signed_by")}
    members = onsite.team_members(application)
    for member in members:
        member.signoff = signed.get(member.pk)
        member.may_sign = (
            member.signoff is None
            and application.status == Status.ON_SITE_REVIEW
            and assigning.may_sign_for(user, member)
        )
    return render(
        request,
        "certification/onsite/report.html",
        {
            "application": application,
            "review": review,
            "editable": editable,
            "members": members,
            "totals": sheet.totals(review),
            "proposed_grade": grade_label(review.proposed_tier or None),
            "form": form or {"summary": review.summary, "technical_head": review.technical_head},
            "error": error,
            "nav": _nav(application, "report", True),
            "hazard_brief": hazard_brief.brief_for(user, application, unit_id),
        },
        status=status,
    )


@login_required
def report_page(request, pk: int):
    """The report: summary, technical head and the team's sign-offs."""
    application = _get_application(request, pk)
    review = _get_review(application)
    permissions.require(onsite.may_see_scores(request.user, application, review=review))
    if request.method != "POST":
        return _render_report(request, application, review)
    posted = {
        "summary": request.POST.get("summary", ""),
        "technical_head": request.POST.get("technical_head", ""),
    }
    try:
        onsite.report_update(actor=request.user, application=application, **posted)
    except ServiceError as error:
        _forbidden_as_403(error)

        return _render_report(
            request,
            application,
            review,
            form=posted,
            error=error.message,
            status=409 if isinstance(error, TransitionConflict) else 400,
        )
    messages.success(request, _("Report saved."))
    return redirect("certification:review_report", pk=application.pk)


@login_required
@require_POST
def report_sign(request, pk: int):
    application = _get_application(request, pk)
    review = _get_review(application)
    reviewer = parse_id(request.POST.get("reviewer", ""))
    if reviewer is None:
        raise Http404
    try:
        signoff = onsite.report_sign(actor=request.user, application=application, reviewer=reviewer)
    except ServiceError as error:
        _forbidden_as_403(error)
        permissions.require(onsite.may_see_scores(request.user, application, review=review))

        return _render_report(
            request,
            application,
            review,
            error=error.message,
            status=409 if isinstance(error, TransitionConflict) else 400,
        )
    messages.success(
        request, _("%(name)s signed the report.") % {"name": signoff.member.reviewer.name}
    )
    return redirect(reverse("certification:review_report", args=[application.pk]) + "#team")


# --- rectification evidence (from the detail page's panel) ---------------------------


@login_required
@require_POST
def rectification_evidence(request, pk: int):

    application = _get_application(request, pk)
    _get_review(application)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ServiceError(_("Choose a file to upload."), field="file")
        stored = rectifying.rectification_evidence_add(
            actor=request.user,
            application=application,
            upload=upload,
            note=request.POST.get("note", ""),
        )
    except ServiceError as error:
        _forbidden_as_403(error)

        return views._render_detail(
            request,
            _get_application(request, pk),
            status=409 if isinstance(error, TransitionConflict) else 400,
            onsite_upload_error=error.message,
        )
    messages.success(request, _("Uploaded “%(name)s”.") % {"name": stored.original_name})
    return redirect(reverse("certification:detail", args=[application.pk]) + "#onsite")


# --- the panel on the detail page ----------------------------------------------------


def detail_context(request, application: Application) -> dict:
    """What the onsite panel of the detail page needs (keys prefixed onsite_)."""
    review = onsite.review_for(application)
    user = request.user
    brief = hazard_brief.brief_for(user, application)
    if review is None:
        return {"onsite_review": None, "onsite_hazard_brief": brief}
    may_see_scores = onsite.may_see_scores(user, application, review=review)
    findings = list(
        onsite.listed_findings(review).select_related("criterion").prefetch_related(_PHOTOS)
    )
    evidence = list(
        review.files.filter(purpose=ReviewFile.Purpose.RECTIFICATION).select_related("uploaded_by")
    )
    context = {
        "onsite_review": review,
        "onsite_may_see_scores": may_see_scores,
        "onsite_findings": findings,
        "onsite_evidence": evidence,
        "onsite_may_upload": bool(
            user.can_act
            and application.status == Status.RECTIFICATION
            and user.organisation_id == application.applicant_id
        ),
        "onsite_in_rectification": application.status == Status.RECTIFICATION,
        "onsite_upload_error": "",
        "onsite_reported": review.reported_at is not None,
        "onsite_hazard_brief": brief,
    }
    if may_see_scores:
        if review.reported_at is not None:
            context["onsite_score"] = review.score
            context["onsite_grade"] = grade_label(review.proposed_tier or None)
        else:
            totals = sheet.totals(review)
            context["onsite_score"] = totals["score"]
            context["onsite_grade"] = totals["grade"]
            context["onsite_totals"] = totals
        context["onsite_below_tier"] = bool(
            review.reported_at and review.proposed_tier != application.tier
        )
    return context
