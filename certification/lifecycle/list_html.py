"""The rows of the certificate list (certification/lifecycle/views.py,
certificate_list), built in Python: the template language spent about 0.2 ms on each
of a page's 50 rows (three URLs reversed per row, the status label, the flag). The
markup is the one templates/certification/lifecycle/list.html gave; values from the
database are escaped here, labels translated once per table."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from certification.models import Certificate
from portal.html_text import choice_labels, escape, place_names, table_rows, url_for_pk
from portal.models import Region

FLAGGED_STATUSES = (Certificate.Status.VALID, Certificate.Status.SUSPENDED)
# What a row reads: its enterprise's name joined, the district named from the
# reference table (the certificate's copy of its enterprise's place). Joining the
# announcement's organiser, the application, the industry and the district as the
# detail page does left PostgreSQL 8-13 ms choosing a join order for a 4 ms page.
ROW_COLUMNS = (
    "number",
    "tier",
    "region_id",
    "valid_until",
    "status",
    "review_flagged_at",
    "enterprise__name",
)


def list_rows(certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return certificates.select_related("enterprise").only(*ROW_COLUMNS)


def certificate_rows_html(
    certificates: Iterable[Certificate], *, overseer: bool, regions: Iterable[Region]
) -> SafeString:
    """The table's ``<tr>`` rows. Each certificate carries ``tier_label`` and
    ``downloadable`` (set by the view); the revocation-review flag shows to overseers."""
    districts = place_names(regions)
    flagged = f' <span class="badge text-bg-warning">{escape(_("Flagged"))}</span>'
    pdf_label, plaque_label = escape(_("Certificate PDF")), escape(_("Plaque PDF"))
    statuses = choice_labels(Certificate.Status.choices)
    detail = url_for_pk("certification:lifecycle_certificate")
    pdf = url_for_pk("certification:certificate_download", "pdf")
    plaque = url_for_pk("certification:certificate_download", "plaque")
    rows = []
    for c in certificates:
        status = statuses(c.status)
        if overseer and c.review_flagged_at and c.status in FLAGGED_STATUSES:
            status += flagged
        download = (
            f'<a href="{pdf(c.pk)}">{pdf_label}</a> · <a href="{plaque(c.pk)}">{plaque_label}</a>'
            if getattr(c, "downloadable", False)
            else '<span class="text-muted">—</span>'
        )
        rows.append(
            f'<tr><td class="font-monospace text-nowrap"><a href="{detail(c.pk)}">'
            f"{escape(c.number)}</a></td>"
            f"<td>{escape(c.enterprise.name)}</td><td>{escape(getattr(c, 'tier_label', ''))}</td>"
            f"<td>{districts.get(c.region_id, '')}</td>"
            f'<td class="text-nowrap">{c.valid_until:%Y-%m-%d}</td>'
            f"<td>{status}</td>"
            f'<td class="text-nowrap" data-testid="certificate-files">{download}</td></tr>'
        )
    html = table_rows(
        rows, empty=_("No certificate matches these filters."), colspan=7, classes="text-muted"
    )
    return mark_safe(html)  # noqa: S308 (every value above is escaped)
