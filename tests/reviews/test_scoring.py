"""The scoring function against hand-computed golden cases (golden/scoring_cases.yaml)."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from reviews.accident_gate import DEFAULT_GATES
from reviews.scoring import AccidentRecord, Answer, improvements, score, spec_from_rows

CASES = yaml.safe_load((Path(__file__).parent / "golden" / "scoring_cases.yaml").read_text())


def answer(value):
    """[result, deduction, extra condition found, occurrences]"""
    return Answer(
        value[0],
        Decimal(str(value[1])) if len(value) > 1 else Decimal("0"),
        bool(value[2]) if len(value) > 2 else False,
        value[3] if len(value) > 3 else None,
    )


def run(case):
    spec = spec_from_rows(
        case["grading"],
        case["full_marks"],
        case["thresholds"],
        case["elements"],
        case["criteria"],
        case.get("element_minimums"),
    )
    answers = {int(cid): answer(value) for cid, value in case["answers"].items()}
    extra = {}
    if "accidents" in case:
        figures = dict(case["accidents"])
        if "direct_loss" in figures:
            figures["direct_loss"] = Decimal(str(figures["direct_loss"]))
        extra["accidents"] = AccidentRecord(**figures)
        extra["accident_gate"] = DEFAULT_GATES[case["regime"]]
    else:
        extra["deaths_last_year"] = case.get("deaths_last_year")
    return spec, answers, score(spec, answers, **extra)


def as_text(value):
    return None if value is None else str(value)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_golden_case(case):
    spec, answers, result = run(case)
    expect = case["expect"]
    for key in ("score", "earned", "due", "not_applicable_points", "points_to_next"):
        if key in expect:
            assert as_text(getattr(result, key)) == as_text(expect[key]), key
    for key in ("grade", "grade_by_score", "next_grade"):
        if key in expect:
            assert getattr(result, key) == (None if expect[key] is None else str(expect[key])), key
    for key in (
        "scorable",
        "reason",
        "capped_by_accidents",
        "failed_vetoes",
        "complete",
        "answered",
        "total",
    ):
        if key in expect:
            assert getattr(result, key) == expect[key], key
    elements = {e.code: e for e in result.elements}
    for code, earned in expect.get("elements", {}).items():
        assert elements[code].earned == Decimal(earned), code
    for code, extra in expect.get("extra_deducted", {}).items():
        assert elements[code].extra_deducted == Decimal(extra), code
    for code, passed in expect.get("passed", {}).items():
        assert elements[code].passed is passed, code
    if "shortfalls" in expect:
        found = [[item.element, item.grade] for item in result.element_shortfalls]
        assert found == expect["shortfalls"]
    if "accident_bars" in expect:
        assert result.accident_bars == expect["accident_bars"]
    if "improvements" in expect:
        found = [(i.code, str(i.points_gained)) for i in improvements(spec, answers)]
        assert found == [tuple(item) for item in expect["improvements"]]


def test_scores_use_decimal_not_float():
    _, _, result = run(CASES[0])
    assert isinstance(result.score, Decimal)
    assert result.as_dict()["score"] == "76.0"


def test_improvements_rank_the_biggest_gain_first():
    spec = spec_from_rows(
        "tiered",
        100,
        {"1": 90, "2": 75, "3": 60},
        [["1", "A"], ["2", "B"]],
        [[1, "1.1", "1", 20], [2, "1.2", "1", 30], [3, "2.1", "2", 50]],
    )
    answers = {
        1: Answer("partial", Decimal("5")),
        2: Answer("non_compliant"),
        3: Answer("partial", Decimal("12.5")),
    }
    found = improvements(spec, answers)
    assert [(i.code, i.points_gained) for i in found] == [
        ("1.2", Decimal("30")),
        ("2.1", Decimal("12.5")),
        ("1.1", Decimal("5")),
    ]


def test_a_custom_accident_gate_is_honoured():
    spec = spec_from_rows(
        "tiered", 100, {"1": 90, "2": 75, "3": 60}, [["1", "A"]], [[1, "1.1", "1", 100]]
    )
    result = score(
        spec, {1: Answer("compliant")}, deaths_last_year=1, accident_gate={"1": 1, "2": 1, "3": 2}
    )
    assert result.grade == "1"
