"""Scoped reads of government inspections and tip-offs."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from enterprises.selectors import enterprise_scope
from hazards.models import GovernmentInspection, TipOff


def inspections_visible_to(
    user: Any, qs: QuerySet[GovernmentInspection]
) -> QuerySet[GovernmentInspection]:
    return qs.filter(enterprise_scope(user, "enterprise__"))


def tip_offs_visible_to(user: Any, qs: QuerySet[TipOff]) -> QuerySet[TipOff]:
    """The receiving office only: a tip-off is never shown to the enterprise it names."""
    org_id = getattr(user, "organisation_id", None)
    if not getattr(user, "is_authenticated", False) or org_id is None:
        return qs.none()
    return qs.filter(Q(receiving_office_id=org_id))
