"""Reads of the registry that need scoping or aggregation."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from portal.models import OrganisationKind as Kind


def enterprises_visible_to(user, qs: QuerySet) -> QuerySet:
    """The one scope rule for enterprises (design.md, "Roles and scopes")."""
    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return qs.none()
    org = user.organisation
    if org.kind == Kind.CITY_OFFICE:
        return qs
    if org.kind == Kind.DISTRICT:
        return qs.filter(region_id=org.region_id)
    if org.kind == Kind.REGULATOR:
        return qs.filter(industry__in=org.industries.all())
    if org.kind == Kind.ORGANISING_UNIT:
        return qs.filter(industry__in=org.qualifications.values("industry"))
    if org.kind == Kind.GROUP:
        return qs.filter(group_id=org.pk)
    if org.kind == Kind.ENTERPRISE:
        return qs.filter(account_id=org.pk)
    # Review units see enterprises only through assignments (object grants),
    # which the application workflow adds.
    return qs.none()


def registry_counts(qs: QuerySet) -> dict[str, int]:
    """Totals for a home-page widget, in one query."""
    from enterprises.models import Enterprise

    return qs.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Enterprise.Status.ACTIVE)),
        pending=Count("id", filter=Q(status=Enterprise.Status.PENDING)),
        small_micro=Count("id", filter=Q(scale=Enterprise.Scale.SMALL_MICRO)),
    )
