"""Turning database rows into the plain data the scoring function takes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings

from reviews import accident_gate as gates
from reviews.models import Assessment, Criterion, StandardVersion
from reviews.scoring import (
    DEFAULT_ACCIDENT_GATE,
    AccidentRecord,
    Answer,
    CriterionSpec,
    ElementSpec,
    ScoreResult,
    StandardSpec,
    score,
)

# Published versions never change, so their specs are built once per process.
_published_specs: dict[tuple[object, ...], StandardSpec] = {}


def spec_for_version(version: StandardVersion) -> StandardSpec:
    # Keyed by content too, so a reused id (SQLite after a rollback) never
    # returns another version's checklist.
    key = (version.pk, version.source_sha256, version.published_at)
    if version.status != StandardVersion.Status.DRAFT and key in _published_specs:
        return _published_specs[key]
    elements = tuple(
        ElementSpec(code, name)
        for code, name in version.elements.filter(parent__isnull=True)
        .order_by("position")
        .values_list("code", "name")
    )
    criteria = tuple(
        CriterionSpec(
            id=pk,
            code=code,
            a_code=a_code,
            points=points,
            veto=veto,
            extra_deduction=extra,
            extra_trigger=trigger,
            veto_grades=tuple(veto_grades or ()),
            allow_na=allow_na,
            deduction_unit=unit,
        )
        for pk, code, a_code, points, veto, extra, trigger, veto_grades, allow_na, unit in (
            Criterion.objects.filter(version=version)
            .order_by("position")
            .values_list(
                "pk",
                "code",
                "a_element__code",
                "points",
                "is_veto",
                "extra_deduction",
                "extra_trigger",
                "veto_grades",
                "allow_na",
                "deduction_unit",
            )
        )
    )
    thresholds = list(version.thresholds.values_list("grade", "min_score", "min_element_percent"))
    spec = StandardSpec(
        grading=version.standard.grading,
        full_marks=version.full_marks,
        thresholds={grade: minimum for grade, minimum, _share in thresholds},
        elements=elements,
        criteria=criteria,
        element_minimums={grade: share for grade, _min, share in thresholds if share is not None},
    )
    if version.status != StandardVersion.Status.DRAFT:
        _published_specs[key] = spec
    return spec


def answers_for(assessment: Assessment) -> dict[int, Answer]:
    # Unordered: the rows' default ordering would join the criteria only to sort.
    rows = assessment.rows.order_by().values_list(
        "criterion_id", "result", "deduction", "extra_condition", "occurrences"
    )
    return {
        criterion_id: Answer(result, deduction or Decimal("0"), extra, occurrences)
        for criterion_id, result, deduction, extra, occurrences in rows
    }


class AnswerFields(Protocol):
    """What the scoring reads of a row: an AssessmentRow, or a page's lighter copy."""

    @property
    def criterion_id(self) -> int: ...
    @property
    def result(self) -> str: ...
    @property
    def deduction(self) -> Decimal | None: ...
    @property
    def extra_condition(self) -> bool: ...
    @property
    def occurrences(self) -> int | None: ...


def answers_of_rows(rows: Iterable[AnswerFields]) -> dict[int, Answer]:
    """``answers_for``, from an assessment's rows a page has read already."""
    return {
        row.criterion_id: Answer(
            row.result, row.deduction or Decimal("0"), row.extra_condition, row.occurrences
        )
        for row in rows
    }


def accident_gate(regime: str | None = None) -> dict[str, Any]:
    """grade → limits: the regime's gate (reviews/accident_gate.py); without a
    regime, the 84号 deaths table of the settings."""
    if regime is None:
        return dict(getattr(settings, "SCORING_ACCIDENT_GATE", DEFAULT_ACCIDENT_GATE))
    return gates.gate_for(regime)


def score_assessment(
    assessment: Assessment,
    *,
    accidents: AccidentRecord | None = None,
    answers: Mapping[int, Answer] | None = None,
) -> ScoreResult:
    """The score of an assessment, as the scoring function computes it, with
    the accident gate of its standard's regime: by default on the deaths
    declared on the assessment; the application's steps pass the accidents
    recorded since (reviews/accident_gate.py ``application_record``).
    ``answers``, when the caller has read the rows already, saves reading them
    again."""
    if accidents is None:
        accidents = AccidentRecord(deaths=assessment.deaths_last_year)
    return score(
        spec_for_version(assessment.version),
        answers_for(assessment) if answers is None else answers,
        accidents=accidents,
        accident_gate=accident_gate(assessment.version.standard.regime),
    )
