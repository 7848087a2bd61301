"""The changing part of a checklist row, built in Python: its answer form (or
the read-only answer), its evidence, and the whole row around the criterion's
fixed markup (reviews/views/checklist_tree.py).

A row is the page's most repeated markup: the template language spent about
0.3 ms on each, so a 600-criterion page spent most of its time here. Every
value that comes from a user is escaped here; labels arrive escaped once per
request (``escaped_labels``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.html_text import escape
from reviews.models import Result
from reviews.views.checklist_tree import CriterionPart
from reviews.views.rendering import RESULT_LABELS, shown_values


@dataclass(frozen=True)
class RowState:
    """One row's saved answer, as read for the page (no model instance)."""

    pk: int
    criterion_id: int
    result: str
    deduction: Decimal
    occurrences: int | None
    extra_condition: bool
    na_reason: str
    notes: str
    revision: int


@dataclass(frozen=True)
class FileLine:
    pk: int
    original_name: str
    file_version: int
    size: int
    uploaded_at: datetime


@dataclass(frozen=True)
class Page:
    """What every row of one response shares."""

    editable: bool
    labels: Mapping[str, str]  # escaped
    choices: list[tuple[str, str, str]]  # (value, escaped label, colour)
    csrf_input: str
    rows_url: str
    evidence_url: str
    elements_url: str


class AnswerOptions(Protocol):
    """What the answer buttons read of a criterion: a cached tree's part (the
    checklist) or the model (the on-site sheet)."""

    @property
    def is_veto(self) -> bool: ...

    @property
    def allow_na(self) -> bool: ...


def escaped_labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {name: escape(text) for name, text in labels.items()}


def buttons_html(rid: str, result: str, criterion: AnswerOptions, choices) -> str:
    """The answer buttons: three for a veto criterion (met or not), and without
    "not applicable" where the standard allows none (unless already chosen)."""
    parts = []
    for value, label, style in choices:
        if value == Result.PARTIAL and criterion.is_veto:
            continue
        if value == Result.NOT_APPLICABLE and not criterion.allow_na and result != value:
            continue
        checked = " checked" if value == result else ""
        parts.append(
            f'<input type="radio" class="btn-check" name="result" value="{value}" '
            f'id="r{rid}-{value}"{checked} autocomplete="off"><label class="btn '
            f'btn-outline-{style}" for="r{rid}-{value}">{label}</label>'
        )
    return "".join(parts)


def _invalid(error: str, error_field: str, name: str) -> tuple[str, str]:
    """The input's extra class and the message under it, when it is the refused one."""
    if error and error_field == name:
        return (
            " is-invalid",
            f'<div class="invalid-feedback d-block" data-testid="row-error">{escape(error)}</div>',
        )
    return "", ""


def answer_form_html(
    rid: str,
    shown: Mapping[str, Any],
    criterion: CriterionPart,
    page: Page,
    *,
    error: str = "",
    error_field: str = "result",
    conflict: bool = False,
) -> str:
    labels = page.labels
    result = shown["result"]
    out = [
        f'<form id="answer-{rid}" class="answer mt-2" method="post" '
        f'action="{page.rows_url}{rid}/" hx-post="{page.rows_url}{rid}/" hx-trigger="change" '
        f'hx-target="#status-{rid}" hx-swap="outerHTML" hx-sync="this:queue last" '
        f'data-testid="answer-form">{page.csrf_input}\n'
        f'  <input type="hidden" name="revision" id="rev-{rid}" value="{escape(shown["revision"])}">\n'
        f'  <div class="answer-choices" role="radiogroup" aria-label="{labels["answer"]}">'
        f"{buttons_html(rid, result, criterion, page.choices)}</div>\n"
    ]
    if not criterion.is_veto:
        bad, message = _invalid(error, error_field, "deduction")
        out.append(
            f'  <div class="partial-only mt-2{" show" if result == Result.PARTIAL else ""}">\n'
            f'    <label class="form-label small mb-0" for="d{rid}">{criterion.deduct_label}</label>\n'
            f'    <input type="text" inputmode="decimal" name="deduction" id="d{rid}" '
            f'value="{escape(shown["deduction"])}" class="form-control deduction{bad}" '
            f'autocomplete="off">{message}\n'
        )
        if criterion.occurrences_label:
            bad, message = _invalid(error, error_field, "occurrences")
            out.append(
                f'    <label class="form-label small mb-0 mt-1" for="o{rid}">'
                f"{criterion.occurrences_label}</label>\n"
                f'    <input type="text" inputmode="numeric" name="occurrences" id="o{rid}" '
                f'value="{escape(shown["occurrences"])}" class="form-control occurrences{bad}" '
                f'autocomplete="off" data-testid="occurrences">{message}\n'
            )
        out.append("  </div>\n")
    if criterion.has_condition:
        hidden = "" if result in (Result.PARTIAL, Result.NON_COMPLIANT) else " d-none"
        checked = " checked" if shown["extra_condition"] else ""
        out.append(
            f'  <div class="form-check mt-2 finding-only{hidden}" data-testid="extra-condition">\n'
            f'    <input class="form-check-input" type="checkbox" name="extra_condition" '
            f'value="1" id="x{rid}"{checked}>\n'
            f'    <label class="form-check-label small text-danger" for="x{rid}">'
            f"{labels['extra_condition']}</label>\n"
            f'    <div class="form-text">{criterion.extra_help}</div>\n  </div>\n'
        )
    bad, message = _invalid(error, error_field, "na_reason")
    out.append(
        f'  <div class="na-only mt-2{" show" if result == Result.NOT_APPLICABLE else ""}">\n'
        f'    <label class="form-label small mb-0" for="na{rid}">{labels["na_reason"]}</label>\n'
        f'    <textarea name="na_reason" id="na{rid}" rows="2" class="form-control{bad}">'
        f"{escape(shown['na_reason'])}</textarea>{message}\n  </div>\n"
    )
    bad, message = _invalid(error, error_field, "notes")
    opened = " open" if shown["notes"] or (error and error_field == "notes") else ""
    out.append(
        f'  <details class="mt-2 notes"{opened}><summary class="small">{labels["notes"]}</summary>\n'
        f'    <textarea name="notes" id="n{rid}" rows="2" class="form-control mt-1{bad}" '
        f'aria-label="{labels["notes"]}">{escape(shown["notes"])}</textarea>{message}\n'
        "  </details>\n"
    )
    if error and error_field == "result":
        kind = "alert-warning" if conflict else "alert-danger"
        status = (
            f'<div class="alert {kind} py-1 px-2 mb-0" role="alert" data-testid="row-error">'
            f"{escape(error)}</div>"
        )
    elif error:
        status = f'<span class="text-danger">{labels["not_saved"]}</span>'
    elif not result:
        status = f'<span class="text-muted">{labels["unanswered"]}</span>'
    else:
        status = ""
    out.append(
        f'  <div class="row-status small mt-1" id="status-{rid}" aria-live="polite" '
        f'data-testid="row-status">{status}</div>\n'
        f'  <noscript><button class="btn btn-primary mt-1">{labels["save"]}</button></noscript>\n'
        "</form>"
    )
    return "".join(out)


def answer_readonly_html(
    rid: str, row: RowState, criterion: CriterionPart, page: Page, *, error=""
):
    labels = page.labels
    out = [f'<div id="answer-{rid}" class="answer-readonly mt-2" data-testid="answer-readonly">\n']
    if error:
        out.append(
            f'  <div class="alert alert-danger py-1 px-2" role="alert" data-testid="row-error">'
            f"{escape(error)}</div>\n"
        )
    if row.result:
        out.append(
            f'  <span class="badge answer-badge result-{row.result}">'
            f"{escape(RESULT_LABELS.get(row.result, row.result))}</span>\n"
        )
    else:
        out.append(f'  <span class="badge text-bg-light border">{labels["not_answered"]}</span>\n')
    if row.result == Result.PARTIAL:
        line = str(escape(_("%(n)s points deducted") % {"n": row.deduction}))
        if row.occurrences:
            capped = _("%(count)s × %(unit)s, capped at the points") % {
                "count": row.occurrences,
                "unit": criterion.deduction_unit,
            }
            line += f" ({escape(capped)})"
        out.append(f'  <span class="ms-2">{line}</span>\n')
    if row.extra_condition:
        found = _("追加扣除情形成立: %(n)s more points deducted in this element") % {
            "n": criterion.extra_deduction
        }
        out.append(
            f'  <div class="small mt-1 text-danger" data-testid="extra-condition-found">'
            f"{escape(found)}</div>\n"
        )
    if row.result == Result.NOT_APPLICABLE:
        out.append(
            f'  <div class="small mt-1"><span class="text-muted">{labels["na_reason"]}:</span> '
            f"{escape(row.na_reason)}</div>\n"
        )
    if row.notes:
        out.append(
            f'  <div class="small mt-1"><span class="text-muted">{labels["notes"]}:</span> '
            f"{linebreaksbr(row.notes, autoescape=True)}</div>\n"
        )
    out.append("</div>")
    return "".join(out)


def evidence_html(
    rid: str,
    files: Iterable[FileLine],
    page: Page,
    *,
    error: str = "",
    added: Iterable[int] = (),
) -> str:
    labels = page.labels
    out = [f'<div id="evidence-{rid}" class="evidence mt-2" data-testid="evidence">\n']
    lines = [
        f'<li class="evidence-file{" text-success" if file.pk in added else ""}">'
        f'<a href="{page.evidence_url}{file.pk}/" data-testid="evidence-file">'
        f"{escape(file.original_name)}</a> "
        f'<span class="badge text-bg-light border" title="{labels["file_version"]}">'
        f"v{file.file_version}</span> "
        f'<span class="text-muted">{escape(filesizeformat(file.size))} · '
        f"{dateformat.format(timezone.localtime(file.uploaded_at), 'Y-m-d H:i')}</span></li>"
        for file in files
    ]
    if lines:
        out.append(
            '  <ul class="list-unstyled small mb-1" data-testid="evidence-list">'
            + "".join(lines)
            + "</ul>\n"
        )
    if page.editable:
        out.append(
            f'  <form method="post" enctype="multipart/form-data" '
            f'action="{page.rows_url}{rid}/evidence/" hx-post="{page.rows_url}{rid}/evidence/" '
            f'hx-encoding="multipart/form-data" hx-trigger="change, submit" '
            f'hx-target="#evidence-{rid}" hx-swap="outerHTML" class="evidence-form">'
            f"{page.csrf_input}\n"
            f'    <label class="btn btn-outline-secondary evidence-pick" for="f{rid}">'
            f"{labels['attach']}</label>\n"
            f'    <input type="file" name="files" id="f{rid}" multiple accept=".pdf,.jpg,.jpeg,'
            '.png,.docx,.xlsx,application/pdf,image/jpeg,image/png" '
            'class="visually-hidden-focusable evidence-input" data-testid="evidence-input">\n'
            f'    <span class="small text-muted">{labels["file_types"]}</span>\n'
            f'    <noscript><button class="btn btn-outline-primary">{labels["upload"]}</button>'
            "</noscript>\n  </form>\n"
        )
    if error:
        out.append(
            '  <div class="alert alert-danger py-1 px-2 mt-1 mb-0 small" role="alert" '
            f'data-testid="evidence-error">{escape(error)}</div>\n'
        )
    elif added:
        out.append(
            f'  <div class="text-success small" data-testid="evidence-saved">✓ '
            f"{escape(_('File attached.'))}</div>\n"
        )
    out.append("</div>")
    return "".join(out)


def row_html(row: RowState, criterion: CriterionPart, files: Iterable[FileLine], page: Page) -> str:
    """The whole row: the criterion's fixed part, the answer, the evidence."""
    rid = str(row.pk)
    if page.editable:
        answer = answer_form_html(rid, shown_values(row), criterion, page)
    else:
        answer = answer_readonly_html(rid, row, criterion, page)
    return (
        f'<article class="card mb-2 criterion{" border-danger" if criterion.is_veto else ""}" '
        f'id="row-{rid}" data-testid="row" data-code="{escape(criterion.code)}" '
        f'data-answered="{"1" if row.result else "0"}">\n'
        f'  <div class="card-body p-2 p-md-3">\n{criterion.head}    {answer}\n'
        f"    {evidence_html(rid, files, page)}\n  </div>\n</article>"
    )


def rows_html(
    criteria: Iterable[CriterionPart],
    rows: Mapping[int, RowState],
    files: Mapping[int, list[FileLine]],
    page: Page,
) -> SafeString:
    """The rows of one element, in the standard's order (criteria without a
    row in this assessment are left out)."""
    return mark_safe(  # noqa: S308 - every value above is escaped or built here
        "".join(
            row_html(rows[criterion.id], criterion, files.get(rows[criterion.id].pk, ()), page)
            for criterion in criteria
            if criterion.id in rows
        )
    )
