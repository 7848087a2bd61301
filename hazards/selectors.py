"""Scoped reads of the hazard ledger."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from enterprises.selectors import enterprise_scope
from hazards.models import Hazard


def hazards_visible_to(user: Any, qs: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """Whoever sees the enterprise in the registry sees its hazards (the enterprise its
    own, a group its members', a district its district's, a regulator its industries',
    the city office all)."""
    return qs.filter(enterprise_scope(user, "enterprise__"))
