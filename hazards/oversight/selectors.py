"""The officials' worklists (street office, district government, regulator, city office):
what needs their attention in the ledgers they oversee, scoped like the ledger
(hazards.selectors.hazards_visible_to; open hazards by their own place, which follows
the enterprise's: hazards/registry_sync.py). Counts are aggregated in the database; the lists
are short (the most urgent first) and link to the ledger list filtered the same way.
A constant number of queries whatever the scope's size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from hazards.models import Hazard, SupervisionListing
from hazards.registry_sync import open_hazards_visible_to
from portal import permissions
from portal.models import OrganisationKind as Kind
from portal.models import Region, User

# The government roles that have a worklist.
OFFICIAL_KINDS: tuple[str, ...] = (Kind.STREET, Kind.DISTRICT, Kind.REGULATOR, Kind.CITY_OFFICE)
# Who oversees more than one district and so gets the counts per district.
PER_DISTRICT_KINDS: tuple[str, ...] = (Kind.CITY_OFFICE, Kind.REGULATOR)
# Rows shown per list; the counts above each list link to all of them.
LIST_LIMIT = 20

MAJOR = Q(grade=Hazard.Grade.MAJOR)
LISTED = Q(listing__isnull=False) & ~Q(listing__status=SupervisionListing.Status.CLOSED)


def may_see_worklist(user: Any) -> bool:
    return permissions.acts_for(user, *OFFICIAL_KINDS)


def _counts(hazards: QuerySet[Hazard], today: datetime.date) -> dict[str, int]:
    """Every count is of open hazards (``hazards`` holds only those), so that PostgreSQL
    reads the partial indexes of open hazards only."""
    overdue = Q(deadline__lt=today)
    counts: dict[str, int] = hazards.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=overdue),
        major_open=Count("pk", filter=MAJOR),
        major_overdue=Count("pk", filter=overdue & MAJOR),
        listed=Count("pk", filter=LISTED),
    )
    return counts


def _report_state(hazard: Hazard) -> str:
    report = getattr(hazard, "major_report", None)
    if report is None:
        return "none"
    return "submitted" if report.submitted_at else "draft"


def _plan_state(hazard: Hazard) -> str:
    plan = getattr(hazard, "treatment_plan", None)
    if plan is None:
        return "none"
    return "approved" if plan.approved_at else "draft"


def _major_rows(hazards: QuerySet[Hazard], today: datetime.date) -> list[dict[str, Any]]:
    rows = []
    for hazard in (
        hazards.filter(MAJOR)
        .select_related("enterprise", "listing", "major_report", "treatment_plan")
        .order_by("deadline", "pk")[:LIST_LIMIT]
    ):
        listing = getattr(hazard, "listing", None)
        rows.append(
            {
                "hazard": hazard,
                "overdue": hazard.deadline < today,
                "report": _report_state(hazard),
                "plan": _plan_state(hazard),
                "listed": listing is not None
                and listing.status != SupervisionListing.Status.CLOSED,
                "listing": listing,
            }
        )
    return rows


@dataclass
class ListingRow:
    listing: SupervisionListing
    progress_due: datetime.date
    progress_overdue: bool
    review_due: datetime.date | None  # an application to close awaits its on-site review
    review_overdue: bool


def _listing_rows(user: User, today: datetime.date) -> list[ListingRow]:
    """The open listings with the day their next progress report is due (the last one,
    or the listing day, plus the interval) and any close application awaiting its
    review. Listings are few (major hazards under supervision), so one query reads
    them all and the dates are compared here."""
    listings = (
        SupervisionListing.objects.visible_to(user)
        .exclude(status=SupervisionListing.Status.CLOSED)
        .select_related("hazard__enterprise")
        .annotate(
            last_progress=Max("progress_reports__reported_on"),
            review_due=Min(
                "close_applications__review_due",
                filter=Q(close_applications__reviewed_on__isnull=True),
            ),
        )
        .order_by("deadline", "pk")
    )
    rows = []
    for listing in listings:
        since = getattr(listing, "last_progress", None) or listing.listed_on
        progress_due = since + datetime.timedelta(days=listing.progress_interval_days)
        review_due = getattr(listing, "review_due", None)
        rows.append(
            ListingRow(
                listing=listing,
                progress_due=progress_due,
                # Under review, the enterprise no longer reports progress.
                progress_overdue=progress_due < today and review_due is None,
                review_due=review_due,
                review_overdue=review_due is not None and review_due < today,
            )
        )
    return rows


def _per_district(hazards: QuerySet[Hazard], today: datetime.date) -> list[dict[str, Any]]:
    overdue = Q(deadline__lt=today)
    counts: dict[str, dict[str, Any]] = {
        row["region_id"]: dict(row)
        for row in hazards.order_by()
        .values("region_id")
        .annotate(
            overdue=Count("pk", filter=overdue),
            major_open=Count("pk", filter=MAJOR),
            major_overdue=Count("pk", filter=overdue & MAJOR),
            listed=Count("pk", filter=LISTED),
        )
    }
    empty: dict[str, Any] = {"overdue": 0, "major_open": 0, "major_overdue": 0, "listed": 0}
    return [
        {"region": region, **{key: counts.get(region.pk, empty)[key] for key in empty}}
        for region in Region.objects.order_by("code")
    ]


def last_quarter(today: datetime.date) -> tuple[int, int]:
    """The last quarter that has ended: its self-reports are due or late now."""
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def worklist(user: User, today: datetime.date | None = None) -> dict[str, Any]:
    """Everything the worklist page and its API show, for an official (may_see_worklist)."""
    today = today or timezone.localdate()
    hazards = open_hazards_visible_to(user)  # every count and list is of open hazards
    listings = _listing_rows(user, today)
    org = user.organisation
    assert org is not None  # may_see_worklist
    data: dict[str, Any] = {
        "today": today,
        "kind": org.kind,
        "counts": {
            **_counts(hazards, today),
            "progress_overdue": sum(row.progress_overdue for row in listings),
            "reviews_due": sum(row.review_due is not None for row in listings),
        },
        "overdue": list(
            hazards.filter(deadline__lt=today)
            .select_related("enterprise")
            .order_by("deadline", "pk")[:LIST_LIMIT]
        ),
        "major": _major_rows(hazards, today),
        "listings": [row for row in listings if row.progress_overdue or row.review_due],
        "per_district": _per_district(hazards, today) if org.kind in PER_DISTRICT_KINDS else None,
    }
    return data
