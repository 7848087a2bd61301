"""Pages: list and start, and the checklist."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import permissions
from portal.errors import ServiceError
from reviews import services
from reviews.forms import (
    START_FIELDS_SHORT,
    AssessmentStartForm,
    AssessmentTeamForm,
)
from reviews.models import Assessment, AssessmentRow
from reviews.permissions import can_edit_assessment, can_start_assessment
from reviews.scoring_data import score_assessment
from reviews.selectors import applicable_versions
from reviews.standard_picker import standard_picker
from reviews.views.checklist_page import (
    ROWS_FIRST,
    answers_of,
    criteria_of,
    load_files,
    load_rows,
    named_rows,
    page_for,
    page_sections,
    section_part,
)
from reviews.views.checklist_tree import checklist_tree
from reviews.views.list_html import assessment_rows_html
from reviews.views.listing import (
    assessment_filters,
    assessment_page,
    filter_assessments,
    filter_choices,
)
from reviews.views.rendering import (
    _get_assessment,
    _own_enterprise,
    _team_initial,
    grade_label,
    totals_context,
)

# --- list and start ------------------------------------------------------------


def _list_context(request, start_form: AssessmentStartForm | None = None) -> dict:
    user = request.user
    enterprise = _own_enterprise(user)
    # Self-assessments only (the scope leaves the reviewers' sheets out); the
    # filters a user's list can be narrowed by.
    visible = Assessment.objects.visible_to(user).filter(kind=Assessment.Kind.SELF)
    filters = assessment_filters(request.GET, enterprise is not None)
    page = assessment_page(
        filter_assessments(visible, filters), request.GET.get("page"), searched=bool(filters["q"])
    )
    for assessment in page:
        if assessment.status == Assessment.Status.SUBMITTED:
            assessment.shown_score = assessment.submitted_score
            assessment.shown_grade = grade_label(assessment.submitted_grade or None)
        else:
            result = score_assessment(assessment)
            assessment.shown_score = result.score
            assessment.shown_grade = grade_label(result.grade)
    context: dict[str, object] = {
        "page": page,
        "rows_html": assessment_rows_html(page, is_enterprise=enterprise is not None),
        "filters": filters,
        "params": urlencode({key: value for key, value in filters.items() if value}),
        "filter_choices": filter_choices(user, visible, enterprise is not None),
        "enterprise": enterprise,
        "is_enterprise": enterprise is not None,
        "can_start": False,
    }
    if enterprise is not None and can_start_assessment(user):
        versions = applicable_versions(enterprise)
        form = start_form or AssessmentStartForm(enterprise=enterprise, versions=versions)
        context["can_start"] = True
        context["versions"] = versions
        context["start_form"] = form
        context["start_short"] = [form[name] for name in START_FIELDS_SHORT]
        context["start_more"] = [
            form[name] for name in form.fields if name not in START_FIELDS_SHORT
        ]
        # A refused form keeps its choice; a new one checks the best fit.
        chosen = str(form["version"].value() or "") if form.is_bound else ""
        context["picker"] = standard_picker(enterprise, versions, chosen)
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
    form = AssessmentStartForm(
        request.POST, enterprise=enterprise, versions=applicable_versions(enterprise)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_create(
                actor=request.user,
                enterprise=enterprise,
                version=data["version"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                team_leader=data["team_leader"].strip(),
                team_members=data["team_members"].strip(),
                deaths_last_year=data["deaths_last_year"],
                copy_from=data["copy_from"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Self-assessment started. Answers save as you go."))
            return redirect("assessments:detail", pk=assessment.pk)
    return render(request, "reviews/assessment_list.html", _list_context(request, form), status=422)


# --- the checklist ---------------------------------------------------------------


def _sections(assessment: Assessment, rows: Sequence[AssessmentRow]) -> list[dict]:
    """A elements → B elements → rows, in the standard's order (no scoring here)."""
    elements = list(assessment.version.elements.order_by("position"))
    by_element: dict[int, list[AssessmentRow]] = {}
    for row in rows:
        by_element.setdefault(row.criterion.element_id, []).append(row)
    children: dict[int, list] = {}
    for element in elements:
        if element.parent_id is not None:
            children.setdefault(element.parent_id, []).append(
                {"element": element, "rows": by_element.get(element.pk, [])}
            )
    return [
        {
            "element": element,
            "rows": by_element.get(element.pk, []),
            "children": children.get(element.pk, []),
        }
        for element in elements
        if element.parent_id is None
    ]


@login_required
@require_GET
def assessment_detail(request, pk: int):
    assessment = _get_assessment(request, pk)
    editable = can_edit_assessment(request.user, assessment) and not assessment.is_locked
    tree = checklist_tree(assessment.version)
    rows = load_rows(assessment)
    page = page_for(request, assessment, tree, editable=editable)
    # ?all=1: every criterion in the page (to search it, or without JavaScript).
    whole = request.GET.get("all") == "1"
    sections = page_sections(
        tree, rows, load_files(assessment), page, rows_first=None if whole else ROWS_FIRST
    )
    context = {
        **totals_context(assessment, answers=answers_of(rows), named=named_rows(tree, rows)),
        "enterprise": assessment.enterprise,
        "version": assessment.version,
        "sections": sections,
        "some_later": any(section.get("later") for section in sections),
        "editable": editable,
        "team_form": AssessmentTeamForm(initial=_team_initial(assessment)) if editable else None,
    }
    return render(request, "reviews/assessment_detail.html", context)


@login_required
@require_GET
def element_rows(request, pk: int, element_id: int):
    """The rows of one of the checklist's later A elements, as the page shows them
    (loaded when the user reaches the element)."""
    assessment = _get_assessment(request, pk)
    editable = can_edit_assessment(request.user, assessment) and not assessment.is_locked
    tree = checklist_tree(assessment.version)
    section = next((s for s in tree.sections if s.pk == element_id), None)
    if section is None:
        raise Http404
    page = page_for(request, assessment, tree, editable=editable)
    # This element's rows and files only: about 46 of a 600-criterion checklist's rows.
    rows = load_rows(assessment, [c.id for c in criteria_of(section)])
    files = load_files(assessment, [row.pk for row in rows.values()])
    built = section_part(section, rows, files, page)
    return HttpResponse(
        format_html('<div class="element-body" data-testid="element-body">{}</div>', built["body"])
    )
