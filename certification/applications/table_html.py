"""The rows of the applications table (the list and the queue), built in Python.

The template language spent about 0.2 ms on each of a page's 50 rows (a translated
label per cell, two choice labels, an included template for the due date, a URL
reversed per row): a third of the list page. The markup is the one
templates/certification/_table.html gave, so the tests and the stacked phone layout
read the same classes and data attributes. Every value from the database is escaped
here; the labels are translated and escaped once per table.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from certification.models import Application, Status
from portal.html_text import choice_labels, escape, place_names, table_rows, url_for_pk
from portal.models import Industry, Region

# What a row reads of an application and the rows joined to it (select_related +
# only): the district and industry are named from the two small reference tables
# the page reads anyway, not joined per row, which doubled the time PostgreSQL spent
# choosing a join order (about 2 ms of a 3 ms statement) and built 100 more objects.
ROW_COLUMNS = (
    "region_id",
    "industry_id",
    "tier",
    "status",
    "due_on",
    "due_is_estimated",
    "enterprise__name",
    "enterprise__uscc",
    "receiver__name",
)


def rows_of(applications):
    """The applications' rows as the table reads them (``applications`` a queryset)."""
    return applications.select_related("enterprise", "receiver").only(*ROW_COLUMNS)


def application_rows_html(
    applications: Iterable[Application],
    empty_text: str,
    *,
    regions: Iterable[Region] | None = None,
    industries: Iterable[Industry] | None = None,
) -> SafeString:
    """The table's ``<tr>`` rows; one row with ``empty_text`` when there are none.
    ``regions`` and ``industries``: those the page has read already (else read here)."""
    labels = {
        "grade": escape(_("Grade")),
        "district": escape(_("District")),
        "industry": escape(_("Industry")),
        "received": escape(_("Received by")),
        "status": escape(_("Status")),
        "due": escape(_("Due")),
        "estimated": escape(
            _("Estimated: the official holiday calendar for this period is not published yet.")
        ),
        "overdue": escape(_("Overdue")),
    }
    tiers, statuses = choice_labels(Application.Tier.choices), choice_labels(Status.choices)
    detail = url_for_pk("certification:detail")
    names = {
        "region": place_names(Region.objects.all() if regions is None else regions),
        "industry": place_names(Industry.objects.all() if industries is None else industries),
    }
    rows = [_row(a, labels, tiers, statuses, detail, names) for a in applications]
    html = table_rows(
        rows, empty=empty_text, colspan=7, classes="stack-empty text-center text-muted py-4"
    )
    return mark_safe(html)  # noqa: S308 (every value above is escaped)


def _row(a: Application, labels: dict, tiers, statuses, detail, names: dict) -> str:
    overdue = bool(getattr(a, "is_overdue", False))
    enterprise = a.enterprise
    danger = ' class="table-danger"' if overdue else ""
    return (
        f'<tr data-testid="application-row"{danger}>'
        f'<td class="stack-title"><a href="{detail(a.pk)}">{escape(enterprise.name)}</a>'
        f'<div class="small text-muted font-monospace">{escape(enterprise.uscc)}</div></td>'
        f'<td data-label="{labels["grade"]}">{tiers(a.tier)}</td>'
        f'<td data-label="{labels["district"]}">{names["region"].get(a.region_id, "")}</td>'
        f'<td data-label="{labels["industry"]}">{names["industry"].get(a.industry_id, "")}</td>'
        f'<td data-label="{labels["received"]}">{escape(a.receiver)}</td>'
        f'<td data-label="{labels["status"]}" data-testid="status">'
        f"{statuses(a.status)}</td>"
        f'<td data-label="{labels["due"]}">{_due(a, overdue, labels)}</td>'
        "</tr>"
    )


def _due(a: Application, overdue: bool, labels: dict) -> str:
    if not a.due_on:
        return '<span class="text-muted">—</span>'
    estimated = (
        f'<span class="text-muted small" title="{labels["estimated"]}">*</span>'
        if a.due_is_estimated
        else ""
    )
    badge = (
        f' <span class="badge text-bg-danger" data-testid="overdue">{labels["overdue"]}</span>'
        if overdue
        else ""
    )
    return (
        f'<span class="{"overdue" if overdue else ""}" data-testid="due">'
        f"{a.due_on:%Y-%m-%d}{estimated}</span>{badge}"
    )
