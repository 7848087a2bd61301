"""Scoped reads of standards and assessments."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from enterprises.models import Enterprise
from portal.models import OrganisationKind
from portal.permissions import acts_for
from portal.types import AnyUser
from reviews.models import Assessment, Standard, StandardVersion


def assessments_visible_to(user: AnyUser, qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Self-assessments: an enterprise sees all of its own; whoever sees the
    enterprise (district, regulator, group, city) sees its submitted ones.

    The reviewers' sheets (kind "review") are never in this scope: the review
    unit writes them and the others read their scores only through the
    application's on-site review, which decides who sees them when."""
    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return qs.none()
    qs = qs.filter(kind=Assessment.Kind.SELF)
    if user.kind == OrganisationKind.ENTERPRISE:
        return qs.filter(enterprise__account_id=user.organisation_id)
    return qs.filter(
        enterprise__in=Enterprise.objects.visible_to(user), status=Assessment.Status.SUBMITTED
    )


def applicable_versions(enterprise: Enterprise) -> list[StandardVersion]:
    """Published versions of the standards that fit the enterprise's industry and scale."""
    qs = StandardVersion.objects.filter(status=StandardVersion.Status.PUBLISHED).select_related(
        "standard"
    )
    qs = qs.filter(
        Q(standard__industries__isnull=True) | Q(standard__industries=enterprise.industry_id)
    )
    versions = list(qs.distinct().order_by("standard__code", "-effective_date"))
    return [v for v in versions if not v.standard.scales or enterprise.scale in v.standard.scales]


def versions_visible_to(user: AnyUser) -> QuerySet[StandardVersion]:
    """Published and retired versions for everyone; drafts for the city office."""
    qs = StandardVersion.objects.all()
    if acts_for(user, OrganisationKind.CITY_OFFICE):
        return qs
    return qs.exclude(status=StandardVersion.Status.DRAFT)


def standards_visible_to(user: AnyUser) -> QuerySet[Standard]:
    if acts_for(user, OrganisationKind.CITY_OFFICE):
        return Standard.objects.all()
    return Standard.objects.filter(
        Exists(versions_visible_to(user).filter(standard=OuterRef("pk")))
    )
