"""The rows of the on-site scoring sheet (certification/onsite/views.py,
review_page), built in Python: the criterion, the enterprise's self-assessment
answer with its evidence, and the reviewers' answer form (or the read-only
answer).

A sheet has 110 to 600 rows, and the template language spent about 2 ms on
each: most of the page's time. The markup is the one the template gave, so
static/js/onsite.js and the tests read the same classes, ids and data
attributes. Every value that comes from a user or the standard is escaped
here; labels are translated and escaped once per request (``sheet_labels``).
Sentences with values (the template's ``blocktranslate``) keep their
translation as it is and escape the values, as the template did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.middleware.csrf import get_token
from django.template.defaultfilters import linebreaksbr
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.html_text import escape
from reviews.models import AssessmentRow, ExtraTrigger, Result
from reviews.views.answer_html import buttons_html


@dataclass(frozen=True)
class SheetPage:
    """What every row of one response shares."""

    editable: bool
    labels: Mapping[str, str]  # escaped
    choices: list[tuple[str, str, str]]  # (value, escaped label, colour)
    result_labels: Mapping[str, str]  # escaped
    csrf_input: str
    review_url: str  # /applications/<pk>/review/
    kind_options: str  # the finding kinds' <option>s, built once


def number(value: Decimal | int | None) -> str:
    """A number as the template shows it: Decimal in fixed notation, without
    grouping (USE_THOUSAND_SEPARATOR is off), a missing one as "None"."""
    if value is None:
        return "None"
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def csrf_input(request) -> str:
    """The CSRF field of the forms without JavaScript, made once per page."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'


def sheet_labels() -> dict[str, str]:
    """The words every row repeats, translated and escaped once per request."""
    labels = {
        "points": _("points"),
        "veto": _("Veto"),
        "differs": _("Differs from the self-assessment"),
        "unconfirmed": _("Copied from the self-assessment, not checked on site yet"),
        "confirmed": _("Checked on site"),
        "how": _("How it is checked"),
        "self": _("Self-assessment (enterprise)"),
        "not_answered": _("Not answered"),
        "evidence": _("Evidence files"),
        "no_evidence": _("No evidence file attached."),
        "reviewers": _("Reviewers"),
        "answer": _("Answer"),
        "extra_condition": _("追加扣除情形成立 (the extra deduction's condition holds)"),
        "na_reason": _("Why this criterion does not apply"),
        "notes": _("Reviewers' notes"),
        "unanswered": _("Not answered yet"),
        "save": _("Save"),
        "confirm": _("Confirm as it stands (checked on site)"),
        "record": _("Record a finding for this row"),
        "finding_prompt": _("Not compliant: add the finding to the veto and deduction list?"),
        "kind": _("Kind"),
        "finding": _("Finding"),
        "record_button": _("Record the finding"),
        "findings_page": _("With photos or as a veto: on the findings page"),
        "loading": _("Loading the criteria…"),
        "whole": _("Show every criterion on one page"),
    }
    escaped = {name: escape(text) for name, text in labels.items()}
    # Sentences with values: the translation as it is, the values escaped.
    escaped.update(
        {
            "checked_count": _("%(n)s/%(total)s checked"),
            "deducted": _("%(n)s points deducted"),
            "deduct": _("Points deducted (more than 0, at most %(points)s)"),
            "occurrences": _("or occurrences × %(unit)s points (capped at %(points)s)"),
            "extra_help": _(
                "Tick only when the finding stated in the method is made; the extra deduction "
                "of %(n)s points is then taken in this element."
            ),
            "capped": _("%(count)s × %(unit)s, capped at the points"),
            "extra_found": _("追加扣除情形成立: %(n)s more points deducted in this element"),
        }
    )
    return escaped


def kind_options_html(kinds: Iterable[tuple[str, object]]) -> str:
    """The finding kinds of a row's finding form, "deduction" chosen."""
    return "".join(
        f'<option value="{escape(value)}"{" selected" if value == "deduction" else ""}>'
        f"{escape(label)}</option>"
        for value, label in kinds
    )


def self_answer_html(row: AssessmentRow, page: SheetPage) -> str:
    """The enterprise's answer and evidence files, beside the reviewers'."""
    labels = page.labels
    out = [
        '<div class="self-answer p-2 rounded bg-light h-100" data-testid="self-answer">\n'
        f'            <div class="small text-muted mb-1">{labels["self"]}</div>\n'
    ]
    theirs = row.self_answer or {}
    result = theirs.get("result", "")
    if result:
        out.append(
            f'              <span class="badge answer-badge result-{escape(result)}">'
            f"{escape(theirs['label'])}</span>\n"
        )
        if result == Result.PARTIAL:
            deducted = labels["deducted"] % {"n": escape(number(theirs["deduction"]))}
            out.append(f'              <span class="ms-1 small">{deducted}</span>\n')
        if result == Result.NOT_APPLICABLE:
            out.append(
                f'              <div class="small mt-1">{escape(theirs["na_reason"])}</div>\n'
            )
        if theirs["notes"]:
            out.append(
                '              <div class="small mt-1 text-muted">'
                f"{linebreaksbr(theirs['notes'], autoescape=True)}</div>\n"
            )
    else:
        out.append(f'<span class="badge text-bg-light border">{labels["not_answered"]}</span>\n')
    files = row.files  # type: ignore[attr-defined]
    if files:
        evidence_url = page.review_url + "evidence/"
        lines = "".join(
            f'<li><a href="{evidence_url}{file["pk"]}/" data-testid="self-evidence-file">'
            f'{escape(file["name"])}</a> <span class="text-muted">v{file["version"]}</span></li>'
            for file in files
        )
        out.append(
            '            <div class="small mt-2" data-testid="self-evidence">'
            f'<span class="text-muted">{labels["evidence"]}:</span>\n'
            f'              <ul class="list-unstyled mb-0">{lines}</ul>\n            </div>'
        )
    else:
        out.append(
            '<div class="small mt-2 text-muted" data-testid="no-self-evidence">'
            f"{labels['no_evidence']}</div>"
        )
    out.append("\n          </div>")
    return "".join(out)


def answer_form_html(rid: str, row: AssessmentRow, page: SheetPage) -> str:
    """The reviewers' answer form, the confirm button and the row's finding form."""
    labels = page.labels
    criterion = row.criterion
    result = row.result
    points = escape(number(criterion.points))
    rows_url = page.review_url + "rows/"
    out = [
        f'<form id="answer-{rid}" class="answer review-answer" method="post" '
        f'action="{rows_url}{rid}/" data-testid="review-answer-form">{page.csrf_input}\n'
        f'            <input type="hidden" name="revision" value="{row.revision}">\n'
        f'            <div class="answer-choices" role="radiogroup" aria-label="{labels["answer"]}">'
        f"{buttons_html(rid, result, criterion, page.choices)}</div>\n"
    ]
    if not criterion.is_veto:
        deduction = (
            ""
            if result != Result.PARTIAL or row.occurrences
            else escape(str(row.deduction.normalize()))
        )
        out.append(
            f'            <div class="partial-only mt-2{" show" if result == Result.PARTIAL else ""}">\n'
            f'              <label class="form-label small mb-0" for="d{rid}">'
            f"{labels['deduct'] % {'points': points}}</label>\n"
            f'              <input type="text" inputmode="decimal" name="deduction" id="d{rid}" '
            f'value="{deduction}" class="form-control deduction" autocomplete="off">\n'
        )
        if criterion.deduction_unit:
            occurrences = "" if row.occurrences is None else str(row.occurrences)
            unit = escape(number(criterion.deduction_unit))
            out.append(
                f'              <label class="form-label small mb-0 mt-1" for="o{rid}">'
                f"{labels['occurrences'] % {'unit': unit, 'points': points}}</label>\n"
                f'              <input type="text" inputmode="numeric" name="occurrences" '
                f'id="o{rid}" value="{occurrences}" class="form-control occurrences" '
                'autocomplete="off" data-testid="occurrences">'
            )
        out.append("\n            </div>\n")
    if criterion.extra_deduction and criterion.extra_trigger == ExtraTrigger.CONDITION:
        hidden = "" if result in (Result.PARTIAL, Result.NON_COMPLIANT) else " d-none"
        checked = " checked" if row.extra_condition else ""
        extra_help = labels["extra_help"] % {"n": escape(number(criterion.extra_deduction))}
        out.append(
            f'            <div class="form-check mt-2 finding-only{hidden}" '
            'data-testid="extra-condition">\n'
            '              <input class="form-check-input" type="checkbox" name="extra_condition" '
            f'value="1" id="x{rid}"{checked}>\n'
            f'              <label class="form-check-label small text-danger" for="x{rid}">'
            f"{labels['extra_condition']}</label>\n"
            f'              <div class="form-text">{extra_help}</div>\n            </div>\n'
        )
    unanswered = "" if result else f'<span class="text-muted">{labels["unanswered"]}</span>'
    out.append(
        f'            <div class="na-only mt-2{" show" if result == Result.NOT_APPLICABLE else ""}">\n'
        f'              <label class="form-label small mb-0" for="na{rid}">{labels["na_reason"]}</label>\n'
        f'              <textarea name="na_reason" id="na{rid}" rows="2" class="form-control">'
        f"{escape(row.na_reason)}</textarea>\n            </div>\n"
        f'            <details class="mt-2 notes"{" open" if row.notes else ""}>'
        f'<summary class="small">{labels["notes"]}</summary>\n'
        f'              <textarea name="notes" id="n{rid}" rows="2" class="form-control mt-1" '
        f'aria-label="{labels["notes"]}">{escape(row.notes)}</textarea>\n            </details>\n'
        '            <div class="row-status small mt-1" aria-live="polite" '
        f'data-testid="row-status">{unanswered}</div>\n'
        f'            <noscript><button class="btn btn-primary mt-1">{labels["save"]}</button></noscript>\n'
        "          </form>\n"
        f'          <form method="post" action="{page.review_url}confirm/" class="confirm-form mt-2">'
        f'{page.csrf_input}<input type="hidden" name="row" value="{rid}">\n'
        '            <button class="btn btn-outline-success confirm-button" '
        f'data-testid="confirm-row">{labels["confirm"]}</button>\n'
        "          </form>\n"
        '          <details class="mt-2 row-finding" data-testid="row-finding">'
        f'<summary class="small">{labels["record"]}</summary>\n'
        f'            <form method="post" action="{rows_url}{rid}/finding/" '
        f'class="mt-1 onsite-touch">{page.csrf_input}\n'
        '              <p class="small text-danger mb-1 finding-prompt" hidden>'
        f"{labels['finding_prompt']}</p>\n"
        f'              <label class="form-label small mb-0" for="fk{rid}">{labels["kind"]}</label>\n'
        f'              <select class="form-select mb-1" id="fk{rid}" name="kind">'
        f"{page.kind_options}</select>\n"
        f'              <label class="form-label small mb-0" for="ft{rid}">{labels["finding"]}</label>\n'
        f'              <textarea class="form-control mb-1" id="ft{rid}" name="text" rows="2" '
        "required></textarea>\n"
        '              <input type="hidden" name="must_rectify" value="1">\n'
        '              <button class="btn btn-sm btn-outline-danger" '
        f'data-testid="row-finding-button">{labels["record_button"]}</button>\n'
        "            </form>\n"
        f'            <a class="d-inline-block small mt-1 py-2" href="{page.review_url}findings/'
        f'?criterion={row.criterion_id}" data-testid="row-finding-page">'
        f"{labels['findings_page']}</a>\n"
        "          </details>"
    )
    return "".join(out)


def answer_readonly_html(row: AssessmentRow, page: SheetPage) -> str:
    """The reviewers' answer as it stands, for users who may not change it."""
    labels = page.labels
    criterion = row.criterion
    result = row.result
    out = ['<div class="answer-readonly" data-testid="review-answer">\n']
    if result:
        out.append(
            f'            <span class="badge answer-badge result-{escape(result)}">'
            f"{page.result_labels.get(result) or escape(result)}</span>\n"
        )
    else:
        out.append(
            f'            <span class="badge text-bg-light border">{labels["not_answered"]}</span>\n'
        )
    if result == Result.PARTIAL:
        line = labels["deducted"] % {"n": escape(number(row.deduction))}
        if row.occurrences:
            capped = labels["capped"] % {
                "count": escape(number(row.occurrences)),
                "unit": escape(number(criterion.deduction_unit)),
            }
            line += f" ({capped})"
        out.append(f'            <span class="ms-1 small">{line}</span>\n')
    if row.extra_condition:
        found = labels["extra_found"] % {"n": escape(number(criterion.extra_deduction))}
        out.append(
            '            <div class="small mt-1 text-danger" data-testid="extra-condition-found">'
            f"{found}</div>\n"
        )
    if result == Result.NOT_APPLICABLE:
        out.append(f'            <div class="small mt-1">{escape(row.na_reason)}</div>\n')
    if row.notes:
        out.append(
            '            <div class="small mt-1 text-muted">'
            f"{linebreaksbr(row.notes, autoescape=True)}</div>\n"
        )
    out.append("          </div>")
    return "".join(out)


def _confirmed_title(row: AssessmentRow) -> str:
    """Who checked the row on site, and when (the confirmed badge's tooltip)."""
    by = row.confirmed_by
    if by is None:
        return ""
    when = (
        dateformat.format(timezone.localtime(row.confirmed_at), "Y-m-d H:i")
        if row.confirmed_at
        else ""
    )
    return f"{escape(by.get_full_name() or by.username)} · {when}"


def row_html(row: AssessmentRow, page: SheetPage) -> str:
    """One criterion's card: its head, the self-assessment, the reviewers' answer."""
    labels = page.labels
    criterion = row.criterion
    rid = str(row.pk)
    veto = (
        f'<span class="badge text-bg-danger">{labels["veto"]}</span>' if criterion.is_veto else ""
    )
    if page.editable:
        answer = answer_form_html(rid, row, page)
    else:
        answer = answer_readonly_html(row, page)
    return (
        f'  <article class="card mb-2 review-row criterion" id="row-{rid}" '
        f'data-testid="review-row" data-row="{rid}" '
        f'data-differs="{"1" if row.differs else "0"}" '
        f'data-confirmed="{"1" if row.confirmed_at else "0"}">\n'
        '    <div class="card-body">\n'
        '      <div class="d-flex flex-wrap gap-2 align-items-baseline">\n'
        '        <span class="badge text-bg-light border font-monospace">'
        f"{escape(criterion.code)}</span>\n"
        f'        <span class="small text-muted">{escape(number(criterion.points))} '
        f"{labels['points']}</span>\n"
        f"        {veto}\n"
        '        <span class="badge text-bg-warning ms-auto differs-badge" '
        f'data-testid="differs">{labels["differs"]}</span>\n'
        '        <span class="badge text-bg-light border text-danger unconfirmed-badge" '
        f'data-testid="unconfirmed">{labels["unconfirmed"]}</span>\n'
        '        <span class="badge text-bg-success confirmed-badge" data-testid="confirmed" '
        f'title="{_confirmed_title(row)}">✓ {labels["confirmed"]}</span>\n'
        "      </div>\n"
        f'      <p class="mb-1 mt-1">{escape(criterion.requirement)}</p>\n'
        f'      <details class="small mb-2"><summary>{labels["how"]}</summary>'
        f"{linebreaksbr(criterion.method, autoescape=True)}</details>\n"
        '      <div class="row g-3">\n'
        '        <div class="col-md-5">\n'
        f"          {self_answer_html(row, page)}\n"
        "        </div>\n"
        '        <div class="col-md-7">\n'
        f'          <div class="small text-muted mb-1">{labels["reviewers"]}</div>\n'
        f"          {answer}\n"
        "        </div>\n"
        "      </div>\n"
        "    </div>\n"
        "  </article>\n"
    )


def sections_html(sections: Iterable[Mapping], page: SheetPage) -> SafeString:
    """The shown rows by A element, each under its heading with its count of
    rows checked on site."""
    labels = page.labels
    out = []
    for section in sections:
        code = escape(section["code"])
        rows = section["rows"]
        checked = labels["checked_count"] % {"n": section["confirmed"], "total": len(rows)}
        out.append(
            f'\n<section class="mb-3 checklist-element" id="element-{code}" '
            f'data-testid="element" data-code="{code}">\n'
            '  <h2 class="h5 element-heading d-flex align-items-center gap-2">'
            '<button type="button" class="btn btn-link p-0 text-start text-decoration-none '
            f'element-toggle" aria-expanded="true" data-testid="element-toggle">{code} '
            f"{escape(section['name'])}</button>"
            f'<span class="ms-auto small text-muted text-nowrap">{checked}</span></h2>\n'
        )
        if section["later"]:
            out.append(later_body_html(section, page))
        else:
            out.append(element_body_html(rows, page))
        out.append("</section>\n")
    return mark_safe(  # noqa: S308 - every user or standard value above is escaped here
        "".join(out)
    )


def element_body_html(rows: Iterable[AssessmentRow], page: SheetPage) -> str:
    """An element's rows (in the page, or what a later element's request returns)."""
    return (
        '  <div class="element-body">\n'
        + "".join(row_html(row, page) for row in rows)
        + "  </div>\n"
    )


def later_body_html(section: Mapping, page: SheetPage) -> str:
    """A later element's place until its rows load (static/js/onsite.js), with the
    counts the page's moves need before then: rows not checked on site, rows that
    differ. Without the script, a link to the whole sheet at this element."""
    unconfirmed = len(section["rows"]) - section["confirmed"]
    return (
        '  <div class="element-body element-later" data-testid="element-later" '
        f'data-later-rows="{page.review_url}elements/{section["pk"]}/" '
        f'data-unconfirmed="{unconfirmed}" data-differs="{section["differs"]}">\n'
        f'    <p class="text-muted small py-2 mb-0">{page.labels["loading"]} '
        f'<a href="?all=1#element-{escape(section["code"])}" class="later-link">'
        f"{page.labels['whole']}</a></p>\n"
        "  </div>\n"
    )
