"""Exports of government inspections (with their orders) and of tip-offs, as
listed (same scope and filters as the page or the API list).

A tip-off's reporter (name and contact) is written only for the office that
received it; tip-offs are visible to that office alone anyway, and the check
here keeps it so if the scope ever widens."""

from __future__ import annotations

from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.enforcement import selectors
from hazards.exporting import CHUNK_SIZE, write_workbook
from hazards.models import GovernmentInspection, TipOff

INSPECTION_DATES = (4, 7, 13)  # inspected on, rectify by, reviewed on (0-based)
TIP_OFF_DATES = (0,)  # received on


def _inspection_headers() -> list[tuple[str, int]]:
    return [
        (_("Order number"), 24),
        (_("Enterprise"), 30),
        (_("USCC"), 22),
        (_("Inspecting office"), 20),
        (_("Inspected on"), 12),
        (_("Inspectors"), 20),
        (_("Findings"), 50),
        (_("Rectify by"), 12),
        (_("Items"), 8),
        (_("Open rows"), 8),
        (_("Overdue"), 8),
        (_("Status"), 16),
        (_("Follow-up review number"), 20),
        (_("Reviewed on"), 12),
    ]


def _inspection_row(inspection: Any, today: Any) -> list[Any]:
    overdue = (
        inspection.status == GovernmentInspection.Status.ORDERED
        and inspection.order_deadline < today
    )
    return [
        inspection.order_number,
        inspection.enterprise.name,
        inspection.enterprise.uscc,
        inspection.organisation.name,
        inspection.inspected_on,
        inspection.inspectors,
        inspection.summary,
        inspection.order_deadline,
        inspection.item_count,
        inspection.open_count,
        _("Yes") if overdue else _("No"),
        inspection.get_status_display(),
        inspection.review_number,
        inspection.reviewed_on,
    ]


def export_inspections(qs: QuerySet[GovernmentInspection]) -> IO[bytes]:
    qs = selectors.with_counts(qs.select_related("enterprise", "organisation"))
    today = timezone.localdate()
    rows = (_inspection_row(one, today) for one in qs.iterator(chunk_size=CHUNK_SIZE))
    return write_workbook(
        _("Government inspections"), _inspection_headers(), rows, INSPECTION_DATES
    )


def _tip_off_headers() -> list[tuple[str, int]]:
    return [
        (_("Received on"), 12),
        (_("Enterprise"), 30),
        (_("USCC"), 22),
        (_("What was reported"), 50),
        (_("Anonymous"), 8),
        (_("Reporter's name"), 14),
        (_("Reporter's contact"), 20),
        (_("Status"), 16),
        (_("Outcome"), 40),
        (_("Hazard"), 24),
    ]


def _tip_off_row(tip_off: TipOff, office_id: int | None) -> list[Any]:
    own = office_id is not None and tip_off.receiving_office_id == office_id
    return [
        tip_off.received_on,
        tip_off.enterprise.name,
        tip_off.enterprise.uscc,
        tip_off.content,
        _("Yes") if tip_off.anonymous else _("No"),
        tip_off.reporter_name if own else None,
        tip_off.reporter_contact if own else None,
        tip_off.get_status_display(),
        tip_off.outcome,
        tip_off.hazard.number if tip_off.hazard is not None else None,
    ]


def export_tip_offs(qs: QuerySet[TipOff], office_id: int | None) -> IO[bytes]:
    """``office_id``: the exporting user's office, the only one shown reporters."""
    qs = qs.select_related("enterprise", "hazard").order_by("-received_on", "-pk")
    rows = (_tip_off_row(one, office_id) for one in qs.iterator(chunk_size=CHUNK_SIZE))
    return write_workbook(_("Tip-offs"), _tip_off_headers(), rows, TIP_OFF_DATES)
