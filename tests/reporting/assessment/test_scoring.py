"""Scores of the hand-built scheme (tests/reporting/assessment/world.py) computed by
the pure scoring function, and the schemes refused with a message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from reporting.assessment import schemes, scoring
from reporting.assessment.indicators import Figures
from reporting.assessment.models import Indicator, Scheme
from tests.reporting.assessment.world import SCHEME, figures

pytestmark = pytest.mark.django_db


def _specs():
    return schemes.check(SCHEME)


@pytest.mark.parametrize(
    ("values", "manual", "scores", "total"),
    [
        ((60.0, 80.0, 0), {}, ["8.00", "0.00", "20.00", "0.00"], "28.00"),
        ((70.0, 90.0, 0), {}, ["16.00", "15.00", "20.00", "0.00"], "51.00"),
        ((80.0, 95.0, 1), {}, ["24.00", "22.50", "15.00", "0.00"], "61.50"),
        ((90.0, 85.0, 0), {"training": Decimal("8")}, ["32.00", "7.50", "20.00", "8.00"], "67.50"),
        # Beyond the rule's ends: full weight, nothing, never below 0.
        (
            (100.0, 70.0, 9),
            {"training": Decimal("12")},
            ["40.00", "0.00", "0.00", "10.00"],
            "50.00",
        ),
    ],
)
def test_scores_equal_the_hand_computed_ones(values, manual, scores, total):
    rows, got = scoring.score(_specs(), Figures(figures(*values)), manual)
    assert [str(r.score) for r in rows] == scores
    assert str(got) == total


def test_a_missing_figure_scores_nothing():
    rows, total = scoring.score(_specs(), Figures({"compliance.rate": 75.0}))
    assert [str(r.score) for r in rows] == ["20.00", "0.00", "0.00", "0.00"]
    assert rows[1].value is None
    assert total == Decimal("20.00")


def test_ties_share_a_rank():
    assert scoring.rank(
        {"a": Decimal(80), "b": Decimal(90), "c": Decimal(80), "d": Decimal(1)}
    ) == {
        "b": 1,
        "a": 2,
        "c": 2,
        "d": 4,
    }


def test_the_shipped_example_schemes_add_up_and_are_labelled_as_the_portals_example():
    shipped = Scheme.objects.filter(is_example=True, year=2026)
    assert {s.level for s in shipped} == {"city", "district"}
    for scheme in shipped:
        assert sum(i.weight for i in scheme.indicators.all()) == Decimal(100)
        assert "示例" in scheme.title
        assert {i.kind for i in scheme.indicators.all()} == {"computed", "manual"}


def _bad(change):
    definition = {"title": "方案", "indicators": [dict(i) for i in SCHEME["indicators"]]}
    change(definition["indicators"])
    return definition


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows[0].update(weight=45), "The weights add up to 105, not 100."),
        (
            lambda rows: rows[0].update(metric="compliance_magic"),
            "Indicator rate: unknown metric compliance_magic.",
        ),
        (lambda rows: rows[1].update(code="rate"), "The code rate is used twice."),
        (
            lambda rows: rows[2].update(rule={"type": "deduct", "per": 0}),
            "Indicator spot: a deduct rule needs points per unit above 0.",
        ),
        (
            lambda rows: rows[0].update(rule={"type": "linear", "zero": 5, "full": 5}),
            "Indicator rate: a linear rule needs two different numbers, zero and full.",
        ),
        (
            lambda rows: rows[0].update(section="elsewhere"),
            "Indicator rate: unknown section elsewhere.",
        ),
    ],
)
def test_a_bad_scheme_is_refused_with_its_problem_and_nothing_is_saved(cast, change, message):
    before = (Scheme.objects.count(), Indicator.objects.count())
    with translation.override("en"), pytest.raises(schemes.SchemeError) as refused:
        schemes.create_scheme(
            actor=cast.city, year=2030, level="city", region=None, definition=_bad(change)
        )
    with translation.override("en"):
        assert message in refused.value.problems
    assert (Scheme.objects.count(), Indicator.objects.count()) == before


def test_a_second_scheme_for_the_same_year_and_level_is_refused(cast):
    schemes.create_scheme(actor=cast.city, year=2030, level="city", region=None, definition=SCHEME)
    with translation.override("en"), pytest.raises(schemes.SchemeError) as refused:
        schemes.create_scheme(
            actor=cast.city, year=2030, level="city", region=None, definition=SCHEME
        )
    with translation.override("en"):
        assert refused.value.problems == ["A scheme for that year and level exists already."]
    assert Scheme.objects.filter(year=2030).count() == 1
