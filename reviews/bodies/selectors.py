"""Reads for review units, their reviewers and conflict relations.

Who manages a review unit: the city office manages every one; a review
organising unit manages the units qualified in an industry it organises.
The match is on the **industry only**, whatever the tiers: an organising
unit that organises machinery level 2 manages a review unit qualified for
machinery level 3. (It mirrors the organising unit's enterprise scope, which
is also by industry — enterprises.selectors.enterprises_visible_to.)

Who sees a review unit: its managers, and the unit's own users (read only).
Everyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from portal.models import Organisation, OrganisationKind, Qualification
from portal.types import AnyUser
from reviews.models import ConflictRelation, Reviewer

# The application states in which a review unit's assignment is over although it
# was never withdrawn (certification.workflow.FINAL; reviews must not import
# certification, so they are named here).
_FINISHED_APPLICATION_STATES = ("rejected", "withdrawn", "national_decided", "announced")


def _acting_org(user: AnyUser) -> Organisation | None:
    if not (user.is_authenticated and user.can_act):
        return None
    return user.organisation


def review_units() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.REVIEW_UNIT)


def units_managed_by(user: AnyUser) -> QuerySet[Organisation]:
    org = _acting_org(user)
    if org is None:
        return Organisation.objects.none()
    if org.kind == OrganisationKind.CITY_OFFICE:
        return review_units()
    if org.kind == OrganisationKind.ORGANISING_UNIT:
        organised = Qualification.objects.filter(organisation=org).values("industry")
        return review_units().filter(
            Exists(
                Qualification.objects.filter(organisation=OuterRef("pk"), industry__in=organised)
            )
        )
    return Organisation.objects.none()


def units_visible_to(user: AnyUser) -> QuerySet[Organisation]:
    org = _acting_org(user)
    if org is None:
        return Organisation.objects.none()
    if org.kind == OrganisationKind.REVIEW_UNIT:
        return review_units().filter(pk=org.pk)
    return units_managed_by(user)


def can_manage_units(user: AnyUser) -> bool:
    """May the user manage review units at all (the nav item, the list page)?"""
    org = _acting_org(user)
    return org is not None and org.kind in (
        OrganisationKind.CITY_OFFICE,
        OrganisationKind.ORGANISING_UNIT,
    )


def can_manage_unit(user: AnyUser, unit: Organisation) -> bool:
    return units_managed_by(user).filter(pk=unit.pk).exists()


def reviewers_visible_to(user: AnyUser) -> QuerySet[Reviewer]:
    return Reviewer.objects.filter(unit__in=units_visible_to(user))


def conflicts_visible_to(user: AnyUser) -> QuerySet[ConflictRelation]:
    return ConflictRelation.objects.filter(unit__in=units_visible_to(user))


def filter_units(
    qs: QuerySet[Organisation],
    *,
    search: str = "",
    status: str = "",
    industry: str = "",
    tier: str = "",
) -> QuerySet[Organisation]:
    search = search.strip()
    if search:
        qs = qs.filter(name__icontains=search)
    if status in Organisation.Status.values:
        qs = qs.filter(status=status)
    if industry or tier:
        quals = Qualification.objects.filter(organisation=OuterRef("pk"))
        if industry:
            quals = quals.filter(industry__code=industry)
        if tier:
            quals = quals.filter(tier=tier)
        qs = qs.filter(Exists(quals))
    return qs


def unit_list(user: AnyUser, params: Mapping[str, str]) -> QuerySet[Organisation]:
    """The list page: the units the user manages, filtered, with what each row shows
    (3 queries per page whatever its length: count, rows, qualifications)."""
    qs = filter_units(
        units_managed_by(user),
        search=params.get("q", ""),
        status=params.get("status", ""),
        industry=params.get("industry", ""),
        tier=params.get("tier", ""),
    )
    return (
        qs.annotate(active_reviewers=Count("reviewers", filter=Q(reviewers__is_active=True)))
        .prefetch_related(
            Prefetch(
                "qualifications",
                queryset=Qualification.objects.select_related("industry").order_by(
                    "industry__code", "tier"
                ),
            )
        )
        .order_by("name", "pk")
    )


# --- figures -------------------------------------------------------------------


@dataclass
class Figures:
    current: int = 0
    past: int = 0


@dataclass
class UnitFigures:
    unit: Figures
    flagged: int
    per_reviewer: dict[int, Figures] = field(default_factory=dict)


def _current_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}withdrawn_at__isnull": True}) & ~Q(
        **{f"{prefix}application__status__in": _FINISHED_APPLICATION_STATES}
    )


def unit_figures(unit: Organisation) -> UnitFigures:
    """Assignments of the unit and of each of its reviewers, current and past.

    Current: not withdrawn, and the application still open. Past: the rest.
    Flagged: current assignments while the unit is not active (see
    Assignment.is_flagged). Assignments live in certification, which reviews
    must not import: the models are looked up by name, here only.
    """
    assignment = apps.get_model("certification", "Assignment")
    member = apps.get_model("certification", "AssignmentMember")
    totals = assignment.objects.filter(unit=unit).aggregate(
        current=Count("pk", filter=_current_q()),
        total=Count("pk"),
        flagged=Count("pk", filter=_current_q() & ~Q(unit__status=Organisation.Status.ACTIVE)),
    )
    per_reviewer: dict[int, Figures] = {}
    rows = (
        member.objects.filter(reviewer__unit=unit)
        .values("reviewer_id")
        .annotate(current=Count("pk", filter=_current_q("assignment__")), total=Count("pk"))
    )
    for row in rows:
        per_reviewer[row["reviewer_id"]] = Figures(row["current"], row["total"] - row["current"])
    return UnitFigures(
        unit=Figures(totals["current"], totals["total"] - totals["current"]),
        flagged=totals["flagged"],
        per_reviewer=per_reviewer,
    )
