"""How the checklist and its totals are prepared for the templates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from portal import permissions
from portal.models import OrganisationKind
from reviews import accident_gate as gates
from reviews.models import Assessment, AssessmentRow, Evidence, Result
from reviews.permissions import can_edit_assessment
from reviews.scoring import (
    DEATHS,
    DIRECT_LOSS,
    GROUP_SHARE,
    SERIOUS_INJURIES,
    Answer,
    ScoreResult,
    improvements,
)
from reviews.scoring_data import answers_for, score_assessment, spec_for_version
from reviews.views import totals_html

GRADE_LABELS = {
    "1": gettext_lazy("Level 1"),
    "2": gettext_lazy("Level 2"),
    "3": gettext_lazy("Level 3"),
    "pass": gettext_lazy("Pass"),
}
RESULT_LABELS = dict(Result.choices)
ROW_FIELDS = ("result", "deduction", "occurrences", "na_reason", "notes")
IMPROVEMENTS_SHOWN = 5
# A row's evidence files as a plain list (row.files): no queryset per row.
_FILES = Prefetch(
    "evidence",
    queryset=Evidence.objects.order_by("original_name", "-file_version"),
    to_attr="files",
)
# How the answer buttons look: outline colour per answer.
RESULT_STYLES: dict[str, str] = {
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
        "occurrences": _("or occurrences × %(unit)s points (capped at %(points)s)"),
        "extra_condition": _("追加扣除情形成立 (the extra deduction's condition holds)"),
        "extra_condition_help": _(
            "Tick only when the finding stated in the method is made; the extra deduction "
            "of %(n)s points is then taken in this element."
        ),
        "no_na": _("Not applicable is not allowed for this criterion."),
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
        "file_types": _("PDF, JPG, PNG, DOCX or XLSX; at most %(n)s MB each.")
        % {"n": settings.EVIDENCE_MAX_BYTES // 1048576},
    }


def answer_buttons(row_id: str, result: str, is_veto: bool, choices, allow_na: bool = True) -> str:
    """The four answer buttons of a row (three for a veto criterion, which is
    met or not, and without "not applicable" where the standard allows none).
    Built here rather than in a template loop: it is the most repeated markup
    of the page."""
    return format_html_join(
        "",
        '<input type="radio" class="btn-check" name="result" value="{0}" id="r{1}-{0}"{2} '
        'autocomplete="off"><label class="btn btn-outline-{3}" for="r{1}-{0}">{4}</label>',
        (
            (value, row_id, " checked" if value == result else "", style, label)
            for value, label, style in choices
            if not (value == Result.PARTIAL and is_veto)
            and not (value == Result.NOT_APPLICABLE and not allow_na and result != value)
        ),
    )


def _urls(assessment: Assessment) -> dict:
    base = reverse("assessments:detail", args=[assessment.pk])
    return {
        "rows_url": base + "rows/",
        "evidence_url": base + "evidence/",
        "elements_url": base + "elements/",
    }


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
    row = get_object_or_404(
        AssessmentRow.objects.select_related("criterion"), assessment=assessment, pk=row_id
    )
    row.assessment = assessment
    return assessment, row


def _own_enterprise(user) -> Enterprise | None:
    if user.kind != OrganisationKind.ENTERPRISE:
        return None
    return (
        Enterprise.objects.select_related("industry")
        .filter(account_id=user.organisation_id)
        .first()
    )


def shown_values(row: Any) -> dict[str, Any]:
    """The values an answer form shows: the saved ones (of an AssessmentRow, or of
    the checklist page's row state, which has the same fields)."""
    return {
        "result": row.result,
        "deduction": (
            ""
            if row.result != Result.PARTIAL or row.occurrences
            else str(row.deduction.normalize())
        ),
        "occurrences": "" if row.occurrences is None else str(row.occurrences),
        "extra_condition": row.extra_condition,
        "na_reason": row.na_reason,
        "notes": row.notes,
        "revision": str(row.revision),
    }


# --- the totals panel --------------------------------------------------------


def totals_context(
    assessment: Assessment,
    rows: dict[int, AssessmentRow] | None = None,
    *,
    answers: Mapping[int, Answer] | None = None,
    named: Mapping[int, tuple[int, str]] | None = None,
) -> dict:
    """Score, grade, progress and "what would lift you" for the totals panel.

    ``rows`` (criterion id → row), or ``named`` (criterion id → (row id,
    requirement)), when the page has them loaded already, saves the query
    that names the suggested criteria; ``answers`` saves reading the answers.
    """
    if answers is None:
        answers = answers_for(assessment)
    result = score_assessment(assessment, answers=answers)
    found = (
        []
        if assessment.is_locked
        else improvements(spec_for_version(assessment.version), answers, limit=IMPROVEMENTS_SHOWN)
    )
    if rows is not None:
        named = {
            item.criterion_id: (
                rows[item.criterion_id].pk,
                rows[item.criterion_id].criterion.requirement,
            )
            for item in found
            if item.criterion_id in rows
        }
    elif named is None:
        named = {
            criterion_id: (row_id, requirement)
            for criterion_id, row_id, requirement in AssessmentRow.objects.filter(
                assessment=assessment,
                criterion_id__in=[item.criterion_id for item in found],
            ).values_list("criterion_id", "pk", "criterion__requirement")
        }
    suggestions = [
        {
            "code": item.code,
            "points": item.points_gained,
            "score": item.score_gain,
            "row_id": named.get(item.criterion_id, (None, ""))[0],
            "requirement": named.get(item.criterion_id, (None, ""))[1],
        }
        for item in found
    ]
    return {
        "assessment": assessment,
        "result": result,
        "grade_text": grade_label(result.grade),
        "grade_by_score_text": grade_label(result.grade_by_score),
        "next_grade_text": grade_label(result.next_grade) if result.next_grade else "",
        "failed_vetoes": ", ".join(result.failed_vetoes),
        "veto_lines": veto_lines(result),
        "shortfall_lines": shortfall_lines(result),
        "accident_lines": accident_lines(result, assessment.version.standard.regime),
        "suggestions": suggestions,
        "unanswered": result.total - result.answered,
        "element_rows": totals_html.element_rows_html(result.elements),
        "toc": totals_html.toc_html(result.elements),
        "suggestion_items": totals_html.suggestions_html(suggestions),
    }


def veto_lines(result: ScoreResult) -> list[str]:
    """Each failed veto and the grades it bars."""
    return [
        _("%(code)s bars %(grades)s")
        % {
            "code": code,
            "grades": "、".join(grade_label(g) for g in grades) if grades else _("every grade"),
        }
        for code, grades in result.veto_grades.items()
    ]


def shortfall_lines(result: ScoreResult) -> list[str]:
    """Which A element fell short of which grade's minimum share."""
    return [
        _(
            "Element %(code)s %(name)s earned %(percent)s%% of its points; %(grade)s needs %(minimum)s%%."
        )
        % {
            "code": item.element,
            "name": item.name,
            "percent": item.percent,
            "grade": grade_label(item.grade),
            "minimum": item.minimum,
        }
        for item in result.element_shortfalls
    ]


def accident_lines(result: ScoreResult, regime: str) -> list[str]:
    """Which grades the accident record bars, by which figure, under which rule."""
    names = {
        DEATHS: _("deaths"),
        SERIOUS_INJURIES: _("serious injuries"),
        DIRECT_LOSS: _("direct economic loss"),
        GROUP_SHARE: _("share of group members without a fatal accident"),
    }
    return [
        _("%(grade)s is barred by the accident record (%(figures)s; %(source)s).")
        % {
            "grade": grade_label(grade),
            "figures": "、".join(str(names.get(bar, bar)) for bar in bars),
            "source": gates.source_for(regime),
        }
        for grade, bars in result.accident_bars.items()
    ]


def _render_totals(
    request, assessment: Assessment, editable: bool, totals: dict | None = None
) -> str:
    """The totals panel and the bar's figures, swapped in out of band."""
    context = {**(totals or totals_context(assessment)), "oob": True, "editable": editable}
    return render_to_string("reviews/_assessment_totals.html", context, request) + render_to_string(
        "reviews/_assessment_scorebar.html", context, request
    )


def _csrf_input(request) -> str:
    """The CSRF field for the forms' no-JavaScript fallback, made once per page
    (htmx sends the token in a header)."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


def _team_initial(assessment: Assessment) -> dict:
    return {
        name: getattr(assessment, name)
        for name in (
            "period_start",
            "period_end",
            "team_leader",
            "team_members",
            "deaths_last_year",
        )
    }
