"""The on-site sheet's data (certification/onsite/views_sheet.py): the reviewers' rows
beside the enterprise's self-assessment answers, grouped by A element, with the live
totals. The page carries its first A elements in full and each later one as its
counts; a later element's rows are read when the reviewer reaches it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from certification.models import OnSiteReview
from certification.onsite import confirmation
from reviews.models import AssessmentRow, Evidence, Result
from reviews.scoring_data import answers_of_rows, score_assessment
from reviews.views.rendering import grade_label

# The page carries its first A elements up to this many rows (the first A element
# whatever its size); the later ones load as the reviewer reaches them. A row of this
# sheet (the self-assessment beside three forms) is about 6 kB: a 110-row sheet was
# 670 kB and most of its time, a 600-row one would be 3.6 MB.
ROWS_FIRST = 30


class RowState(NamedTuple):
    """What the page needs of a row it does not show yet: its answer for the totals,
    its element and whether it was checked on site for the counts."""

    pk: int
    criterion_id: int
    a_element_id: int
    a_code: str
    a_name: str
    result: str
    deduction: Decimal | None
    occurrences: int | None
    extra_condition: bool
    na_reason: str
    confirmed_at: datetime | None


def row_states(review: OnSiteReview) -> list[RowState]:
    """Every row of the sheet, in the standard's order, as plain values (one query:
    a 600-row sheet's model instances, each with its criterion, element and checker,
    would cost more than the rows the page shows)."""
    return [
        RowState(*values)
        for values in review.assessment.rows.order_by("criterion__position").values_list(
            "pk",
            "criterion_id",
            "criterion__a_element_id",
            "criterion__a_element__code",
            "criterion__a_element__name",
            "result",
            "deduction",
            "occurrences",
            "extra_condition",
            "na_reason",
            "confirmed_at",
        )
    ]


def review_rows(review: OnSiteReview, a_element_ids: Iterable[int]) -> list[AssessmentRow]:
    """The reviewers' rows of these A elements, in the standard's order, as the page
    shows them (with the criterion, its element and who checked the row)."""
    return list(
        review.assessment.rows.filter(criterion__a_element_id__in=list(a_element_ids))
        .select_related("criterion__a_element", "confirmed_by")
        .order_by("criterion__position")
    )


def self_answers(
    self_assessment_id: int, criterion_ids: Iterable[int] | None = None
) -> dict[int, tuple]:
    """criterion id → the enterprise's (result, deduction, na_reason, notes)."""
    rows = AssessmentRow.objects.filter(assessment_id=self_assessment_id)
    if criterion_ids is not None:
        rows = rows.filter(criterion_id__in=list(criterion_ids))
    return {
        criterion_id: (result, deduction, na_reason, notes)
        for criterion_id, result, deduction, na_reason, notes in rows.values_list(
            "criterion_id", "result", "deduction", "na_reason", "notes"
        )
    }


def differs(mine: RowState | AssessmentRow, theirs) -> bool:
    """Whether the reviewers' answer differs from the enterprise's (result,
    deduction, na_reason), or the enterprise left the criterion unanswered."""
    if theirs is None:
        return bool(mine.result)
    result, deduction, na_reason = theirs[:3]
    return (mine.result, mine.deduction, mine.na_reason.strip()) != (
        result,
        deduction,
        (na_reason or "").strip(),
    )


def differing(states: Iterable[RowState], baseline: dict[int, tuple]) -> set[int]:
    """The ids of the rows whose answer differs from the enterprise's."""
    return {state.pk for state in states if differs(state, baseline.get(state.criterion_id))}


def compare(rows: Iterable[AssessmentRow], baseline: dict[int, tuple]) -> None:
    """Give each shown row its ``differs`` flag and the enterprise's answer
    (``self_answer``)."""
    labels = dict(Result.choices)
    for row in rows:
        theirs = baseline.get(row.criterion_id)
        row.differs = differs(row, theirs)
        row.self_answer = (
            {
                "result": theirs[0],
                "label": labels.get(theirs[0], ""),
                "deduction": theirs[1],
                "na_reason": theirs[2],
                "notes": theirs[3],
            }
            if theirs
            else None
        )


def attach_evidence(self_assessment_id: int, rows: list[AssessmentRow]) -> None:
    """Give each row the enterprise's evidence files for its criterion (``files``),
    in one query for those criteria only."""
    files: dict[int, list[dict]] = {}
    if rows:
        for pk, name, version, criterion_id in (
            Evidence.objects.filter(
                row__assessment_id=self_assessment_id,
                row__criterion_id__in=[row.criterion_id for row in rows],
            )
            .order_by("original_name", "-file_version")
            .values_list("pk", "original_name", "file_version", "row__criterion_id")
        ):
            files.setdefault(criterion_id, []).append({"pk": pk, "name": name, "version": version})
    for row in rows:
        row.files = files.get(row.criterion_id, [])  # type: ignore[attr-defined]


def sections(
    states: list[RowState], differing_ids: set[int], rows_first: int | None = ROWS_FIRST
) -> list[dict]:
    """The rows by A element (the top of the standard's tree), with their counts
    (checked on site, differing, of all). The first elements that fit in
    ``rows_first`` rows (the first whatever its size) are to be shown in full; the
    others are ``later`` (None: none is)."""
    built: list[dict] = []
    for state in states:
        if not built or built[-1]["pk"] != state.a_element_id:
            built.append(
                {
                    "pk": state.a_element_id,
                    "code": state.a_code,
                    "name": state.a_name,
                    "rows": [],
                    "confirmed": 0,
                    "differs": 0,
                    "later": False,
                }
            )
        section = built[-1]
        section["rows"].append(state)
        section["confirmed"] += state.confirmed_at is not None
        section["differs"] += state.pk in differing_ids
    shown = 0
    for section in built:
        size = len(section["rows"])
        # Whole elements only, up to the limit; the first whatever its size.
        section["later"] = rows_first is not None and shown > 0 and shown + size > rows_first
        if not section["later"]:
            shown += size
    return built


def fill_shown(
    review: OnSiteReview, built: list[dict], baseline: dict[int, tuple], self_assessment_id: int
) -> None:
    """Replace the states of the elements shown in full by their rows as the page
    shows them: the enterprise's answers and evidence beside each (two queries)."""
    shown = [section for section in built if not section["later"]]
    if not shown:
        return
    wanted = {state.pk for section in shown for state in section["rows"]}
    rows = [
        row for row in review_rows(review, {section["pk"] for section in shown}) if row.pk in wanted
    ]
    compare(rows, baseline)
    attach_evidence(self_assessment_id, rows)
    by_element: dict[int, list[AssessmentRow]] = {}
    for row in rows:
        by_element.setdefault(row.criterion.a_element_id, []).append(row)
    for section in shown:
        section["rows"] = by_element.get(section["pk"], [])


def totals(
    review: OnSiteReview, differing: int | None = None, rows: list[RowState] | None = None
) -> dict:
    """The live score of the reviewers' answers (the one scoring function) and how
    many rows were checked on site; from ``rows`` (all the sheet's rows) when the
    page has read them."""
    if rows is None:
        result = score_assessment(review.assessment)
        unconfirmed = confirmation.unconfirmed_count(review)
    else:
        result = score_assessment(review.assessment, answers=answers_of_rows(rows))
        unconfirmed = sum(row.confirmed_at is None for row in rows)
    data = {
        "confirmed": result.total - unconfirmed,
        "unconfirmed": unconfirmed,
        "score": str(result.score) if result.score is not None else "—",
        "grade": grade_label(result.grade),
        "answered": result.answered,
        "total": result.total,
        "unanswered": result.total - result.answered,
        "failed_vetoes": ", ".join(result.failed_vetoes),
    }
    if differing is not None:
        data["differs"] = differing
    return data
