"""Scoped reads of inspection plans and records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from enterprises.selectors import enterprise_scope
from hazards.models import InspectionPlan, InspectionRecord


def plans_visible_to(user: Any, qs: QuerySet[InspectionPlan]) -> QuerySet[InspectionPlan]:
    return qs.filter(enterprise_scope(user, "enterprise__"))


def records_visible_to(user: Any, qs: QuerySet[InspectionRecord]) -> QuerySet[InspectionRecord]:
    return qs.filter(enterprise_scope(user, "enterprise__"))
