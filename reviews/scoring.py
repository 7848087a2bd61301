"""The one scoring function. Pages, API, PDFs and reports all call ``score``.

Rules (domain.md §3):

1. A criterion earns its points, less its deduction (never below zero);
   not compliant earns nothing; not applicable leaves the denominator.
2. 追加扣除: a criterion that loses all its points triggers its extra
   deduction, taken within its A element; an element never goes below zero.
3. score = earned ÷ (full marks − points not applicable) × 100, rounded half
   up to one decimal (Decimal, never float); thresholds compare the rounded
   score, as the published score is the rounded one.
4. The grade is the highest whose threshold is met; none if a veto criterion
   fails; and no higher than the accident record allows (the lower wins).
5. Post standards (岗位达标) pass when every post (A element) passes.

The function is pure: it takes plain data (see ``spec_for_version`` in
reviews/scoring_data.py) and returns plain data, so it can be tested by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal("0")
HUNDRED = Decimal("100")
TENTH = Decimal("0.1")

COMPLIANT, PARTIAL, NON_COMPLIANT, NOT_APPLICABLE = "compliant", "partial", "non_compliant", "na"
PASS = "pass"
TIERED, SMALL_MICRO, POST = "tiered", "small_micro", "post"

# Highest deaths in the year before that still allow a grade (domain.md §3.4,
# 84号). Not confirmed for the 2021 rules, so settings may override it.
DEFAULT_ACCIDENT_GATE = {"1": 0, "2": 1, "3": 2, PASS: 2}


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    code: str
    a_code: str
    points: Decimal
    veto: bool = False
    extra_deduction: Decimal = ZERO


@dataclass(frozen=True)
class ElementSpec:
    code: str
    name: str


@dataclass(frozen=True)
class StandardSpec:
    grading: str
    full_marks: Decimal
    thresholds: Mapping[str, Decimal]  # grade → minimum score out of 100
    elements: tuple[ElementSpec, ...]  # A elements (posts), in order
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True)
class Answer:
    result: str = ""  # "" while unanswered
    deduction: Decimal = ZERO


@dataclass
class ElementScore:
    code: str
    name: str
    due: Decimal = ZERO
    earned: Decimal = ZERO
    extra_deducted: Decimal = ZERO
    answered: int = 0
    total: int = 0
    percent: Decimal | None = None
    passed: bool | None = None  # post standards only


@dataclass
class ScoreResult:
    scorable: bool
    reason: str = ""
    score: Decimal | None = None
    due: Decimal = ZERO
    earned: Decimal = ZERO
    not_applicable_points: Decimal = ZERO
    grade: str | None = None
    grade_by_score: str | None = None
    failed_vetoes: list[str] = field(default_factory=list)
    capped_by_accidents: bool = False
    answered: int = 0
    total: int = 0
    elements: list[ElementScore] = field(default_factory=list)
    next_grade: str | None = None
    points_to_next: Decimal | None = None  # raw points to gain for next_grade

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["complete"] = self.complete
        return {key: _jsonable(item) for key, item in data.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def round_score(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def criterion_earned(criterion: CriterionSpec, answer: Answer) -> Decimal | None:
    """Points earned, or None when the criterion does not apply."""
    if answer.result == NOT_APPLICABLE:
        return None
    if answer.result == COMPLIANT:
        return criterion.points
    if answer.result == PARTIAL:
        return criterion.points - min(max(answer.deduction, ZERO), criterion.points)
    return ZERO  # not compliant, or not yet answered


def _grade_order(spec: StandardSpec) -> list[str]:
    """Grades from the best to the lowest."""
    return sorted(spec.thresholds, key=lambda grade: spec.thresholds[grade], reverse=True)


def score(
    spec: StandardSpec,
    answers: Mapping[int, Answer],
    *,
    deaths_last_year: int | None = None,
    accident_gate: Mapping[str, int] | None = None,
) -> ScoreResult:
    gate = DEFAULT_ACCIDENT_GATE if accident_gate is None else accident_gate
    blank = Answer()
    elements = {e.code: ElementScore(code=e.code, name=e.name) for e in spec.elements}
    result = ScoreResult(scorable=True, total=len(spec.criteria))
    for criterion in spec.criteria:
        answer = answers.get(criterion.id, blank)
        element = elements[criterion.a_code]
        element.total += 1
        if answer.result:
            element.answered += 1
            result.answered += 1
        earned = criterion_earned(criterion, answer)
        if earned is None:
            result.not_applicable_points += criterion.points
            continue
        element.due += criterion.points
        element.earned += earned
        if answer.result and earned == ZERO and criterion.extra_deduction:
            element.extra_deducted += criterion.extra_deduction
        if criterion.veto and answer.result == NON_COMPLIANT:
            result.failed_vetoes.append(criterion.code)
    for element in elements.values():
        element.earned = max(ZERO, element.earned - element.extra_deducted)
        if element.due:
            element.percent = round_score(element.earned * HUNDRED / element.due)
    result.elements = list(elements.values())
    result.due = spec.full_marks - result.not_applicable_points
    result.earned = sum((e.earned for e in result.elements), ZERO)
    if result.due <= ZERO:
        result.scorable = False
        result.reason = "all_not_applicable"
        return result
    result.score = rounded = round_score(result.earned * HUNDRED / result.due)
    _grade(spec, result, rounded, deaths_last_year, gate)
    return result


def _grade(
    spec: StandardSpec,
    result: ScoreResult,
    rounded: Decimal,
    deaths: int | None,
    gate: Mapping[str, int],
) -> None:
    order = _grade_order(spec)
    met = [g for g in order if rounded >= spec.thresholds[g]]
    if spec.grading == POST:
        posts = [e for e in result.elements if e.percent is not None]
        threshold = spec.thresholds[PASS]
        for post in posts:
            post.passed = post.percent is not None and post.percent >= threshold
        met = [PASS] if posts and all(post.passed for post in posts) else []
    result.grade_by_score = met[0] if met else None
    allowed = met
    if result.failed_vetoes:
        allowed = []
    uncapped = allowed[0] if allowed else None
    if deaths is not None:
        allowed = [g for g in allowed if deaths <= gate.get(g, deaths)]
    result.grade = allowed[0] if allowed else None
    result.capped_by_accidents = uncapped is not None and result.grade != uncapped
    # The next grade up from where the score stands, and the points it needs.
    if spec.grading != POST:
        better = [
            g
            for g in order
            if result.grade_by_score is None
            or spec.thresholds[g] > spec.thresholds[result.grade_by_score]
        ]
        if better:
            target = better[-1]
            result.next_grade = target
            needed = _points_for(spec.thresholds[target], result.due) - result.earned
            result.points_to_next = max(needed, ZERO)


def _points_for(threshold: Decimal, due: Decimal) -> Decimal:
    """The least earned points whose rounded score meets the threshold."""
    # rounded ≥ t  ⟺  raw ≥ t − 0.05
    return ((threshold - Decimal("0.05")) * due / HUNDRED).quantize(TENTH, rounding="ROUND_CEILING")


@dataclass(frozen=True)
class Improvement:
    criterion_id: int
    code: str
    points_gained: Decimal  # raw points the total would gain
    score_gain: Decimal  # on the 100-point scale, unrounded to 0.01


def improvements(
    spec: StandardSpec, answers: Mapping[int, Answer], *, limit: int = 10
) -> list[Improvement]:
    """The criteria whose full compliance would raise the score most.

    Exact within the rules: fixing a criterion also lifts its extra
    deduction, but an element's gain stops at what it can still earn.
    """
    blank = Answer()
    raw: dict[str, Decimal] = {}
    extra: dict[str, Decimal] = {}
    due = spec.full_marks
    for criterion in spec.criteria:
        answer = answers.get(criterion.id, blank)
        earned = criterion_earned(criterion, answer)
        if earned is None:
            due -= criterion.points
            continue
        raw[criterion.a_code] = raw.get(criterion.a_code, ZERO) + earned
        if answer.result and earned == ZERO and criterion.extra_deduction:
            extra[criterion.a_code] = extra.get(criterion.a_code, ZERO) + criterion.extra_deduction
    if due <= ZERO:
        return []
    found: list[Improvement] = []
    for criterion in spec.criteria:
        answer = answers.get(criterion.id, blank)
        earned = criterion_earned(criterion, answer)
        if earned is None or earned == criterion.points:
            continue
        code = criterion.a_code
        before = max(ZERO, raw[code] - extra.get(code, ZERO))
        extra_after = extra.get(code, ZERO)
        if answer.result and earned == ZERO:
            extra_after -= criterion.extra_deduction
        after = max(ZERO, raw[code] + criterion.points - earned - extra_after)
        gain = after - before
        if gain > ZERO:
            found.append(
                Improvement(
                    criterion.id,
                    criterion.code,
                    gain,
                    (gain * HUNDRED / due).quantize(Decimal("0.01")),
                )
            )
    found.sort(key=lambda item: (-item.points_gained, item.code))
    return found[:limit]


def spec_from_rows(
    grading: str,
    full_marks: object,
    thresholds: Mapping[str, object],
    elements: Iterable[tuple[str, str]],
    criteria: Iterable[tuple[Any, ...]],
) -> StandardSpec:
    """Build a spec from plain tuples; used by tests and golden files."""
    return StandardSpec(
        grading=grading,
        full_marks=Decimal(str(full_marks)),
        thresholds={grade: Decimal(str(value)) for grade, value in thresholds.items()},
        elements=tuple(ElementSpec(code, name) for code, name in elements),
        criteria=tuple(
            CriterionSpec(
                id=row[0],
                code=row[1],
                a_code=row[2],
                points=Decimal(str(row[3])),
                veto=bool(row[4]) if len(row) > 4 else False,
                extra_deduction=Decimal(str(row[5])) if len(row) > 5 else ZERO,
            )
            for row in criteria
        ),
    )
