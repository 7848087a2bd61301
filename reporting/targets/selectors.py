"""A target's progress for the reader's scope, counted in the database: the population
(active enterprises of the target's industries × scales × districts, inside the reader's
enterprise scope), those holding a live certificate of the required grade or better, the
rate, the gap and the enterprises not there yet. A constant number of queries."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from certification.models import Certificate
from certification.validity import LIVE
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from portal import permissions
from portal.models import OrganisationKind as Kind
from portal.models import Region, User
from reporting.models import Target

READER_KINDS: tuple[str, ...] = (Kind.STREET, Kind.DISTRICT, Kind.REGULATOR, Kind.CITY_OFFICE)
# Who sees more than one district and so gets the figures per district.
PER_DISTRICT_KINDS: tuple[str, ...] = (Kind.CITY_OFFICE, Kind.REGULATOR)

# Certificate tiers (certification Application.Tier) that reach each required grade.
TIERS: dict[str, tuple[str, ...]] = {
    Target.Grade.LEVEL_3: ("1", "2", "3"),
    Target.Grade.POST: ("1", "2", "3", "pass"),
}


def may_read(user: Any) -> bool:
    return permissions.acts_for(user, *READER_KINDS)


def may_manage(user: Any) -> bool:
    return permissions.acts_for(user, Kind.CITY_OFFICE)


def targets_for(user: User, *, retired: bool = False) -> QuerySet[Target]:
    qs = Target.objects.prefetch_related("industries", "regions", "allocations", "stages")
    return qs.filter(retired_at__isnull=not retired)


def reached_condition(target: Target, today: datetime.date) -> Exists:
    return Exists(
        Certificate.objects.filter(
            enterprise=OuterRef("pk"),
            tier__in=TIERS[target.required_grade],
            status__in=LIVE,
            valid_from__lte=today,
            valid_until__gte=today,
        )
    )


def population(target: Target, user: User) -> QuerySet[Enterprise]:
    """The target's enterprises the reader sees (industries, regions prefetched)."""
    qs = Enterprise.objects.filter(enterprise_scope(user), status=Enterprise.Status.ACTIVE)
    industries = [i.pk for i in target.industries.all()]
    regions = [r.pk for r in target.regions.all()]
    if industries:
        qs = qs.filter(industry_id__in=industries)
    if target.scales:
        qs = qs.filter(scale__in=target.scales)
    if regions:
        qs = qs.filter(region_id__in=regions)
    return qs


def not_reached(
    target: Target, user: User, today: datetime.date | None = None, search: str = ""
) -> QuerySet[Enterprise]:
    today = today or timezone.localdate()
    qs = (
        population(target, user)
        .filter(~reached_condition(target, today))
        .select_related("region", "street", "industry")
        .order_by("region_id", "name", "id")
    )
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(uscc__icontains=search.upper()))
    return qs


def _figures(total: int, reached: int, rate: Decimal) -> dict[str, Any]:
    required = math.ceil(total * rate / 100)
    return {
        "population": total,
        "reached": reached,
        "rate": round(Decimal(100 * reached) / total, 2) if total else None,
        "target_rate": rate,
        "gap": max(required - reached, 0),
    }


def next_stage(target: Target, today: datetime.date) -> dict[str, Any] | None:
    for stage in target.stages.all():
        if stage.due_on >= today:
            return {"due_on": stage.due_on, "rate": stage.rate}
    return None


def progress(target: Target, user: User, today: datetime.date | None = None) -> dict[str, Any]:
    """The figures of the reader's scope, and per district for the city office and the
    regulators (one GROUP BY); a district or street reads its own figures only."""
    today = today or timezone.localdate()
    reached = Count("pk", filter=reached_condition(target, today))
    qs = population(target, user)
    allocation = {a.region_id: a.rate for a in target.allocations.all()}
    org = user.organisation
    rate = target.rate
    if org is not None and org.kind in (Kind.DISTRICT, Kind.STREET):
        # A district (or a street, by its district) is held to its own allocation.
        region_id = org.region_id or (org.street.region_id if org.street else None)
        rate = allocation.get(region_id, target.rate) if region_id else target.rate
    rows = list(qs.order_by().values("region_id").annotate(total=Count("pk"), done=reached))
    total = sum(row["total"] for row in rows)
    done = sum(row["done"] for row in rows)
    data = {
        **_figures(total, done, rate),
        "next_stage": next_stage(target, today),
        "today": today,
        "per_district": None,
    }
    if org is not None and org.kind in PER_DISTRICT_KINDS:
        names = {r.pk: r for r in Region.objects.filter(pk__in=[row["region_id"] for row in rows])}
        data["per_district"] = [
            {
                "region": names[row["region_id"]],
                **_figures(
                    row["total"], row["done"], allocation.get(row["region_id"], target.rate)
                ),
            }
            for row in sorted(rows, key=lambda row: row["region_id"])
        ]
    return data
