"""The checklist page's data: one read of the answers, one of the evidence, and
the version's cached tree (reviews/views/checklist_tree.py); no criterion is
read per request."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reviews.models import Assessment, AssessmentRow, Evidence
from reviews.scoring import Answer
from reviews.views.answer_html import (
    FileLine,
    Page,
    RowState,
    escape,
    escaped_labels,
    rows_html,
)
from reviews.views.checklist_tree import (
    ChecklistTree,
    CriterionPart,
    ElementPart,
    checklist_tree,
)
from reviews.views.rendering import _csrf_input, _urls, row_labels, totals_context

_ROW_COLUMNS = (
    "pk",
    "criterion_id",
    "result",
    "deduction",
    "occurrences",
    "extra_condition",
    "na_reason",
    "notes",
    "revision",
)


def load_rows(
    assessment: Assessment, criteria: Collection[int] | None = None
) -> dict[int, RowState]:
    """The assessment's answers (or those of ``criteria``) by criterion id."""
    # Unordered: the tree gives the order, and the rows' default ordering
    # would join the criteria only to sort.
    rows = AssessmentRow.objects.filter(assessment=assessment).order_by()
    if criteria is not None:
        rows = rows.filter(criterion_id__in=criteria)
    return {values[1]: RowState(*values) for values in rows.values_list(*_ROW_COLUMNS)}


def load_files(
    assessment: Assessment, row_ids: Collection[int] | None = None
) -> dict[int, list[FileLine]]:
    """The assessment's (or those rows') evidence files by row id, by name and
    newest version first."""
    found = Evidence.objects.filter(row__assessment=assessment)
    if row_ids is not None:
        found = found.filter(row_id__in=row_ids)
    files: dict[int, list[FileLine]] = {}
    for row, pk, name, number, size, uploaded in found.order_by(
        "original_name", "-file_version"
    ).values_list("row_id", "pk", "original_name", "file_version", "size", "uploaded_at"):
        files.setdefault(row, []).append(FileLine(pk, name, number, size, uploaded))
    return files


def row_state(row: AssessmentRow) -> RowState:
    return RowState(*(getattr(row, name) for name in _ROW_COLUMNS))


def page_for(request, assessment: Assessment, tree: ChecklistTree, *, editable: bool) -> Page:
    return Page(
        editable=editable,
        labels=escaped_labels(row_labels()),
        choices=tree.choices,
        csrf_input=str(_csrf_input(request)),
        **_urls(assessment),
    )


def answers_of(rows: dict[int, RowState]) -> dict[int, Answer]:
    """The scoring function's input (as scoring_data.answers_for), from the rows read."""
    return {
        criterion_id: Answer(
            row.result, row.deduction or Decimal("0"), row.extra_condition, row.occurrences
        )
        for criterion_id, row in rows.items()
    }


def named_rows(tree: ChecklistTree, rows: dict[int, RowState]) -> dict[int, tuple[int, str]]:
    """criterion id → (row id, requirement), for the totals' suggestions."""
    return {
        criterion_id: (row.pk, tree.criteria[criterion_id].requirement)
        for criterion_id, row in rows.items()
        if criterion_id in tree.criteria
    }


# The page carries its first A elements, up to this many criteria (the first A element
# whatever its size); the later ones load as the user reaches them (reviews:element_rows).
# A 200-criterion page built every row's form: 870 KB and most of its time.
ROWS_FIRST = 30


def page_sections(
    tree: ChecklistTree,
    rows: dict[int, RowState],
    files: dict[int, list[FileLine]],
    page: Page,
    *,
    rows_first: int | None = ROWS_FIRST,
) -> list[dict]:
    """A elements → B elements, each with its rows' markup, for the first A elements up
    to ``rows_first`` criteria (None: all); each later A element as a placeholder that
    loads its rows when reached, with its unanswered count for "next unanswered"."""
    built: list[dict] = []
    shown = 0
    for section in tree.sections:
        if rows_first is not None and shown >= rows_first:
            built.append(later_section(section, rows, page))
            continue
        built.append(section_part(section, rows, files, page))
        shown += len(criteria_of(section))
    return built


def criteria_of(section: ElementPart) -> list[CriterionPart]:
    return [*section.criteria, *(c for child in section.children for c in child.criteria)]


def later_section(section: ElementPart, rows: dict[int, RowState], page: Page) -> dict:
    answers = [rows[c.id] for c in criteria_of(section) if c.id in rows]
    return {
        "element": section,
        "later": True,
        "rows_url": f"{page.elements_url}{section.pk}/rows/",
        "unanswered": sum(1 for row in answers if not row.result),
    }


def section_part(
    section: ElementPart,
    rows: dict[int, RowState],
    files: dict[int, list[FileLine]],
    page: Page,
) -> dict:
    """One A element and the markup of its rows and B elements (the page's, and what
    a later element's request returns); a B element's heading (and its "not applicable
    to us" form) built here too: the template language spent about 0.06 ms on each of
    a standard's 50 or so."""
    na_labels = _na_labels() if page.editable else {}
    parts = [rows_html(section.criteria, rows, files, page)]
    for child in section.children:
        child_rows = rows_html(child.criteria, rows, files, page)
        parts += [child_heading_html(child, bool(child_rows), page, na_labels), child_rows]
    return {"element": section, "body": mark_safe("".join(parts))}  # noqa: S308 - escaped


def _na_labels() -> dict[str, str]:
    return escaped_labels(
        {
            "summary": _("Not applicable to us"),
            "reason": _("Reason, for every unanswered criterion of this element"),
            "button": _("Mark them not applicable"),
        }
    )


# The reason most often given (small firms without the post), ready to submit.
DEFAULT_NA_REASON = "本企业无此岗位"


def child_heading_html(
    child: ElementPart, has_rows: bool, page: Page, labels: dict[str, str]
) -> SafeString:
    """A B element's heading; on an editable page with rows, the form that marks
    its unanswered criteria not applicable (reviews:element_na)."""
    pk = str(child.pk)
    form = ""
    if page.editable and has_rows:
        action = f"{page.elements_url}{pk}/not-applicable/"
        form = (
            '<details class="element-na" data-testid="element-na"><summary class="btn btn-sm '
            f'btn-outline-secondary">{labels["summary"]}</summary>\n'
            f'  <form method="post" action="{action}" class="card card-body mt-1 p-2 touch-form">'
            f"{page.csrf_input}\n"
            f'    <label class="form-label small" for="na-el-{pk}">{labels["reason"]}</label>\n'
            f'    <input class="form-control mb-2" id="na-el-{pk}" name="reason" '
            f'value="{DEFAULT_NA_REASON}" maxlength="2000">\n'
            '    <button class="btn btn-sm btn-secondary" data-testid="element-na-button">'
            f"{labels['button']}</button>\n  </form>\n</details>"
        )
    return mark_safe(  # noqa: S308 - the names are escaped, the rest is built here
        '<div class="d-flex flex-wrap align-items-center gap-2 mt-3 mb-1">\n'
        f'  <h3 class="h6 mb-0 text-secondary me-auto">{escape(child.code)} '
        f"{escape(child.name)}</h3>\n  {form}\n</div>"
    )


# What the totals read of each row: its answer, and its key to link a suggestion.
_TOTALS_COLUMNS = ("criterion_id", "pk", "result", "deduction", "extra_condition", "occurrences")


def checklist_totals(assessment: Assessment) -> dict:
    """The totals panel's context from one read of the rows' answers (not their notes,
    as each save of a 600-criterion checklist re-reads them all): the suggestions are
    named from the version's tree instead of a query of their criteria."""
    tree = checklist_tree(assessment.version)
    answers: dict[int, Answer] = {}
    row_ids: dict[int, int] = {}
    rows = AssessmentRow.objects.filter(assessment=assessment).order_by()
    for criterion_id, pk, result, deduction, extra, occurrences in rows.values_list(
        *_TOTALS_COLUMNS
    ):
        answers[criterion_id] = Answer(result, deduction or _ZERO, extra, occurrences)
        row_ids[criterion_id] = pk
    named = _NamedRows(tree, row_ids)
    return totals_context(assessment, answers=answers, named=named)


_ZERO = Decimal("0")


class _NamedRows(Mapping):
    """criterion id → (row id, requirement), each built when asked: for the few
    suggestions, not for every row."""

    def __init__(self, tree: ChecklistTree, row_ids: dict[int, int]) -> None:
        self.tree, self.row_ids = tree, row_ids

    def __getitem__(self, criterion_id: int) -> tuple[int, str]:
        return self.row_ids[criterion_id], self.tree.criteria[criterion_id].requirement

    def __iter__(self):
        return (cid for cid in self.row_ids if cid in self.tree.criteria)

    def __len__(self) -> int:
        return sum(1 for _ in self)
