"""The totals panel's repeated lines, built in Python: one line per element (the
panel's table and the bar's table of contents) and the suggestions. The panel
is rendered with the page and again with every saved answer; in the template
language its per-element loops cost about as much as the rest of a save.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.html_text import escape


def _number(value: Any) -> str:
    """A figure as the template shows it ({{ value }}), "—" for none."""
    return "—" if value is None else escape(localize(value))


def element_rows_html(elements: Iterable[Any]) -> SafeString:
    """The totals table's body: answered, points (extra deductions) and share per
    element, with ✓ / ✗ for the element's minimum share."""
    extra = escape(_("Extra deductions"))
    lines = []
    for e in elements:
        code = escape(e.code)
        deducted = (
            f' <span class="text-danger" title="{extra}">(−{_number(e.extra_deducted)})</span>'
            if e.extra_deducted
            else ""
        )
        sign = " ✓" if e.passed is True else " ✗" if e.passed is False else ""
        lines.append(
            f'<tr data-code="{code}">'
            f'<td><a href="#element-{code}" class="link-dark">{code} {escape(e.name)}</a></td>'
            f'<td class="text-end text-nowrap">{e.answered}/{e.total}</td>'
            f'<td class="text-end text-nowrap">{_number(e.earned)}/{_number(e.due)}{deducted}</td>'
            f'<td class="text-end">{_number(e.percent)}{sign}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value is escaped above


def toc_html(elements: Iterable[Any]) -> SafeString:
    """The bar's table of contents: each element with answered / criteria."""
    lines = []
    for e in elements:
        code = escape(e.code)
        missing = " text-danger" if e.answered < e.total else ""
        lines.append(
            f'<li><a class="d-flex justify-content-between gap-3" href="#element-{code}" '
            f'data-testid="toc-link" data-code="{code}"><span>{code} {escape(e.name)}</span>'
            f'<span class="text-nowrap{missing}" data-testid="toc-count">'
            f"{e.answered}/{e.total}</span></a></li>"
        )
    return mark_safe("".join(lines))  # noqa: S308 - every value is escaped above


def suggestions_html(suggestions: Iterable[Mapping[str, Any]]) -> SafeString:
    """The criteria whose full compliance would lift the score most, linked to
    their rows."""
    lines = []
    for s in suggestions:
        code = escape(s["code"])
        link = f'<a href="#row-{s["row_id"]}">{code}</a>' if s["row_id"] else code
        gain = escape(_("+%(n)s on the score") % {"n": localize(s["score"])})
        requirement = escape(Truncator(s["requirement"]).chars(40))
        lines.append(
            f'<li data-code="{code}">{link} {requirement} <span class="text-success '
            f'text-nowrap">+{_number(s["points"])} ({gain})</span></li>'
        )
    return mark_safe("".join(lines))  # noqa: S308 - every value is escaped above
