"""The standard as plain data, the shape of the YAML file (docs/standard-format.md).

Both readers (YAML and Excel) produce it, the checks and the import take it,
and the exports write it: one structure, so a round trip can be compared.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from reviews.models import Criterion, Element, StandardVersion

TENTH = Decimal("0.1")
HEADER_KEYS = [
    "code",
    "name",
    "name_en",
    "grading",
    "regime",
    "industries",
    "scales",
    "description",
    "version",
    "effective_date",
    "full_marks",
    "thresholds",
    "element_minimums",
]
CRITERION_KEYS = [
    "code",
    "requirement",
    "method",
    "points",
    "veto",
    "guidance",
    "evidence",
    "extra_deduction",
    "extra_deduction_note",
    "extra_trigger",
    "veto_grades",
    "allow_na",
    "deduction_unit",
]
GRADE_ORDER = ["1", "2", "3", "pass"]


def normalise(value: Any) -> Any:
    """Make parsed values checkable: text keys, Decimal numbers (so "one decimal
    at most" is exact), ISO dates, stripped text."""
    if isinstance(value, dict):
        return {_key(key): normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(item) for item in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _key(key: Any) -> Any:
    # `1: 90` in thresholds is an int key in YAML; the format means the text "1".
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    return key


def tenth(value: Any) -> Decimal:
    try:
        return Decimal(str(value)).quantize(TENTH)
    except (InvalidOperation, ValueError):
        return Decimal("0")


def canonical(data: dict) -> dict:
    """Every field spelt out with its default, numbers to one decimal: two
    files with the same content give equal canonical data."""
    return {
        "code": data.get("code", ""),
        "name": data.get("name", ""),
        "name_en": data.get("name_en", ""),
        "grading": data.get("grading", ""),
        "regime": data.get("regime", ""),
        "industries": sorted(data.get("industries") or []),
        "scales": sorted(data.get("scales") or []),
        "description": data.get("description", ""),
        "version": str(data.get("version", "")),
        "effective_date": str(data.get("effective_date", "")),
        "full_marks": tenth(data.get("full_marks")),
        "thresholds": {
            grade: tenth(score) for grade, score in sorted((data.get("thresholds") or {}).items())
        },
        "element_minimums": {
            grade: tenth(share)
            for grade, share in sorted((data.get("element_minimums") or {}).items())
        },
        "elements": [_canonical_element(element) for element in data.get("elements") or []],
    }


def _canonical_element(element: dict) -> dict:
    return {
        "code": element.get("code", ""),
        "name": element.get("name", ""),
        "name_en": element.get("name_en", ""),
        "elements": [_canonical_element(child) for child in element.get("elements") or []],
        "criteria": [_canonical_criterion(c) for c in element.get("criteria") or []],
    }


def _canonical_criterion(criterion: dict) -> dict:
    return {
        "code": criterion.get("code", ""),
        "requirement": criterion.get("requirement", ""),
        "method": criterion.get("method", ""),
        "points": tenth(criterion.get("points")),
        "veto": bool(criterion.get("veto", False)),
        "guidance": criterion.get("guidance", ""),
        "evidence": criterion.get("evidence", ""),
        "extra_deduction": tenth(criterion.get("extra_deduction", 0)),
        "extra_deduction_note": criterion.get("extra_deduction_note", ""),
        "extra_trigger": criterion.get("extra_trigger", ""),
        "veto_grades": sorted(criterion.get("veto_grades") or []),
        "allow_na": bool(criterion.get("allow_na", True)),
        "deduction_unit": (
            None if criterion.get("deduction_unit") is None else tenth(criterion["deduction_unit"])
        ),
    }


def iter_criteria(data: dict):
    """(A element, B element or None, criterion) in file order."""
    for a in data.get("elements") or []:
        if not isinstance(a, dict):
            continue
        for criterion in a.get("criteria") or []:
            yield a, None, criterion
        for b in a.get("elements") or []:
            if isinstance(b, dict):
                for criterion in b.get("criteria") or []:
                    yield a, b, criterion


@dataclass(frozen=True)
class Summary:
    a_elements: int
    b_elements: int
    criteria: int
    veto_criteria: int
    extra_deductions: int
    full_marks: Decimal
    points_total: Decimal
    thresholds: list[tuple[str, Decimal]]


def summarise(data: dict) -> Summary:
    criteria = [c for _a, _b, c in iter_criteria(data)]
    thresholds = data.get("thresholds") or {}
    return Summary(
        a_elements=len(data.get("elements") or []),
        b_elements=sum(len(a.get("elements") or []) for a in data.get("elements") or []),
        criteria=len(criteria),
        veto_criteria=sum(1 for c in criteria if c.get("veto")),
        extra_deductions=sum(1 for c in criteria if tenth(c.get("extra_deduction", 0)) > 0),
        full_marks=tenth(data.get("full_marks")),
        points_total=sum((tenth(c.get("points")) for c in criteria), Decimal("0.0")),
        thresholds=[
            (grade, tenth(thresholds[grade])) for grade in GRADE_ORDER if grade in thresholds
        ],
    )


def _number(value: Decimal) -> Decimal | int:
    """4.0 → 4, 2.5 → 2.5: how a person writes points."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.normalize()


def version_data(version: StandardVersion) -> dict:
    """A stored version as file data (optional fields only when set)."""
    standard = version.standard
    data: dict[str, Any] = {"code": standard.code, "name": standard.name}
    if standard.name_en:
        data["name_en"] = standard.name_en
    data["grading"] = standard.grading
    data["regime"] = standard.regime
    data["industries"] = sorted(standard.industries.values_list("code", flat=True))
    data["scales"] = list(standard.scales or [])
    if standard.description:
        data["description"] = standard.description
    data["version"] = version.version
    data["effective_date"] = version.effective_date.isoformat()
    data["full_marks"] = _number(version.full_marks)
    stored = dict(version.thresholds.values_list("grade", "min_score"))
    data["thresholds"] = {grade: _number(stored[grade]) for grade in GRADE_ORDER if grade in stored}
    minimums: dict[str, Decimal] = {
        grade: percent
        for grade, percent in version.thresholds.values_list("grade", "min_element_percent")
        if percent is not None
    }
    if minimums:
        data["element_minimums"] = {
            grade: _number(minimums[grade]) for grade in GRADE_ORDER if grade in minimums
        }
    elements = list(Element.objects.filter(version=version).order_by("position", "pk"))
    by_id: dict[int, dict] = {}
    roots: list[dict] = []
    for element in elements:
        item: dict[str, Any] = {"code": element.code, "name": element.name}
        if element.name_en:
            item["name_en"] = element.name_en
        by_id[element.pk] = item
        if element.parent_id is None:
            roots.append(item)
        else:
            by_id[element.parent_id].setdefault("elements", []).append(item)
    for criterion in Criterion.objects.filter(version=version).order_by("position", "pk"):
        item = {
            "code": criterion.code,
            "requirement": criterion.requirement,
            "method": criterion.method,
            "points": _number(criterion.points),
        }
        if criterion.is_veto:
            item["veto"] = True
        if criterion.guidance:
            item["guidance"] = criterion.guidance
        if criterion.evidence:
            item["evidence"] = criterion.evidence
        if criterion.extra_deduction:
            item["extra_deduction"] = _number(criterion.extra_deduction)
        if criterion.extra_deduction_note:
            item["extra_deduction_note"] = criterion.extra_deduction_note
        if criterion.extra_trigger:
            item["extra_trigger"] = criterion.extra_trigger
        if criterion.veto_grades:
            item["veto_grades"] = list(criterion.veto_grades)
        if not criterion.allow_na:
            item["allow_na"] = False
        if criterion.deduction_unit is not None:
            item["deduction_unit"] = _number(criterion.deduction_unit)
        by_id[criterion.element_id].setdefault("criteria", []).append(item)
    data["elements"] = roots
    return data
