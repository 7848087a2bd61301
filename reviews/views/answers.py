"""Saving answers as you go, evidence, team, submit and the printable report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from portal import permissions
from portal.errors import ServiceError
from portal.files import stored_file_response
from reviews import services
from reviews.forms import AssessmentTeamForm, RowForm
from reviews.models import AssessmentRow, Element, Evidence, Result
from reviews.permissions import can_edit_assessment
from reviews.views.answer_html import answer_form_html, answer_readonly_html, evidence_html
from reviews.views.checklist import (
    _sections,
)
from reviews.views.checklist_page import checklist_totals, load_files, page_for, row_state
from reviews.views.checklist_tree import checklist_tree
from reviews.views.rendering import (
    _FILES,
    RESULT_LABELS,
    ROW_FIELDS,
    _get_assessment,
    _get_editable_row,
    _render_totals,
    _team_initial,
    grade_label,
    row_labels,
    shown_values,
    totals_context,
)


def _row_response(
    request, assessment, row, *, shown, status=200, error="", field="", conflict=False, totals=False
) -> HttpResponse:
    """The row's whole answer form, re-rendered: for a refused save (the
    user's input with the message next to its field) or a conflict (the other
    user's saved values)."""
    editable = not assessment.is_locked
    tree = checklist_tree(assessment.version)
    criterion = tree.criteria[row.criterion_id]
    page = page_for(request, assessment, tree, editable=editable)
    if editable:
        html = answer_form_html(
            str(row.pk),
            shown,
            criterion,
            page,
            error=error,
            error_field=field or "result",
            conflict=conflict,
        )
    else:
        html = answer_readonly_html(str(row.pk), row_state(row), criterion, page, error=error)
    if totals:
        html += _render_totals(request, assessment, editable)
    response = HttpResponse(html, status=status)
    # The form targets its status line; a refusal replaces the whole form.
    response["HX-Retarget"] = f"#answer-{row.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _saved_response(request, assessment, row) -> HttpResponse:
    """A saved answer: the row's status line ("saved"), its new revision and
    the totals. The inputs are left as they are in the browser, so whatever
    the user typed meanwhile is neither lost nor overwritten (the next change
    posts it with the new revision)."""
    html = render_to_string(
        "reviews/_assessment_saved.html", {"row": row, "labels": row_labels()}, request
    )
    totals = checklist_totals(assessment)
    return HttpResponse(html + _render_totals(request, assessment, editable=True, totals=totals))


def _whole_page(assessment) -> str:
    """The checklist with every criterion in the page: a redirect back to a row (after a
    form sent without JavaScript) finds it there whichever element it is in."""
    return reverse("assessments:detail", args=[assessment.pk]) + "?all=1"


def _back_to_row(assessment, row) -> HttpResponse:
    return redirect(_whole_page(assessment) + f"#row-{row.pk}")


@login_required
@require_POST
def row_save(request, pk: int, row_id: int):
    """Save one answer (htmx posts it on change). 200 saved, 409 conflict or
    locked, 422 bad input; the response is the row's form plus the totals."""
    assessment, row = _get_editable_row(request, pk, row_id)
    posted = {name: request.POST.get(name, "") for name in ROW_FIELDS}
    posted["extra_condition"] = bool(request.POST.get("extra_condition"))
    posted["revision"] = request.POST.get("revision", "")
    form = RowForm(request.POST)
    try:
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            if field == "revision":
                raise ServiceError(_("The page is out of date; reload it and try again."))
            raise ServiceError(errors[0], field=field)
        data = form.cleaned_data
        fresh = services.row_save(
            actor=request.user,
            row=row,
            result=data["result"],
            deduction=data["deduction"],
            occurrences=data["occurrences"],
            extra_condition=data["extra_condition"],
            na_reason=data["na_reason"],
            notes=data["notes"],
            revision=data["revision"],
        )
    except services.EditConflict as conflict:
        fresh = conflict.row
        fresh.assessment = assessment
        if not request.htmx:
            messages.error(request, conflict.message)
            return _back_to_row(assessment, fresh)
        return _row_response(
            request,
            assessment,
            fresh,
            shown=shown_values(fresh),
            status=409,
            error=conflict.message,
            conflict=True,
            totals=True,
        )
    except ServiceError as error:
        assessment.refresh_from_db(fields=["status"])
        if not request.htmx:
            messages.error(request, f"{row.criterion.code}: {error.message}")
            return _back_to_row(assessment, row)
        return _row_response(
            request,
            assessment,
            row,
            shown=posted,
            error=error.message,
            field=error.field or "result",
            status=409 if assessment.is_locked else 422,
        )
    fresh.assessment = assessment
    if not request.htmx:
        return _back_to_row(assessment, fresh)
    return _saved_response(request, assessment, fresh)


def _evidence_response(request, assessment, row, *, error="", added=(), status=200):
    tree = checklist_tree(assessment.version)
    page = page_for(request, assessment, tree, editable=not assessment.is_locked)
    files = load_files(assessment, [row.pk]).get(row.pk, [])
    html = evidence_html(str(row.pk), files, page, error=error, added=added)
    return HttpResponse(html, status=status)


@login_required
@require_POST
def evidence_upload(request, pk: int, row_id: int):
    """Attach one or more files to a row; all of them or none."""
    assessment, row = _get_editable_row(request, pk, row_id)
    uploads = request.FILES.getlist("files")
    added: list[Evidence] = []
    try:
        if not uploads:
            raise ServiceError(_("Choose a file to upload."), field="file")
        with transaction.atomic():
            for upload in uploads:
                added.append(services.evidence_add(actor=request.user, row=row, upload=upload))
    except ServiceError as error:
        # The database rolled back; the files stored before the refusal go too.
        for evidence in added:
            evidence.file.delete(save=False)
        assessment.refresh_from_db(fields=["status"])
        if not request.htmx:
            messages.error(request, f"{row.criterion.code}: {error.message}")
            return _back_to_row(assessment, row)
        return _evidence_response(
            request,
            assessment,
            row,
            error=error.message,
            status=409 if assessment.is_locked else 422,
        )
    if not request.htmx:
        messages.success(request, _("File attached."))
        return _back_to_row(assessment, row)
    return _evidence_response(request, assessment, row, added=[e.pk for e in added])


@login_required
@require_GET
def evidence_download(request, pk: int, evidence_id: int):
    """The file as an attachment under its original name, for whoever may see
    the assessment (never served from MEDIA_URL)."""
    assessment = _get_assessment(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_id, row__assessment=assessment)
    return stored_file_response(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@require_POST
def assessment_team(request, pk: int):
    """Change the period, team or declared deaths of a draft."""
    assessment = _get_assessment(request, pk)
    permissions.require(can_edit_assessment(request.user, assessment))
    form = AssessmentTeamForm(request.POST)
    status, saved = 422, False
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["team_leader"] = data["team_leader"].strip()
        data["team_members"] = data["team_members"].strip()
        try:
            assessment = services.assessment_update(
                actor=request.user, assessment=assessment, **data
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            assessment.refresh_from_db()
            status = 409 if assessment.is_locked else 422
        else:
            status, saved = 200, True
            form = AssessmentTeamForm(initial=_team_initial(assessment))
    if not request.htmx:
        if saved:
            messages.success(request, _("Saved the team and period."))
        else:
            messages.error(
                request,
                "; ".join(
                    # An ErrorList yields its messages as str; the stubs say ValidationError too.
                    f"{form.fields[name].label if name in form.fields else ''} {' '.join(errs)}"  # type: ignore[arg-type]
                    for name, errs in form.errors.items()
                ),
            )
        return redirect("assessments:detail", pk=assessment.pk)
    editable = not assessment.is_locked
    html: str = render_to_string(
        "reviews/_assessment_team.html",
        {
            "assessment": assessment,
            "team_form": form if editable else None,
            "editable": editable,
            "team_saved": saved,
        },
        request,
    )
    if saved:
        html += _render_totals(request, assessment, editable)
    return HttpResponse(html, status=status)


@login_required
@require_POST
def element_not_applicable(request, pk: int, element_id: int):
    """Mark every unanswered criterion of one element not applicable, with one
    reason ("本企业无此岗位": a small firm without the post), in one action. Each
    row goes through the same save as a single answer; criteria that may not be
    marked not applicable are left for the user and named."""
    assessment = _get_assessment(request, pk)
    permissions.require(can_edit_assessment(request.user, assessment))
    element = get_object_or_404(Element, pk=element_id, version_id=assessment.version_id)
    reason = request.POST.get("reason", "").strip()
    rows = list(
        AssessmentRow.objects.select_related("criterion")
        .filter(assessment=assessment, result="")
        .filter(Q(criterion__element=element) | Q(criterion__element__parent=element))
        .order_by("criterion__position")
    )
    back = _whole_page(assessment) + f"#element-{element.code}"
    kept = [row.criterion.code for row in rows if not row.criterion.allow_na]
    try:
        if not reason:
            raise ServiceError(_("Say why this criterion does not apply."), field="na_reason")
        with transaction.atomic():
            for row in rows:
                if row.criterion.allow_na:
                    row.assessment = assessment
                    services.row_save(
                        actor=request.user,
                        row=row,
                        result=Result.NOT_APPLICABLE,
                        na_reason=reason,
                        revision=row.revision,
                    )
    except services.EditConflict as conflict:
        messages.error(request, conflict.message)
        return redirect(back)
    except ServiceError as error:
        messages.error(request, f"{element.code}: {error.message}")
        return redirect(back)
    done = len(rows) - len(kept)
    messages.success(
        request,
        ngettext(
            "%(code)s: %(n)d criterion marked not applicable.",
            "%(code)s: %(n)d criteria marked not applicable.",
            done,
        )
        % {"code": element.code, "n": done},
    )
    if kept:
        messages.warning(
            request,
            _(
                "The standard does not allow these to be marked not applicable; answer them: %(codes)s"
            )
            % {"codes": "、".join(kept)},
        )
    return redirect(back)


@login_required
@require_POST
def assessment_submit(request, pk: int):
    assessment = _get_assessment(request, pk)
    permissions.require(can_edit_assessment(request.user, assessment))
    try:
        assessment = services.assessment_submit(actor=request.user, assessment=assessment)
    except ServiceError as error:
        messages.error(request, _("Not submitted: %(reason)s") % {"reason": error.message})
        first = (
            assessment.rows.filter(result="")
            .order_by("criterion__position")
            .values_list("pk", flat=True)
            .first()
        )
        if first is not None:  # straight to the first criterion still to answer
            return redirect(_whole_page(assessment) + f"#row-{first}")
    else:
        messages.success(
            request,
            _("Submitted: score %(score)s, %(grade)s. The assessment can no longer change.")
            % {
                "score": assessment.submitted_score,
                "grade": grade_label(assessment.submitted_grade or None),
            },
        )
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
@require_GET
def assessment_print(request, pk: int):
    """The printable self-assessment report (HTML; print it or save it as PDF)."""
    assessment = _get_assessment(request, pk)
    rows = list(
        assessment.rows.select_related("criterion__element")
        .prefetch_related(_FILES)
        .order_by("criterion__position")
    )
    context = {
        **totals_context(assessment, {row.criterion_id: row for row in rows}),
        "enterprise": assessment.enterprise,
        "version": assessment.version,
        "sections": _sections(assessment, rows),
        "result_labels": RESULT_LABELS,
        "printed_at": timezone.localtime(),
        "team_members": [line for line in assessment.team_members.splitlines() if line.strip()],
    }
    return render(request, "reviews/assessment_print.html", context)
