"""Scoped reads of the warning list and the supervision tiers for the officials'
pages, API and exports. The scope is the registry's (enterprises.selectors.
enterprise_scope): a district sees its own enterprises' entries and tiers only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from enterprises.selectors import enterprise_scope
from enterprises.uscc import normalise_uscc
from portal import permissions
from portal.models import OrganisationKind as Kind
from portal.models import Region
from reporting.standing import tiers, warnings
from reporting.standing.models import Standing, WarningEntry

READERS = (Kind.CITY_OFFICE, Kind.DISTRICT, Kind.STREET, Kind.REGULATOR)
PAGE_SIZE = 50
STATES = ("open", "closed", "all")


class FilterError(ValueError):
    pass


def may_see(user: Any) -> bool:
    return permissions.acts_for(user, *READERS)


def may_manage_feeds(user: Any) -> bool:
    return permissions.acts_for(user, Kind.CITY_OFFICE)


def city_wide(user: Any) -> bool:
    return user.organisation.kind in (Kind.CITY_OFFICE, Kind.REGULATOR)


def _search(qs: QuerySet[Any], q: str) -> QuerySet[Any]:
    q = q.strip()[:100]
    if not q:
        return qs
    return qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc=normalise_uscc(q)))


def _district(user: Any, qs: QuerySet[Any], code: str) -> QuerySet[Any]:
    if not code:
        return qs
    if not city_wide(user) or not Region.objects.filter(pk=code).exists():
        raise FilterError(_("Unknown district: %(code)s.") % {"code": code[:20]})
    return qs.filter(enterprise__region_id=code)


def warning_entries(user: Any, params: Mapping[str, str]) -> QuerySet[WarningEntry]:
    state = params.get("state", "") or "open"
    if state not in STATES:
        raise FilterError(_("Choose open, closed or all."))
    rule = params.get("rule", "")
    if rule and rule not in warnings.RULES:
        raise FilterError(_("Unknown rule: %(rule)s.") % {"rule": rule[:40]})
    qs = WarningEntry.objects.filter(enterprise_scope(user, "enterprise__"))
    if state == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif state == "closed":
        qs = qs.filter(closed_on__isnull=False)
    if rule:
        qs = qs.filter(rule=rule)
    qs = _district(user, _search(qs, params.get("q", "")), params.get("district", ""))
    return qs.select_related("enterprise", "enterprise__region").order_by("-opened_on", "-id")


def warning_row(entry: WarningEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "enterprise_id": entry.enterprise_id,
        "enterprise": entry.enterprise.name,
        "uscc": entry.enterprise.uscc,
        "district": str(entry.enterprise.region),
        "rule": entry.rule,
        "rule_label": warnings.rule_label(entry.rule),
        "reason": entry.reason,
        "opened_on": entry.opened_on,
        "closed_on": entry.closed_on,
        "close_reason": entry.close_reason,
    }


def tier_rows(user: Any, params: Mapping[str, str]) -> QuerySet[Standing]:
    tier = params.get("tier", "")
    if tier and tier not in Standing.Tier.values:
        raise FilterError(_("Unknown tier: %(tier)s.") % {"tier": tier[:20]})
    qs = Standing.objects.filter(enterprise_scope(user, "enterprise__"))
    if tier:
        qs = qs.filter(tier=tier)
    qs = _district(user, _search(qs, params.get("q", "")), params.get("district", ""))
    return qs.select_related("enterprise", "enterprise__region", "enterprise__street").order_by(
        "-points", "enterprise__name", "enterprise_id"
    )


def tier_row(row: Standing) -> dict[str, Any]:
    enterprise = row.enterprise
    return {
        "enterprise_id": enterprise.pk,
        "enterprise": enterprise.name,
        "uscc": enterprise.uscc,
        "district": str(enterprise.region),
        "street": str(enterprise.street) if enterprise.street else "",
        "tier": row.tier,
        "tier_label": tiers.label_for(row.tier),
        "inspections_per_year": tiers.frequency(row.tier),
        "points": row.points,
        "reasons": [
            {"code": r.get("code", ""), "points": r.get("points", 0), "text": tiers.reason_text(r)}
            for r in row.reasons
        ],
        "since": row.computed_on,
    }


def tier_counts(user: Any) -> dict[str, int]:
    from django.db.models import Count

    found = dict(
        Standing.objects.filter(enterprise_scope(user, "enterprise__"))
        .order_by()
        .values("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    return {tier: found.get(tier, 0) for tier in tiers.TIER_ORDER}


def regions_for(user: Any) -> list[Region]:
    return list(Region.objects.order_by("code")) if city_wide(user) else []
