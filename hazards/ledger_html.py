"""The rows of the hazard ledger list (hazards/views.py, hazard_list), built in
Python: the template language spent about 0.2 ms on each of a page's 50 rows (two
choice labels, a truncated description, the overdue test, a URL reversed per row).
The markup is the one templates/hazards/list.html gave; values from the database are
escaped here, labels translated once per table."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hazards.models import Hazard
from portal.html_text import choice_labels, escape, url_for_pk


def hazard_rows_html(
    hazards: Iterable[Hazard], *, show_enterprise: bool, today: datetime.date
) -> SafeString:
    """The table's ``<tr>`` rows (the page shows a sentence instead of an empty table)."""
    overdue = (
        f' <span class="badge text-bg-danger" data-testid="overdue">{escape(_("Overdue"))}</span>'
    )
    grades, statuses = choice_labels(Hazard.Grade.choices), choice_labels(Hazard.Status.choices)
    detail = url_for_pk("hazards:detail")
    rows = []
    for h in hazards:
        enterprise = (
            f'<td>{escape(h.enterprise.name)} <span class="small text-muted">'
            f"{escape(h.region)}</span></td>"
            if show_enterprise
            else ""
        )
        grade = grades(h.grade)
        if h.grade == Hazard.Grade.MAJOR:
            grade = f'<span class="badge text-bg-danger">{grade}</span>'
        deadline = f"{h.deadline:%Y-%m-%d}" if h.deadline else ""
        if h.deadline and h.status != Hazard.Status.CLOSED and h.deadline < today:
            deadline += overdue
        rows.append(
            '<tr data-testid="hazard-row">'
            f'<td class="font-monospace small"><a href="{detail(h.pk)}">{escape(h.number)}</a></td>'
            f"{enterprise}"
            f"<td>{escape(Truncator(h.description).chars(60))}"
            f'<div class="small text-muted">{escape(h.location)}</div></td>'
            f"<td>{grade}</td><td>{statuses(h.status)}</td>"
            f"<td>{deadline}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value above is escaped)
