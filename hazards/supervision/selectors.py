"""Scoped reads of listed supervision (挂牌督办): the scope rule, the list's
filters, the issuer's worklist and the reports an office has received."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from enterprises.selectors import enterprise_scope
from hazards.models import CloseApplication, ReportReceipt, SupervisionListing
from hazards.supervision import rules

Status = SupervisionListing.Status


def listings_visible_to(
    user: Any, qs: QuerySet[SupervisionListing]
) -> QuerySet[SupervisionListing]:
    """Whoever sees the enterprise in the registry sees its listings."""
    return qs.filter(enterprise_scope(user, "hazard__enterprise__"))


def with_figures(qs: QuerySet[SupervisionListing]) -> QuerySet[SupervisionListing]:
    """The rows a list shows, with the progress reports filed and the open
    application's review due date, in a constant number of queries."""
    open_application = CloseApplication.objects.filter(listing=OuterRef("pk"), verdict="")
    return (
        qs.select_related("hazard__enterprise", "issuer")
        .annotate(
            progress_filed=Count("progress_reports", distinct=True),
            review_due=Subquery(open_application.order_by("-pk").values("review_due")[:1]),
        )
        .order_by("-listed_on", "-pk")
    )


def decorate(
    listings: list[SupervisionListing], today: datetime.date | None = None
) -> list[SupervisionListing]:
    """Adds next_progress_due, progress_overdue and review_overdue to rows of
    with_figures()."""
    today = today or timezone.localdate()
    for listing in listings:
        filed = getattr(listing, "progress_filed", 0)
        listing.next_progress_due = rules.next_progress_due(listing, filed)  # type: ignore[attr-defined]
        listing.progress_overdue = rules.progress_overdue(listing, filed, today)  # type: ignore[attr-defined]
        due = getattr(listing, "review_due", None)
        listing.review_overdue = bool(  # type: ignore[attr-defined]
            listing.status == Status.CLOSE_APPLIED and due is not None and due < today
        )
    return listings


def filter_listings(
    qs: QuerySet[SupervisionListing], filters: dict[str, Any], user: Any
) -> QuerySet[SupervisionListing]:
    """The list's filters, shared by the page and the API. ``mine``: issued by
    the user's organisation; ``review_due``: applications awaiting its review;
    ``progress_overdue``: progress reports late."""
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(hazard__enterprise__name__icontains=q)
            | Q(hazard__description__icontains=q)
        )
    for key in ("status", "level"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("mine"):
        qs = qs.filter(issuer_id=user.organisation_id)
    if filters.get("review_due"):
        qs = qs.filter(status=Status.CLOSE_APPLIED)
    if filters.get("progress_overdue"):
        qs = qs.filter(pk__in=progress_overdue_ids(qs))
    return qs


def progress_overdue_ids(qs: QuerySet[SupervisionListing]) -> list[int]:
    """The listings among ``qs`` whose next progress report is late (the due
    date depends on the count filed: worked out per row over the open ones)."""
    today = timezone.localdate()
    rows = (
        qs.filter(status__in=(Status.LISTED, Status.CORRECTION_ORDERED))
        .annotate(filed=Count("progress_reports"))
        .values_list("pk", "listed_on", "progress_interval_days", "filed")
    )
    late = []
    for pk, listed_on, interval, filed in rows:
        due = listed_on + datetime.timedelta(days=interval * (filed + 1))
        if due < today:
            late.append(pk)
    return late


def worklist(user: Any) -> dict[str, list[SupervisionListing]]:
    """The issuing office's worklist: applications to review (soonest due first,
    overdue flagged) and listings whose progress report is late."""
    issued = with_figures(SupervisionListing.objects.filter(issuer_id=user.organisation_id))
    applied = issued.filter(status=Status.CLOSE_APPLIED)
    reviews = decorate(list(applied.order_by("review_due", "pk")))  # type: ignore[misc]
    late = progress_overdue_ids(SupervisionListing.objects.filter(issuer_id=user.organisation_id))
    progress = decorate(list(issued.filter(pk__in=late).order_by("listed_on")))
    return {"reviews": reviews, "progress": progress}


def receipts_for(user: Any) -> QuerySet[ReportReceipt]:
    """The major hazard reports sent to the user's organisation, unacknowledged first."""
    return (
        ReportReceipt.objects.filter(organisation_id=user.organisation_id)
        .select_related("report__hazard__enterprise", "acknowledged_by")
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-pk")
    )


def public_listings(q: str = "") -> QuerySet[SupervisionListing]:
    """Every listing, for the public page: the listing and its closing are public."""
    qs = SupervisionListing.objects.select_related("hazard__enterprise", "issuer")
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(hazard__enterprise__name__icontains=q)
            | Q(issuer__name__icontains=q)
        )
    return qs.order_by("-listed_on", "-pk")
