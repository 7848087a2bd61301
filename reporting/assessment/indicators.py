"""The indicator library: the values a computed indicator can read, each from the
frozen snapshot rows of the assessed unit (reporting/snapshots/).

A metric is a function of ``Figures`` (the unit's total row of the period, the
same row of the period before, and the unit's target rows) returning a number, or
None when the snapshot does not hold what it needs (the indicator then scores 0
and the report says the figure is missing). Rates are per cent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass
class Figures:
    current: Mapping[str, Any] = field(default_factory=dict)
    previous: Mapping[str, Any] = field(default_factory=dict)
    # target id -> {"population", "reached", "rate"}
    targets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _num(figures: Mapping[str, Any], name: str) -> float | None:
    value = figures.get(name)
    return None if value is None else float(value)


def _share(numerator: float | None, denominator: float | None, empty: float = 100.0):
    """numerator ÷ denominator in per cent; ``empty`` when nothing was due."""
    if numerator is None or denominator is None:
        return None
    return empty if denominator == 0 else 100.0 * numerator / denominator


def target_completion(f: Figures) -> float | None:
    """Enterprises that reached their target ÷ the targets' populations (all live targets)."""
    if not f.targets:
        return None
    population = sum(float(t.get("population") or 0) for t in f.targets.values())
    reached = sum(float(t.get("reached") or 0) for t in f.targets.values())
    return _share(reached, population)


def compliance_rate(f: Figures) -> float | None:
    return _num(f.current, "compliance.rate")


def compliance_rise(f: Figures) -> float | None:
    """Percentage points gained in 达标率 since the period before."""
    now, before = _num(f.current, "compliance.rate"), _num(f.previous, "compliance.rate")
    return None if now is None or before is None else now - before


def self_report_filing(f: Figures) -> float | None:
    return _share(_num(f.current, "hazards.reports_filed"), _num(f.current, "hazards.reports_due"))


def self_report_on_time(f: Figures) -> float | None:
    return _share(
        _num(f.current, "hazards.reports_on_time"), _num(f.current, "hazards.reports_due")
    )


def hazard_rectification(f: Figures) -> float | None:
    return _num(f.current, "hazards.rectification_rate")


def major_closed_on_time(f: Figures) -> float | None:
    """Major hazards closed ÷ (closed + open past their deadline)."""
    closed, overdue = (
        _num(f.current, "hazards.major_closed"),
        _num(f.current, "hazards.major_overdue"),
    )
    if closed is None or overdue is None:
        return None
    return _share(closed, closed + overdue)


def _live(figures: Mapping[str, Any]) -> float | None:
    parts = [_num(figures, f"compliance.live_{tier}") for tier in ("1", "2", "3", "pass")]
    return None if any(p is None for p in parts) else sum(p or 0 for p in parts)


def annual_self_assessment(f: Figures) -> float | None:
    """Live certificates without an overdue annual self-assessment ÷ live certificates."""
    live, overdue = _live(f.current), _num(f.current, "certificates.annual_overdue")
    if live is None or overdue is None:
        return None
    return _share(max(live - overdue, 0), live)


def renewals_missed(f: Figures) -> float | None:
    """Certificates expired in the period without a renewal (a count)."""
    return _num(f.current, "compliance.expired_unrenewed")


def spot_check_failures(f: Figures) -> float | None:
    return _num(f.current, "reviews.spot_checks_failed")


def revocations(f: Figures) -> float | None:
    return _num(f.current, "certificates.revoked")


def fatal_accidents(f: Figures) -> float | None:
    return _num(f.current, "accidents.fatal")


@dataclass(frozen=True)
class Metric:
    name: str
    label: Any
    compute: Callable[[Figures], float | None]
    unit: str = "%"  # "%", "pp" (percentage points) or "" (a count)


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("target_completion", _("Target completion rate"), target_completion),
        Metric("compliance_rate", _("Compliance rate (达标率)"), compliance_rate),
        Metric("compliance_rise", _("Rise in the compliance rate"), compliance_rise, "pp"),
        Metric("self_report_filing", _("Self-report filing rate"), self_report_filing),
        Metric("self_report_on_time", _("Self-report on-time rate"), self_report_on_time),
        Metric("hazard_rectification", _("Hazard rectification rate"), hazard_rectification),
        Metric("major_closed_on_time", _("Major hazards closed on time"), major_closed_on_time),
        Metric(
            "annual_self_assessment",
            _("Annual self-assessment completion"),
            annual_self_assessment,
        ),
        Metric("renewals_missed", _("Certificates expired without renewal"), renewals_missed, ""),
        Metric("spot_check_failures", _("Failed spot checks"), spot_check_failures, ""),
        Metric("revocations", _("Certificates revoked"), revocations, ""),
        Metric("fatal_accidents", _("Fatal accidents"), fatal_accidents, ""),
    )
}
