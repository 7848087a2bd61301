"""Scoped reads of standards and assessments."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from enterprises.models import Enterprise
from enterprises.place_copy import place_scope
from portal.models import OrganisationKind
from portal.permissions import acts_for
from portal.types import AnyUser
from reviews.models import Assessment, AssessmentRow, Standard, StandardVersion


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
    # The registry's rule, on the row's copy of its enterprise's place for a district, a
    # street or a regulator (their lists count from the row's own index), else on the
    # joined enterprise row: a page checks the rows it reads instead of first
    # collecting every enterprise in scope.
    return qs.filter(place_scope(user), status=Assessment.Status.SUBMITTED)


# The lists' order, newest first, by the primary key: a row gets its id and its
# created_at together on insert, so the order is the same, and a page walks the
# key backwards and stops where ordering on created_at sorts every self-assessment
# in scope.
NEWEST_FIRST = ("-id",)


def with_row_counts(assessments: list[Assessment]) -> list[Assessment]:
    """Set ``total`` and ``answered`` (criteria) on a page of assessments, in one
    query over the page's rows: counted in the list's own query they group every
    assessment in scope before the page is cut."""
    tally: dict[int, dict[str, int]] = {
        row["assessment_id"]: {"total": row["total"], "answered": row["answered"]}
        for row in AssessmentRow.objects.filter(assessment_id__in=[a.pk for a in assessments])
        .values("assessment_id")
        .annotate(total=Count("pk"), answered=Count("pk", filter=~Q(result="")))
        .order_by()
    }
    for assessment in assessments:
        counts = tally.get(assessment.pk, {})
        # Not columns: the list's templates and serializer read them.
        setattr(assessment, "total", counts.get("total", 0))  # noqa: B010
        setattr(assessment, "answered", counts.get("answered", 0))  # noqa: B010
    return assessments


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
