"""Open hazards follow their enterprise. A hazard row keeps the district, street and
industry of its enterprise: a closed hazard where it was found (the period statistics
do not move when the registry does), an open one where the enterprise is now, updated
in the transaction that moves the enterprise (enterprises.signals.enterprise_moved).
Current self-reports follow it the same way.

So for open hazards the row's own region, street and industry give the same rows as
the registry's scope rule on the enterprise, and the officials' lists and counts of
open hazards read them from the hazard's partial indexes without joining the
registry (open_hazards_visible_to)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from enterprises.selectors import enterprise_scope
from hazards.models import Hazard, SelfReport
from portal.models import OrganisationKind as Kind

OPEN = ~Q(status=Hazard.Status.CLOSED)

# Whose scope is a place or an industry: the same condition holds on the hazard's own
# region_id / street_id / industry (the city office: every row).
PLACE_KINDS: tuple[str, ...] = (Kind.CITY_OFFICE, Kind.DISTRICT, Kind.STREET, Kind.REGULATOR)


def follow_enterprise(sender: Any, *, enterprise: Any, before: dict[str, Any], **_: Any) -> None:
    """enterprise_moved receiver: the enterprise's open hazards take its new place in
    one UPDATE, closed ones stay where they were found; so do its current self-reports
    (the filing status reads a district's forms by their place; the quarterly tables
    count forms through the enterprise, so no statistic moves)."""
    place = {
        "region_id": enterprise.region_id,
        "street_id": enterprise.street_id,
        "industry_id": enterprise.industry_id,
    }
    Hazard.objects.filter(OPEN, enterprise_id=enterprise.pk).order_by().update(**place)
    if enterprise.region_id != before.get("region_id"):
        # Every hazard, closed ones too: the district that sees them (hazard_scope).
        Hazard.objects.filter(enterprise_id=enterprise.pk).order_by().update(
            enterprise_region_id=enterprise.region_id
        )
    SelfReport.objects.filter(enterprise_id=enterprise.pk, is_current=True).update(**place)


def scope_district(user: Any) -> str | None:
    """The district whose enterprises are the user's scope (enterprise_scope's rule
    "the enterprises of district D"), else None."""
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if (
        org is not None
        and org.kind == Kind.DISTRICT
        and enterprise_scope(user) == Q(region_id=org.region_id)
    ):
        return str(org.region_id)
    return None


def hazard_scope(user: Any) -> Q:
    """The registry's scope rule on a hazard's enterprise (enterprise_scope): where the
    rule is "the enterprises of district D", the hazard's own copy of its enterprise's
    district (Hazard.enterprise_region, closed hazards included) says the same without
    joining the registry; every other rule goes through the enterprise."""
    district = scope_district(user)
    if district is not None:
        return Q(enterprise_region_id=district)
    return enterprise_scope(user, "enterprise__")


def open_hazards_visible_to(user: Any, qs: QuerySet[Hazard] | None = None) -> QuerySet[Hazard]:
    """The open hazards the user sees (hazards.selectors.hazards_visible_to restricted to
    open rows): for districts, streets, regulators and the city office on the hazard's
    own place, for everyone else through the enterprise."""
    qs = (Hazard.objects.all() if qs is None else qs).filter(OPEN)
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is not None and org.kind in PLACE_KINDS:
        return qs.filter(enterprise_scope(user))
    return qs.filter(enterprise_scope(user, "enterprise__"))
