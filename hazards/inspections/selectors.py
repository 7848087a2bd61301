"""Scoped reads of inspection plans and records, who may write them, their
checklists and the counts by kind."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope, enterprises_visible_to
from hazards.models import (
    CatalogueItem,
    CatalogueVersion,
    InspectionKind,
    InspectionPlan,
    InspectionRecord,
)
from portal.models import OrganisationKind, User
from reviews.models import Criterion


def plans_visible_to(user: Any, qs: QuerySet[InspectionPlan]) -> QuerySet[InspectionPlan]:
    """Whoever sees the enterprise in the registry sees its plans."""
    return qs.filter(enterprise_scope(user, "enterprise__"))


def records_visible_to(user: Any, qs: QuerySet[InspectionRecord]) -> QuerySet[InspectionRecord]:
    return qs.filter(enterprise_scope(user, "enterprise__"))


# Who writes ----------------------------------------------------------------


def may_manage(user: Any, enterprise: Enterprise) -> bool:
    """The enterprise's own users and its group plan and record its inspections;
    whoever else oversees it (street, district, regulators, city) reads them."""
    org = getattr(user, "organisation", None)
    if not getattr(user, "can_act", False) or org is None:
        return False
    if org.kind == OrganisationKind.ENTERPRISE:
        return bool(org.pk == enterprise.account_id)
    if org.kind == OrganisationKind.GROUP:
        return bool(org.pk == enterprise.group_id)
    return False


def manageable_enterprises(user: Any) -> QuerySet[Enterprise]:
    """may_manage as a query: the enterprises the user plans and records for."""
    org = getattr(user, "organisation", None)
    visible = enterprises_visible_to(user, Enterprise.objects.all())
    if not getattr(user, "can_act", False) or org is None:
        return visible.none()
    if org.kind == OrganisationKind.ENTERPRISE:
        return visible.filter(account_id=org.pk)
    if org.kind == OrganisationKind.GROUP:
        return visible.filter(group_id=org.pk)
    return visible.none()


def enterprise_users(enterprise: Enterprise) -> QuerySet[User]:
    """Who may lead or take part in the enterprise's inspections: the active users
    of its account."""
    users: QuerySet[User] = User.objects.filter(
        organisation_id=enterprise.account_id, is_active=True
    )
    return users.order_by("username") if enterprise.account_id else users.none()


def is_principal(user: User, enterprise: Enterprise) -> bool:
    """The principal (主要负责人) is the enterprise account's organisation admin, as
    in the ledger's workflow (hazards/workflow.py PRINCIPAL)."""
    return user.organisation_id == enterprise.account_id and user.is_org_admin


# Checklists ----------------------------------------------------------------


def catalogue_versions_for(enterprise: Enterprise) -> QuerySet[CatalogueVersion]:
    """The major-hazard catalogue versions in force written for the enterprise's
    industry or for all (the versions of hazards.selectors.items_for)."""
    fits = Q(catalogue__industries__isnull=True)
    if enterprise.industry_id:
        fits |= Q(catalogue__industries=enterprise.industry_id)
    return (
        CatalogueVersion.objects.filter(fits, status=CatalogueVersion.Status.PUBLISHED)
        .select_related("catalogue")
        .order_by("catalogue__code", "-effective_date")
        .distinct()
    )


def plan_criteria(plan: InspectionPlan) -> QuerySet[Criterion]:
    """The criteria a standard checklist covers: those chosen, or all of the version."""
    chosen = plan.criteria.all()
    qs = chosen if chosen.exists() else Criterion.objects.filter(version=plan.standard_version_id)
    return qs.select_related("element", "a_element").order_by(
        "a_element__position", "element__position", "position", "pk"
    )


def plan_items(plan: InspectionPlan) -> QuerySet[CatalogueItem]:
    chosen = plan.catalogue_items.all()
    qs = (
        chosen
        if chosen.exists()
        else CatalogueItem.objects.filter(version=plan.catalogue_version_id)
    )
    return qs.order_by("order", "pk")


# Counts --------------------------------------------------------------------


def counts(
    qs: QuerySet[InspectionRecord],
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[str, Any]:
    """Completed inspections by kind and those led by the principal, inspected
    between start and end (inclusive): one query."""
    completed = qs.filter(status=InspectionRecord.Status.COMPLETED)
    if start:
        completed = completed.filter(inspected_on__gte=start)
    if end:
        completed = completed.filter(inspected_on__lte=end)
    figures = completed.aggregate(
        total=Count("pk"),
        principal_led=Count("pk", filter=Q(principal_led=True)),
        **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in InspectionKind.values},
    )
    return {
        "total": figures["total"],
        "principal_led": figures["principal_led"],
        "by_kind": [
            (kind, label, figures[f"kind_{kind}"]) for kind, label in InspectionKind.choices
        ],
    }
