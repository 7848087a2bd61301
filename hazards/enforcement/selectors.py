"""Scoped reads of government inspections and tip-offs."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from enterprises.selectors import enterprise_scope
from hazards.models import GovernmentInspection, Hazard, TipOff


def inspections_visible_to(
    user: Any, qs: QuerySet[GovernmentInspection]
) -> QuerySet[GovernmentInspection]:
    """Whoever sees the enterprise sees the inspections of it and their orders (the
    enterprise its own, to rectify them)."""
    return qs.filter(enterprise_scope(user, "enterprise__"))


def tip_offs_visible_to(user: Any, qs: QuerySet[TipOff]) -> QuerySet[TipOff]:
    """The receiving office only: never the enterprise it names, another office or
    the city office."""
    if not getattr(user, "is_authenticated", False) or not user.can_act:
        return qs.none()
    return qs.filter(receiving_office_id=user.organisation_id)


def with_counts(qs: QuerySet[GovernmentInspection]) -> QuerySet[GovernmentInspection]:
    """Each order with its number of items and of rows still open, in the same query."""
    return qs.annotate(
        item_count=Count("items", distinct=True),
        open_count=Count(
            "items", filter=~Q(items__hazard__status=Hazard.Status.CLOSED), distinct=True
        ),
    ).order_by("-inspected_on", "-pk")  # Meta.ordering is dropped from a GROUP BY


def filter_inspections(
    qs: QuerySet[GovernmentInspection],
    *,
    q: str = "",
    status: str = "",
    overdue: bool = False,
    office: int | None = None,
) -> QuerySet[GovernmentInspection]:
    """The list's filters: words of the order number or the enterprise, status,
    past the deadline and not reviewed (the office's worklist), issued by an office."""
    if q:
        qs = qs.filter(Q(order_number__icontains=q) | Q(enterprise__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(
            status=GovernmentInspection.Status.ORDERED,
            order_deadline__lt=timezone.localdate(),
        )
    if office is not None:
        qs = qs.filter(organisation_id=office)
    return qs


def filter_tip_offs(qs: QuerySet[TipOff], *, q: str = "", status: str = "") -> QuerySet[TipOff]:
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(content__icontains=q))
    if status:
        qs = qs.filter(status=status)
    return qs
