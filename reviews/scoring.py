"""The one scoring function. Pages, API, PDFs and reports all call ``score``.

Rules (domain.md §3):

1. A criterion earns its points, less its deduction, capped at its points
   ("扣完为止，不得出现负分"); an itemised deduction is occurrences × the
   criterion's unit ("每…扣N分"), capped the same way. Not compliant earns
   nothing; not applicable leaves the denominator.
2. 追加扣除 is taken within the A element (an element never goes below
   zero), and only on its trigger: ``full_deduction`` ("扣满…的") when the
   criterion's own deductions reach its points, ``condition`` when the
   assessor ticked that the stated finding holds (e.g. "主要负责人未按规定
   履行职责的").
3. score = earned ÷ (full marks − points not applicable) × 100, rounded half
   up to one decimal (Decimal, never float); thresholds compare the rounded
   score, as the published score is the rounded one.
4. The grade is the highest whose threshold is met and that nothing bars: a
   failed veto bars its ``veto_grades`` (all grades when none are named); an A
   element below the standard's minimum share for a grade bars that grade;
   the accident record bars the grades its regime's gate does not allow
   (reviews/accident_gate.py). The lowest wins ("取最低的等级").
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

FULL_DEDUCTION, CONDITION = "full_deduction", "condition"

# Highest deaths in the year before that still allow a grade (domain.md §3.4,
# 84号); the gates of every regime are in reviews/accident_gate.py.
DEFAULT_ACCIDENT_GATE = {"1": 0, "2": 1, "3": 2, PASS: 2}
# The figures a gate limits, as they are named in results and messages.
DEATHS, SERIOUS_INJURIES, DIRECT_LOSS, GROUP_SHARE = (
    "deaths",
    "serious_injuries",
    "direct_loss",
    "group_share",
)


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    code: str
    a_code: str
    points: Decimal
    veto: bool = False
    extra_deduction: Decimal = ZERO
    # "" with an extra deduction acts as full_deduction (files older than triggers).
    extra_trigger: str = ""
    veto_grades: tuple[str, ...] = ()  # empty: a failed veto bars every grade
    allow_na: bool = True
    deduction_unit: Decimal | None = None  # per occurrence, for itemised deductions


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
    # grade → the least percent of its applicable points every A element must earn
    element_minimums: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    result: str = ""  # "" while unanswered
    deduction: Decimal = ZERO
    extra_condition: bool = False  # 追加扣除情形成立
    occurrences: int | None = None  # itemised: occurrences × the criterion's unit


@dataclass(frozen=True)
class AccidentRecord:
    """Accidents in the window the gate looks at (the year before applying,
    and since). ``direct_loss`` is in 10,000 yuan, as recorded. A group
    application also counts its members and those with a fatal accident."""

    deaths: int = 0
    serious_injuries: int = 0
    direct_loss: Decimal = ZERO
    group_members: int | None = None
    group_members_fatal: int = 0


def accident_bars(record: AccidentRecord, limits: Mapping[str, Any] | int | None) -> list[str]:
    """The figures of the record that a grade's limits do not allow.

    Limits: ``deaths`` and ``serious_injuries`` are the most allowed,
    ``direct_loss`` the loss that bars ("…万元及以上"), ``group_share`` the
    least percent of a group's members without a fatal accident. A plain
    number is the most deaths allowed (the 84号 table).
    """
    if limits is None:
        return []
    if isinstance(limits, int):
        limits = {DEATHS: limits}
    bars = []
    if limits.get(DEATHS) is not None and record.deaths > int(limits[DEATHS]):
        bars.append(DEATHS)
    injuries = limits.get(SERIOUS_INJURIES)
    if injuries is not None and record.serious_injuries > int(injuries):
        bars.append(SERIOUS_INJURIES)
    loss = limits.get(DIRECT_LOSS)
    if loss is not None and record.direct_loss >= Decimal(str(loss)):
        bars.append(DIRECT_LOSS)
    share = limits.get(GROUP_SHARE)
    if share is not None and record.group_members:
        without = record.group_members - record.group_members_fatal
        if without * HUNDRED < Decimal(str(share)) * record.group_members:
            bars.append(GROUP_SHARE)
    return bars


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
class ElementShortfall:
    """An A element below the share of its points a grade requires."""

    element: str
    name: str
    grade: str
    percent: Decimal
    minimum: Decimal


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
    # failed veto → the grades it bars (empty list: every grade)
    veto_grades: dict[str, list[str]] = field(default_factory=dict)
    element_shortfalls: list[ElementShortfall] = field(default_factory=list)
    capped_by_accidents: bool = False
    grade_before_accidents: str | None = None
    # grade reached by the score → the accident figures that bar it
    accident_bars: dict[str, list[str]] = field(default_factory=dict)
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


def deduction_of(criterion: CriterionSpec, answer: Answer) -> Decimal:
    """The points a partly compliant answer loses, capped at the criterion's points."""
    amount = answer.deduction
    if answer.occurrences is not None and criterion.deduction_unit:
        amount = criterion.deduction_unit * answer.occurrences
    return min(max(amount, ZERO), criterion.points)


def criterion_earned(criterion: CriterionSpec, answer: Answer) -> Decimal | None:
    """Points earned, or None when the criterion does not apply."""
    if answer.result == NOT_APPLICABLE:
        return None
    if answer.result == COMPLIANT:
        return criterion.points
    if answer.result == PARTIAL:
        return criterion.points - deduction_of(criterion, answer)
    return ZERO  # not compliant, or not yet answered


def extra_applies(criterion: CriterionSpec, answer: Answer, earned: Decimal | None) -> bool:
    """Whether the criterion's 追加扣除 is taken: only on a finding against it,
    and then on its own trigger."""
    if not criterion.extra_deduction or answer.result not in (PARTIAL, NON_COMPLIANT):
        return False
    if criterion.extra_trigger == CONDITION:
        return answer.extra_condition
    return earned == ZERO


def _grade_order(spec: StandardSpec) -> list[str]:
    """Grades from the best to the lowest."""
    return sorted(spec.thresholds, key=lambda grade: spec.thresholds[grade], reverse=True)


def score(
    spec: StandardSpec,
    answers: Mapping[int, Answer],
    *,
    deaths_last_year: int | None = None,
    accident_gate: Mapping[str, Any] | None = None,
    accidents: AccidentRecord | None = None,
) -> ScoreResult:
    """``accidents`` (or just ``deaths_last_year``) is checked against
    ``accident_gate``: grade → limits (see ``accident_bars``)."""
    gate = DEFAULT_ACCIDENT_GATE if accident_gate is None else accident_gate
    if accidents is None and deaths_last_year is not None:
        accidents = AccidentRecord(deaths=deaths_last_year)
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
        if extra_applies(criterion, answer, earned):
            element.extra_deducted += criterion.extra_deduction
        if criterion.veto and answer.result == NON_COMPLIANT:
            result.failed_vetoes.append(criterion.code)
            result.veto_grades[criterion.code] = list(criterion.veto_grades)
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
    _grade(spec, result, rounded, accidents, gate)
    return result


def _shortfalls(spec: StandardSpec, result: ScoreResult, grade: str) -> list[ElementShortfall]:
    minimum = spec.element_minimums.get(grade)
    if minimum is None:
        return []
    return [
        ElementShortfall(e.code, e.name, grade, e.percent, minimum)
        for e in result.elements
        if e.percent is not None and e.percent < minimum
    ]


def _grade(
    spec: StandardSpec,
    result: ScoreResult,
    rounded: Decimal,
    accidents: AccidentRecord | None,
    gate: Mapping[str, Any],
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
    barred = {
        grade for grades in result.veto_grades.values() for grade in (grades or spec.thresholds)
    }
    allowed = [g for g in met if g not in barred]
    for grade in allowed:
        result.element_shortfalls += _shortfalls(spec, result, grade)
    short = {item.grade for item in result.element_shortfalls}
    allowed = [g for g in allowed if g not in short]
    uncapped = result.grade_before_accidents = allowed[0] if allowed else None
    if accidents is not None:
        for grade in allowed:
            bars = accident_bars(accidents, gate.get(grade))
            if bars:
                result.accident_bars[grade] = bars
        allowed = [g for g in allowed if g not in result.accident_bars]
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
    # The criteria short of their points, each with its earned points and whether its
    # extra deduction is taken: the second pass looks at these alone.
    short: list[tuple[CriterionSpec, Decimal, bool]] = []
    for criterion in spec.criteria:
        answer = answers.get(criterion.id, blank)
        earned = criterion_earned(criterion, answer)
        if earned is None:
            due -= criterion.points
            continue
        raw[criterion.a_code] = raw.get(criterion.a_code, ZERO) + earned
        taken = extra_applies(criterion, answer, earned)
        if taken:
            extra[criterion.a_code] = extra.get(criterion.a_code, ZERO) + criterion.extra_deduction
        if earned != criterion.points:
            short.append((criterion, earned, taken))
    if due <= ZERO:
        return []
    found: list[Improvement] = []
    for criterion, earned, taken in short:
        code = criterion.a_code
        before = max(ZERO, raw[code] - extra.get(code, ZERO))
        extra_after = extra.get(code, ZERO)
        if taken:
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
    element_minimums: Mapping[str, object] | None = None,
) -> StandardSpec:
    """Build a spec from plain tuples; used by tests and golden files.

    A criterion row: id, code, A code, points, [veto, [extra deduction,
    [options]]], options being a mapping of trigger, veto_grades, allow_na
    and unit."""
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
                **_options(row[6] if len(row) > 6 else {}),
            )
            for row in criteria
        ),
        element_minimums={
            grade: Decimal(str(value)) for grade, value in (element_minimums or {}).items()
        },
    )


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    unit = options.get("unit")
    return {
        "extra_trigger": options.get("trigger", ""),
        "veto_grades": tuple(str(grade) for grade in options.get("veto_grades") or ()),
        "allow_na": bool(options.get("allow_na", True)),
        "deduction_unit": None if unit is None else Decimal(str(unit)),
    }
