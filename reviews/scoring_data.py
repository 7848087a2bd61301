"""Turning database rows into the plain data the scoring function takes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from reviews.models import Assessment, Criterion, StandardVersion
from reviews.scoring import (
    DEFAULT_ACCIDENT_GATE,
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
            id=pk, code=code, a_code=a_code, points=points, veto=veto, extra_deduction=extra
        )
        for pk, code, a_code, points, veto, extra in Criterion.objects.filter(version=version)
        .order_by("position")
        .values_list("pk", "code", "a_element__code", "points", "is_veto", "extra_deduction")
    )
    spec = StandardSpec(
        grading=version.standard.grading,
        full_marks=version.full_marks,
        thresholds=dict(version.thresholds.values_list("grade", "min_score")),
        elements=elements,
        criteria=criteria,
    )
    if version.status != StandardVersion.Status.DRAFT:
        _published_specs[key] = spec
    return spec


def answers_for(assessment: Assessment) -> dict[int, Answer]:
    return {
        criterion_id: Answer(result, deduction or Decimal("0"))
        for criterion_id, result, deduction in assessment.rows.values_list(
            "criterion_id", "result", "deduction"
        )
    }


def accident_gate() -> dict[str, int]:
    return getattr(settings, "SCORING_ACCIDENT_GATE", DEFAULT_ACCIDENT_GATE)


def score_assessment(assessment: Assessment) -> ScoreResult:
    """The score of an assessment, as the scoring function computes it."""
    return score(
        spec_for_version(assessment.version),
        answers_for(assessment),
        deaths_last_year=assessment.deaths_last_year,
        accident_gate=accident_gate(),
    )
