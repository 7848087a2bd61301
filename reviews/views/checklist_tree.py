"""A standard version's checklist as the page shows it: elements in order,
their criteria, and each criterion's fixed markup (code, requirement, method,
points), rendered once per version and language.

A published version never changes, so its tree is kept per process; a draft is
built on every request. The key carries the version's creation time, source
hash, publication and status, so a re-imported or re-published version (or an
id reused after a rollback) never meets an older tree.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.template.loader import get_template
from django.utils import translation

from reviews.models import Criterion, Element, ExtraTrigger, StandardVersion
from reviews.views.rendering import answer_choices, row_labels

# Trees of about 30 versions × 2 languages at most (a 600-criterion tree is
# about 1 MB of markup); the least recently used goes first.
CACHED_TREES = 60


@dataclass(frozen=True)
class CriterionPart:
    """What a row needs of its criterion, in the language of the tree."""

    id: int
    code: str
    requirement: str
    head: str  # markup: the template escaped what it holds
    is_veto: bool
    allow_na: bool
    deduction_unit: Decimal | None
    extra_deduction: Decimal | None
    has_condition: bool
    deduct_label: str  # escaped
    occurrences_label: str  # escaped, "" without a per-occurrence unit
    extra_help: str  # escaped, "" without a finding to tick


@dataclass
class ElementPart:
    pk: int
    code: str
    name: str
    criteria: list[CriterionPart] = field(default_factory=list)
    children: list[ElementPart] = field(default_factory=list)


@dataclass(frozen=True)
class ChecklistTree:
    sections: list[ElementPart]
    criteria: dict[int, CriterionPart]  # by criterion id
    # (value, label, colour) of the answers, labels escaped.
    choices: list[tuple[str, str, str]]


_trees: OrderedDict[tuple[object, ...], ChecklistTree] = OrderedDict()
_lock = threading.Lock()


def _key(version: StandardVersion) -> tuple[object, ...]:
    return (
        version.pk,
        version.created_at,
        version.source_sha256,
        version.published_at,
        version.status,
        translation.get_language(),
    )


def checklist_tree(version: StandardVersion) -> ChecklistTree:
    if version.status == StandardVersion.Status.DRAFT:
        return _build(version)
    key = _key(version)
    with _lock:
        tree = _trees.get(key)
        if tree is not None:
            _trees.move_to_end(key)
            return tree
    tree = _build(version)
    with _lock:
        _trees[key] = tree
        while len(_trees) > CACHED_TREES:
            _trees.popitem(last=False)
    return tree


def forget_trees() -> None:
    with _lock:
        _trees.clear()


def _build(version: StandardVersion) -> ChecklistTree:
    labels = row_labels()
    head = get_template("reviews/_assessment_criterion.html")
    rows = list(Element.objects.filter(version=version).order_by("position"))
    elements = {element.pk: ElementPart(element.pk, element.code, element.name) for element in rows}
    sections = []
    for element in rows:
        part = elements[element.pk]
        if element.parent_id is None:
            sections.append(part)
        else:
            elements[element.parent_id].children.append(part)
    criteria: dict[int, CriterionPart] = {}
    for criterion in Criterion.objects.filter(version=version).order_by("position"):
        points_text = str(criterion.points)
        unit = criterion.deduction_unit
        has_condition = bool(
            criterion.extra_deduction and criterion.extra_trigger == ExtraTrigger.CONDITION
        )
        item = CriterionPart(
            id=criterion.pk,
            code=criterion.code,
            requirement=criterion.requirement,
            # Plain str: a SafeString costs a __str__ call in every f-string.
            head=str(
                head.render({"criterion": criterion, "points_text": points_text, "labels": labels})
            ),
            is_veto=criterion.is_veto,
            allow_na=criterion.allow_na,
            deduction_unit=unit,
            extra_deduction=criterion.extra_deduction,
            has_condition=has_condition,
            deduct_label=escape(labels["deduct"] % {"points": points_text}),
            occurrences_label=escape(
                labels["occurrences"] % {"unit": unit.normalize(), "points": points_text}
            )
            if unit
            else "",
            extra_help=escape(
                labels["extra_condition_help"] % {"n": criterion.extra_deduction.normalize()}
            )
            if has_condition and criterion.extra_deduction
            else "",
        )
        criteria[criterion.pk] = item
        elements[criterion.element_id].criteria.append(item)
    choices: list[tuple[str, str, str]] = [
        (value, escape(label), style) for value, label, style in answer_choices()
    ]
    return ChecklistTree(sections=sections, criteria=criteria, choices=choices)
