"""Export of the listed supervisions (挂牌督办) as listed (same scope and filters
as the page or the API list), one row per listing."""

from __future__ import annotations

from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.exporting import CHUNK_SIZE, write_workbook
from hazards.models import SupervisionListing
from hazards.supervision.selectors import decorate, with_figures

DATE_COLUMNS = (8, 9, 13, 15, 17)  # listed on, deadline, next report, review due, closed on


def _headers() -> list[tuple[str, int]]:
    return [
        (_("Number"), 22),
        (_("Level"), 10),
        (_("Issued by"), 20),
        (_("Enterprise"), 30),
        (_("USCC"), 22),
        (_("Hazard"), 26),
        (_("Description"), 50),
        (_("Suspension"), 10),
        (_("Listed on"), 12),
        (_("Deadline"), 12),
        (_("Requirements"), 50),
        (_("Status"), 16),
        (_("Progress reports"), 10),
        (_("Next progress report"), 12),
        (_("Progress overdue"), 8),
        (_("Review due by"), 12),
        (_("Review overdue"), 8),
        (_("Closed on"), 12),
    ]


def _row(listing: Any, today: Any) -> list[Any]:
    decorate([listing], today)
    hazard = listing.hazard
    return [
        listing.number,
        listing.get_level_display(),
        listing.issuer.name,
        hazard.enterprise.name,
        hazard.enterprise.uscc,
        hazard.number,
        hazard.description,
        listing.get_suspension_display(),
        listing.listed_on,
        listing.deadline,
        listing.requirements,
        listing.get_status_display(),
        listing.progress_filed,
        listing.next_progress_due,
        _("Yes") if listing.progress_overdue else _("No"),
        listing.review_due,
        _("Yes") if listing.review_overdue else _("No"),
        listing.closed_on,
    ]


def export_listings(qs: QuerySet[SupervisionListing]) -> IO[bytes]:
    today = timezone.localdate()
    rows = (_row(one, today) for one in with_figures(qs).iterator(chunk_size=CHUNK_SIZE))
    return write_workbook(_("Listed supervision"), _headers(), rows, DATE_COLUMNS)
