"""Export of the inspection records as listed (same scope and filters as the page
or the API list), one row per inspection."""

from __future__ import annotations

from typing import IO, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.exporting import CHUNK_SIZE, write_workbook
from hazards.models import InspectionRecord

DATE_COLUMNS = (2, 10)  # inspected on, completed on (0-based)


def _headers() -> list[tuple[str, int]]:
    return [
        (_("Enterprise"), 30),
        (_("USCC"), 22),
        (_("Inspected on"), 12),
        (_("Plan"), 30),
        (_("Kind"), 14),
        (_("Led by the principal"), 10),
        (_("Led by"), 14),
        (_("Participants"), 10),
        (_("Hazards found"), 10),
        (_("Status"), 12),
        (_("Completed on"), 12),
    ]


def _row(record: Any) -> list[Any]:
    leader = record.leader
    completed = record.completed_at
    return [
        record.enterprise.name,
        record.enterprise.uscc,
        record.inspected_on,
        record.plan.title,
        record.get_kind_display(),
        _("Yes") if record.principal_led else _("No"),
        leader.get_full_name() or leader.username,
        record.participant_count,
        record.found_count,
        record.get_status_display(),
        timezone.localtime(completed).date() if completed else None,
    ]


def export_records(qs: QuerySet[InspectionRecord]) -> IO[bytes]:
    qs = (
        qs.select_related("plan", "enterprise", "leader")
        .annotate(
            participant_count=Count("participants", distinct=True),
            found_count=Count("results", filter=Q(results__outcome="hazard"), distinct=True),
        )
        .order_by("-inspected_on", "-pk")
    )
    rows = (_row(record) for record in qs.iterator(chunk_size=CHUNK_SIZE))
    return write_workbook(_("Inspections"), _headers(), rows, DATE_COLUMNS)
