"""Scores of a scheme's indicators: one pure function per rule, no database.

Rules (``Indicator.rule``):

- ``{"type": "linear", "zero": a, "full": b}``: full weight at b or better, nothing
  at a or worse, in proportion between (b < a for "lower is better");
- ``{"type": "deduct", "per": p}``: the weight less p points per unit counted, never
  below 0 (spot-check failures, revocations, fatal accidents);
- manual indicators: the score the assessing office entered (0 … weight).

A computed indicator whose figure is missing from the snapshot scores 0. Scores are
rounded half up to two decimals, the total is the sum of the rounded scores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reporting.assessment.indicators import METRICS, Figures

RULES = ("linear", "deduct")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    section: str
    kind: str  # "computed" or "manual"
    weight: Decimal
    metric: str = ""
    rule: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Scored:
    code: str
    name: str
    section: str
    kind: str
    weight: Decimal
    value: float | None  # the metric's value (computed) or None
    score: Decimal


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rule_score(rule: Mapping[str, Any], weight: Decimal, value: float | None) -> Decimal:
    if value is None:
        return Decimal("0.00")
    number = Decimal(str(value))
    if rule["type"] == "linear":
        zero, full = Decimal(str(rule["zero"])), Decimal(str(rule["full"]))
        share = (number - zero) / (full - zero)
        share = min(max(share, Decimal(0)), Decimal(1))
        return _round(weight * share)
    if rule["type"] == "deduct":
        return _round(max(weight - Decimal(str(rule["per"])) * number, Decimal(0)))
    raise ValueError(rule["type"])


def score(
    indicators: Iterable[IndicatorSpec],
    figures: Figures,
    manual: Mapping[str, Decimal] | None = None,
) -> tuple[list[Scored], Decimal]:
    """Each indicator's value and score, and the total."""
    manual = manual or {}
    rows: list[Scored] = []
    for spec in indicators:
        if spec.kind == "manual":
            entered = manual.get(spec.code)
            value = None
            points = (
                _round(min(max(entered, Decimal(0)), spec.weight))
                if entered is not None
                else Decimal("0.00")
            )
        else:
            value = METRICS[spec.metric].compute(figures)
            points = rule_score(spec.rule or {}, spec.weight, value)
        rows.append(
            Scored(spec.code, spec.name, spec.section, spec.kind, spec.weight, value, points)
        )
    return rows, sum((r.score for r in rows), Decimal("0.00"))


def rank(totals: Mapping[str, Decimal]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; ties share a rank."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ranks: dict[str, int] = {}
    for position, (key, total) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        ranks[key] = ranks[previous[0]] if previous and previous[1] == total else position
    return ranks
