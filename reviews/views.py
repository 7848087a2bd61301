"""Self-assessment pages: list and start, the checklist that saves as you go,
evidence, submit and the printable report.

Thin views: parse → fetch through the user's scope (404 outside it) → check
the role (403) → call reviews/services.py → render. Every figure shown comes
from the scoring function (score_assessment / scoring.improvements).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from enterprises.models import Enterprise
from portal import permissions
from portal.errors import ServiceError
from portal.models import OrganisationKind
from reviews import services
from reviews.forms import AssessmentStartForm, AssessmentTeamForm, RowForm
from reviews.models import Assessment, AssessmentRow, Evidence, Result
from reviews.permissions import can_edit_assessment, can_start_assessment
from reviews.scoring import improvements
from reviews.scoring_data import answers_for, score_assessment, spec_for_version
from reviews.selectors import applicable_versions

GRADE_LABELS = {
    "1": gettext_lazy("Level 1"),
    "2": gettext_lazy("Level 2"),
    "3": gettext_lazy("Level 3"),
    "pass": gettext_lazy("Pass"),
}
RESULT_LABELS = dict(Result.choices)
ROW_FIELDS = ("result", "deduction", "na_reason", "notes")
IMPROVEMENTS_SHOWN = 5
# A row's evidence files as a plain list (row.files): no queryset per row.
_FILES = Prefetch("evidence", queryset=Evidence.objects.order_by("original_name",
                                                                  "-file_version"),
                  to_attr="files")
# How the answer buttons look: outline colour per answer.
RESULT_STYLES = {
    Result.COMPLIANT: "success",
    Result.PARTIAL: "warning",
    Result.NON_COMPLIANT: "danger",
    Result.NOT_APPLICABLE: "secondary",
}


def answer_choices() -> list[tuple[str, str, str]]:
    """(value, label, button colour) of the four answers, in the user's language."""
    return [(value, str(label), RESULT_STYLES[value]) for value, label in Result.choices]


def row_labels() -> dict[str, str]:
    """The words every row repeats, translated once per request: a 200-row
    page would otherwise translate them thousands of times."""
    return {
        "how": _("How it is checked"),
        "evidence": _("Typical evidence"),
        "guidance": _("Guidance in plain words"),
        "points": _("points"),
        "veto": _("Veto"),
        "veto_help": _("Veto criterion: if it is not met, no grade is possible."),
        "answer": _("Answer"),
        "deduct": _("Points deducted (more than 0, at most %(points)s)"),
        "na_reason": _("Why this criterion does not apply"),
        "notes": _("Notes"),
        "saved": _("Saved"),
        "not_saved": _("Not saved"),
        "unanswered": _("Not answered yet"),
        "not_answered": _("Not answered"),
        "save": _("Save"),
        "file_version": _("File version"),
        "attach": _("Attach evidence"),
        "upload": _("Upload"),
        "file_types": _("PDF, JPG, PNG, DOCX or XLSX; at most %(n)s MB each.") % {
            "n": settings.EVIDENCE_MAX_BYTES // 1048576},
    }


def answer_buttons(row_id: str, result: str, is_veto: bool, choices) -> str:
    """The four answer buttons of a row (three for a veto criterion, which is
    met or not). Built here rather than in a template loop: it is the most
    repeated markup of the page."""
    return format_html_join(
        "", '<input type="radio" class="btn-check" name="result" value="{0}" id="r{1}-{0}"{2} '
        'autocomplete="off"><label class="btn btn-outline-{3}" for="r{1}-{0}">{4}</label>',
        ((value, row_id, " checked" if value == result else "", style, label)
         for value, label, style in choices if not (value == Result.PARTIAL and is_veto)))


def _prepare(row: AssessmentRow, shown: dict, labels: dict, choices) -> AssessmentRow:
    """Plain strings for the row templates (fewer template lookups per row)."""
    criterion = row.criterion
    row.rid = str(row.pk)
    row.shown = shown
    row.points_text = str(criterion.points)
    row.buttons = answer_buttons(row.rid, shown["result"], criterion.is_veto, choices)
    row.deduct_label = labels["deduct"] % {"points": row.points_text}
    return row


def _urls(assessment: Assessment) -> dict:
    base = reverse("assessments:detail", args=[assessment.pk])
    return {"rows_url": base + "rows/", "evidence_url": base + "evidence/"}


def grade_label(grade: str | None) -> str:
    if not grade:
        return _("No grade")
    return str(GRADE_LABELS.get(grade, grade))


def _assessments():
    return Assessment.objects.select_related("enterprise", "version__standard")


def _get_assessment(request, pk: int) -> Assessment:
    """The assessment if the user may see it; 404 otherwise (existence is not revealed)."""
    return permissions.get_visible_or_404(_assessments(), request.user, pk=pk)


def _get_editable_row(request, pk: int, row_id: int) -> tuple[Assessment, AssessmentRow]:
    assessment = _get_assessment(request, pk)
    permissions.require(can_edit_assessment(request.user, assessment))
    row = get_object_or_404(AssessmentRow.objects.select_related("criterion"),
                            assessment=assessment, pk=row_id)
    row.assessment = assessment
    return assessment, row


def _own_enterprise(user) -> Enterprise | None:
    if user.kind != OrganisationKind.ENTERPRISE:
        return None
    return (Enterprise.objects.select_related("industry")
            .filter(account_id=user.organisation_id).first())


def _shown(row: AssessmentRow) -> dict:
    """The values an answer form shows: the saved ones."""
    return {
        "result": row.result,
        "deduction": "" if row.result != Result.PARTIAL else str(row.deduction.normalize()),
        "na_reason": row.na_reason,
        "notes": row.notes,
        "revision": str(row.revision),
    }


# --- the totals panel --------------------------------------------------------


def totals_context(assessment: Assessment, rows: dict[int, AssessmentRow] | None = None) -> dict:
    """Score, grade, progress and "what would lift you" for the totals panel.

    ``rows`` (criterion id → row), when the page has them loaded already,
    saves the query that names the suggested criteria.
    """
    result = score_assessment(assessment)
    found = [] if assessment.is_locked else improvements(
        spec_for_version(assessment.version), answers_for(assessment), limit=IMPROVEMENTS_SHOWN)
    if rows is None:
        named = {criterion_id: (row_id, requirement)
                 for criterion_id, row_id, requirement in AssessmentRow.objects.filter(
                     assessment=assessment,
                     criterion_id__in=[item.criterion_id for item in found],
                 ).values_list("criterion_id", "pk", "criterion__requirement")}
    else:
        named = {item.criterion_id: (rows[item.criterion_id].pk,
                                     rows[item.criterion_id].criterion.requirement)
                 for item in found if item.criterion_id in rows}
    suggestions = [
        {"code": item.code, "points": item.points_gained, "score": item.score_gain,
         "row_id": named.get(item.criterion_id, (None, ""))[0],
         "requirement": named.get(item.criterion_id, (None, ""))[1]}
        for item in found
    ]
    return {
        "assessment": assessment,
        "result": result,
        "grade_text": grade_label(result.grade),
        "grade_by_score_text": grade_label(result.grade_by_score),
        "next_grade_text": grade_label(result.next_grade) if result.next_grade else "",
        "failed_vetoes": ", ".join(result.failed_vetoes),
        "suggestions": suggestions,
        "unanswered": result.total - result.answered,
    }


def _render_totals(request, assessment: Assessment, editable: bool) -> str:
    context = {**totals_context(assessment), "oob": True, "editable": editable}
    return (render_to_string("reviews/_assessment_totals.html", context, request)
            + render_to_string("reviews/_assessment_scorebar.html", context, request))


# --- list and start ------------------------------------------------------------


def _list_context(request, start_form: AssessmentStartForm | None = None) -> dict:
    user = request.user
    qs = (Assessment.objects.visible_to(user)
          .select_related("enterprise", "version__standard")
          .annotate(total=Count("rows"), answered=Count("rows", filter=~Q(rows__result="")))
          .order_by("-created_at", "-id"))
    enterprise = _own_enterprise(user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for assessment in page:
        if assessment.status == Assessment.Status.SUBMITTED:
            assessment.shown_score = assessment.submitted_score
            assessment.shown_grade = grade_label(assessment.submitted_grade or None)
        else:
            result = score_assessment(assessment)
            assessment.shown_score = result.score
            assessment.shown_grade = grade_label(result.grade)
    context = {"page": page, "enterprise": enterprise, "is_enterprise": enterprise is not None,
               "can_start": False}
    if enterprise is not None and can_start_assessment(user):
        versions = applicable_versions(enterprise)
        context["can_start"] = True
        context["versions"] = versions
        context["start_form"] = start_form or AssessmentStartForm(
            enterprise=enterprise, versions=versions)
    return context


@login_required
@require_GET
def assessment_list(request):
    permissions.require(request.user.can_act)
    return render(request, "reviews/assessment_list.html", _list_context(request))


@login_required
@require_POST
def assessment_create(request):
    permissions.require(can_start_assessment(request.user))
    enterprise = _own_enterprise(request.user)
    if enterprise is None:
        raise Http404
    form = AssessmentStartForm(request.POST, enterprise=enterprise,
                               versions=applicable_versions(enterprise))
    if form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_create(
                actor=request.user, enterprise=enterprise, version=data["version"],
                period_start=data["period_start"], period_end=data["period_end"],
                team_leader=data["team_leader"].strip(),
                team_members=data["team_members"].strip(),
                deaths_last_year=data["deaths_last_year"], copy_from=data["copy_from"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Self-assessment started. Answers save as you go."))
            return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "reviews/assessment_list.html", _list_context(request, form),
                  status=422)


# --- the checklist ---------------------------------------------------------------


def _sections(assessment: Assessment, rows: list[AssessmentRow]) -> list[dict]:
    """A elements → B elements → rows, in the standard's order (no scoring here)."""
    elements = list(assessment.version.elements.order_by("position"))
    by_element: dict[int, list[AssessmentRow]] = {}
    for row in rows:
        by_element.setdefault(row.criterion.element_id, []).append(row)
    children: dict[int, list] = {}
    for element in elements:
        if element.parent_id is not None:
            children.setdefault(element.parent_id, []).append(
                {"element": element, "rows": by_element.get(element.pk, [])})
    return [
        {"element": element, "rows": by_element.get(element.pk, []),
         "children": children.get(element.pk, [])}
        for element in elements if element.parent_id is None
    ]


@login_required
@require_GET
def assessment_detail(request, pk: int):
    assessment = _get_assessment(request, pk)
    editable = can_edit_assessment(request.user, assessment) and not assessment.is_locked
    rows = list(assessment.rows.select_related("criterion__element")
                .prefetch_related(_FILES).order_by("criterion__position"))
    labels, choices = row_labels(), answer_choices()
    for row in rows:
        _prepare(row, _shown(row), labels, choices)
    context = {
        **totals_context(assessment, {row.criterion_id: row for row in rows}),
        "enterprise": assessment.enterprise,
        "version": assessment.version,
        "sections": _sections(assessment, rows),
        "editable": editable,
        "labels": labels,
        "csrf_input": _csrf_input(request),
        **_urls(assessment),
        "team_form": AssessmentTeamForm(initial=_team_initial(assessment)) if editable
        else None,
    }
    return render(request, "reviews/assessment_detail.html", context)


def _row_response(request, assessment, row, *, shown, status=200, error="", field="",
                  conflict=False, totals=False) -> HttpResponse:
    """The row's whole answer form, re-rendered: for a refused save (the
    user's input with the message next to its field) or a conflict (the other
    user's saved values)."""
    editable = not assessment.is_locked
    labels = row_labels()
    context = {
        "assessment": assessment, "row": _prepare(row, shown, labels, answer_choices()),
        "editable": editable, "labels": labels, "csrf_input": _csrf_input(request),
        "error": error, "error_field": field or "result", "conflict": conflict,
        **_urls(assessment),
    }
    html = render_to_string("reviews/_assessment_answer.html", context, request)
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
    html = render_to_string("reviews/_assessment_saved.html", {
        "row": row, "labels": row_labels()}, request)
    return HttpResponse(html + _render_totals(request, assessment, editable=True))


def _csrf_input(request) -> str:
    """The CSRF field for the forms' no-JavaScript fallback, made once per page
    (htmx sends the token in a header)."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">',
                       get_token(request))


def _back_to_row(assessment, row) -> HttpResponse:
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + f"#row-{row.pk}")


@login_required
@require_POST
def row_save(request, pk: int, row_id: int):
    """Save one answer (htmx posts it on change). 200 saved, 409 conflict or
    locked, 422 bad input; the response is the row's form plus the totals."""
    assessment, row = _get_editable_row(request, pk, row_id)
    posted = {name: request.POST.get(name, "") for name in ROW_FIELDS}
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
            actor=request.user, row=row, result=data["result"], deduction=data["deduction"],
            na_reason=data["na_reason"], notes=data["notes"], revision=data["revision"])
    except services.EditConflict as conflict:
        fresh = conflict.row
        fresh.assessment = assessment
        if not request.htmx:
            messages.error(request, conflict.message)
            return _back_to_row(assessment, fresh)
        return _row_response(request, assessment, fresh, shown=_shown(fresh), status=409,
                             error=conflict.message, conflict=True, totals=True)
    except ServiceError as error:
        assessment.refresh_from_db(fields=["status"])
        if not request.htmx:
            messages.error(request, f"{row.criterion.code}: {error.message}")
            return _back_to_row(assessment, row)
        return _row_response(request, assessment, row, shown=posted, error=error.message,
                             field=error.field or "result",
                             status=409 if assessment.is_locked else 422)
    fresh.assessment = assessment
    if not request.htmx:
        return _back_to_row(assessment, fresh)
    return _saved_response(request, assessment, fresh)


def _evidence_response(request, assessment, row, *, error="", added=(), status=200):
    row = AssessmentRow.objects.prefetch_related(_FILES).get(pk=row.pk)
    row.rid = str(row.pk)
    context = {"assessment": assessment, "row": row, "editable": not assessment.is_locked,
               "evidence_error": error, "added": added, "labels": row_labels(),
               "csrf_input": _csrf_input(request), **_urls(assessment)}
    return render(request, "reviews/_assessment_evidence.html", context, status=status)


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
        return _evidence_response(request, assessment, row, error=error.message,
                                  status=409 if assessment.is_locked else 422)
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
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                        content_type=evidence.content_type)


def _team_initial(assessment: Assessment) -> dict:
    return {name: getattr(assessment, name) for name in
            ("period_start", "period_end", "team_leader", "team_members", "deaths_last_year")}


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
            assessment = services.assessment_update(actor=request.user, assessment=assessment,
                                                    **data)
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
            messages.error(request, "; ".join(
                f"{form.fields[name].label if name in form.fields else ''} {' '.join(errs)}"
                for name, errs in form.errors.items()))
        return redirect("assessments:detail", pk=assessment.pk)
    editable = not assessment.is_locked
    html = render_to_string("reviews/_assessment_team.html", {
        "assessment": assessment, "team_form": form if editable else None,
        "editable": editable, "team_saved": saved}, request)
    if saved:
        html += _render_totals(request, assessment, editable)
    return HttpResponse(html, status=status)


@login_required
@require_POST
def assessment_submit(request, pk: int):
    assessment = _get_assessment(request, pk)
    permissions.require(can_edit_assessment(request.user, assessment))
    try:
        assessment = services.assessment_submit(actor=request.user, assessment=assessment)
    except ServiceError as error:
        messages.error(request, _("Not submitted: %(reason)s") % {"reason": error.message})
    else:
        messages.success(request, _("Submitted: score %(score)s, %(grade)s. The assessment "
                                    "can no longer change.") % {
            "score": assessment.submitted_score,
            "grade": grade_label(assessment.submitted_grade or None)})
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
@require_GET
def assessment_print(request, pk: int):
    """The printable self-assessment report (HTML; print it or save it as PDF)."""
    assessment = _get_assessment(request, pk)
    rows = list(assessment.rows.select_related("criterion__element")
                .prefetch_related(_FILES).order_by("criterion__position"))
    context = {
        **totals_context(assessment, {row.criterion_id: row for row in rows}),
        "enterprise": assessment.enterprise,
        "version": assessment.version,
        "sections": _sections(assessment, rows),
        "result_labels": RESULT_LABELS,
        "printed_at": timezone.localtime(),
        "team_members": [line for line in assessment.team_members.splitlines()
                         if line.strip()],
    }
    return render(request, "reviews/assessment_print.html", context)
