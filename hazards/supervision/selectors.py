"""Scoped reads of listed supervision (挂牌督办)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from enterprises.selectors import enterprise_scope
from hazards.models import SupervisionListing


def listings_visible_to(
    user: Any, qs: QuerySet[SupervisionListing]
) -> QuerySet[SupervisionListing]:
    return qs.filter(enterprise_scope(user, "hazard__enterprise__"))
