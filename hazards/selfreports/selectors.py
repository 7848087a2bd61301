"""Scoped reads of self-reports and the quarterly tables."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from enterprises.selectors import enterprise_scope
from hazards.models import QuarterlyTable, SelfReport
from portal.models import OrganisationKind


def self_reports_visible_to(user: Any, qs: QuerySet[SelfReport]) -> QuerySet[SelfReport]:
    return qs.filter(enterprise_scope(user, "enterprise__"))


def tables_visible_to(user: Any, qs: QuerySet[QuarterlyTable]) -> QuerySet[QuarterlyTable]:
    """A district its own tables, the city office all."""
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is None or not org.is_active:
        return qs.none()
    if org.kind == OrganisationKind.CITY_OFFICE:
        return qs
    if org.kind == OrganisationKind.DISTRICT:
        return qs.filter(region_id=org.region_id)
    return qs.none()
