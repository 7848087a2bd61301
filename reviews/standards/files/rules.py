"""The rules of docs/standard-format.md that a schema cannot express.

They run on data that may also have schema errors, so every access is
defensive: a rule checks what is there and leaves the rest to the schema.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from portal.models import Industry
from reviews.standards.files.data import tenth
from reviews.standards.files.problems import Locator, Path, Problem, context_for

TIERED_GRADES = ["1", "2", "3"]
PASS_GRADES = ["pass"]
SCALES = ["above", "below", "small_micro"]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool) and value > 0


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _items(value: Any) -> list[tuple[int, dict]]:
    return (
        [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


class _Checker:
    def __init__(self, data: dict, file: str, locator: Locator):
        self.data = data
        self.file = file
        self.locator = locator
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        self.problems.append(
            Problem(
                message=message,
                file=self.file,
                path=path,
                location=self.locator.locate(path),
                context=context_for(self.data, path),
            )
        )


def rule_problems(data: Any, *, file: str, locator: Locator) -> list[Problem]:
    if not isinstance(data, dict):
        return []
    check = _Checker(data, file, locator)
    _check_tree(check)
    _check_thresholds(check)
    _check_industries_and_scales(check)
    return check.problems


def _check_tree(check: _Checker) -> None:
    element_codes: dict[str, Path] = {}
    criterion_codes: dict[str, Path] = {}
    total = Decimal("0")
    totals_known = True

    def unique(code: Any, path: Path, seen: dict[str, Path], what: str) -> None:
        if not _text(code):
            return
        if code in seen:
            first = check.locator.locate(seen[code])
            where = (
                _("line %(line)d") % {"line": first.line}
                if first.line is not None
                else _("row %(row)d") % {"row": first.row}
                if first.row is not None
                else ""
            )
            check.add(
                path + ("code",),
                (
                    _(
                        "The %(what)s code “%(code)s” is used twice (first at %(where)s); codes "
                        "must be unique within the version."
                    )
                    if where
                    else _(
                        "The %(what)s code “%(code)s” is used twice; codes must be unique within "
                        "the version."
                    )
                )
                % {"what": what, "code": code, "where": where},
            )
        else:
            seen[code] = path

    def prefix(code: Any, parent_code: Any, path: Path, what: str) -> None:
        if _text(code) and _text(parent_code) and not code.startswith(parent_code):
            check.add(
                path + ("code",),
                _(
                    "The %(what)s code “%(code)s” must start with the code of its element "
                    "“%(parent)s”."
                )
                % {"what": what, "code": code, "parent": parent_code},
            )

    def criteria(owner: dict, owner_path: Path) -> int:
        nonlocal total, totals_known
        count = 0
        for k, criterion in _items(owner.get("criteria")):
            path = owner_path + ("criteria", k)
            count += 1
            unique(criterion.get("code"), path, criterion_codes, _("criterion"))
            prefix(criterion.get("code"), owner.get("code"), path, _("criterion"))
            points = criterion.get("points")
            if _is_number(points) and tenth(points) == points:
                total += Decimal(points)
            else:
                totals_known = False
            extra, note = criterion.get("extra_deduction"), criterion.get("extra_deduction_note")
            if _text(note) and not _is_number(extra):
                check.add(
                    path + ("extra_deduction",),
                    _(
                        "The criterion has an extra-deduction rule but no extra_deduction points; "
                        "give the points the rule takes."
                    ),
                )
            _check_criterion_options(check, criterion, path)
        return count

    for i, a in _items(check.data.get("elements")):
        a_path: Path = ("elements", i)
        unique(a.get("code"), a_path, element_codes, _("element"))
        count = criteria(a, a_path)
        for j, b in _items(a.get("elements")):
            b_path = a_path + ("elements", j)
            unique(b.get("code"), b_path, element_codes, _("element"))
            prefix(b.get("code"), a.get("code"), b_path, _("B element"))
            b_count = criteria(b, b_path)
            count += b_count
            # An empty or missing criteria list of a B element is a schema error.
        if count == 0 and "elements" not in a and "criteria" not in a:
            check.add(
                a_path,
                _(
                    "The element has no criteria; give it B elements with "
                    "criteria, or criteria directly."
                ),
            )

    full_marks = check.data.get("full_marks")
    if totals_known and _is_number(full_marks) and tenth(total) != tenth(full_marks):
        check.add(
            ("full_marks",),
            _(
                "Full marks are %(full)s but the criteria's points add up to %(total)s; they must "
                "be equal."
            )
            % {"full": tenth(full_marks), "total": tenth(total)},
        )


def _check_criterion_options(check: _Checker, criterion: dict, path: Path) -> None:
    extra, trigger = criterion.get("extra_deduction"), criterion.get("extra_trigger")
    if _is_number(extra) and not _text(trigger):
        check.add(
            path + ("extra_trigger",),
            _(
                "The criterion has an extra deduction but no extra_trigger; give "
                "full_deduction (taken when its deductions reach its points, “扣满…的”) or "
                "condition (taken when the assessor finds the stated condition)."
            ),
        )
    if _text(trigger) and not _is_number(extra):
        check.add(
            path + ("extra_trigger",),
            _("The criterion has an extra_trigger but no extra_deduction points."),
        )
    if criterion.get("veto_grades") and criterion.get("veto") is not True:
        check.add(
            path + ("veto_grades",),
            _("Only a veto criterion (veto: true) bars grades; remove veto_grades or add veto."),
        )
    grades = check.data.get("thresholds")
    for index, grade in enumerate(criterion.get("veto_grades") or []):
        if isinstance(grades, dict) and isinstance(grade, str) and grade not in grades:
            check.add(
                path + ("veto_grades", index),
                _("The standard has no threshold for the grade “%(grade)s”.") % {"grade": grade},
            )
    unit, points = criterion.get("deduction_unit"), criterion.get("points")
    if _is_number(unit) and _is_number(points) and unit > points:  # type: ignore[operator]
        check.add(
            path + ("deduction_unit",),
            _("The deduction per occurrence (%(unit)s) is more than the criterion's points.")
            % {"unit": unit},
        )


def _check_thresholds(check: _Checker) -> None:
    thresholds = check.data.get("thresholds")
    grading = check.data.get("grading")
    if not isinstance(thresholds, dict) or grading not in ("tiered", "small_micro", "post"):
        return
    allowed = TIERED_GRADES if grading == "tiered" else PASS_GRADES
    for grade in thresholds:
        if grade not in allowed and grade in TIERED_GRADES + PASS_GRADES:
            if grading == "tiered":
                message = _(
                    "A tiered standard gives thresholds for the levels “1”, “2” and "
                    "“3”, not “%(grade)s”."
                ) % {"grade": grade}
            else:
                message = _(
                    "A pass-or-fail standard (grading: %(grading)s) has one threshold, "
                    "“pass”; “%(grade)s” does not apply."
                ) % {"grading": grading, "grade": grade}
            check.add(("thresholds", grade), message)
    minimums = check.data.get("element_minimums")
    if isinstance(minimums, dict):
        for grade in minimums:
            if grade not in thresholds:
                check.add(
                    ("element_minimums", grade),
                    _("The standard has no threshold for the grade “%(grade)s”.")
                    % {"grade": grade},
                )
    if grading != "tiered" and "pass" not in thresholds:
        check.add(("thresholds",), _("Give the pass mark as thresholds: pass."))
    # Level 1 is the highest: each level needs a higher score than the next.
    given = [
        (g, thresholds[g])
        for g in TIERED_GRADES
        if g in thresholds
        and isinstance(thresholds[g], int | Decimal)
        and not isinstance(thresholds[g], bool)
    ]
    for (higher, high), (lower, low) in zip(given, given[1:], strict=False):
        if not high > low:
            check.add(
                ("thresholds", lower),
                _(
                    "Level %(lower)s needs %(low)s but level %(higher)s needs %(high)s; each level "
                    "must need less than the one above it."
                )
                % {"lower": lower, "low": low, "higher": higher, "high": high},
            )


def _check_industries_and_scales(check: _Checker) -> None:
    industries = check.data.get("industries")
    if isinstance(industries, list):
        codes = [code for code in industries if isinstance(code, str)]
        known = set(Industry.objects.filter(code__in=codes).values_list("code", flat=True))
        for index, code in enumerate(industries):
            if isinstance(code, str) and code and code not in known:
                check.add(
                    ("industries", index),
                    _(
                        "Unknown industry “%(code)s”; use the industry codes of the portal, e.g. "
                        "%(examples)s."
                    )
                    % {
                        "code": code,
                        "examples": ", ".join(
                            Industry.objects.order_by("sort_order").values_list("code", flat=True)[
                                :6
                            ]
                        ),
                    },
                )
    # Scales are an enum in the schema; nothing more to check here.
