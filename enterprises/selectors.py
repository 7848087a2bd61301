"""Reads of the registry that need scoping or aggregation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from enterprises.name_search import name_condition
from enterprises.uscc import ALPHABET as USCC_ALPHABET
from enterprises.uscc import normalise_uscc
from portal.grants import granted_ids
from portal.models import OrganisationKind as Kind
from portal.paging import CappedPaginator, CountFirstIdsPaginator, rows_in_order
from portal.types import AnyUser

if TYPE_CHECKING:
    from enterprises.models import Enterprise, RegistrationClaim

# Sort keys offered by the list page and the API, and the column behind each.
ORDERINGS = {
    "name": "name",
    "uscc": "uscc",
    "district": "region_id",
    "employees": "employees",
    "created": "created_at",
}
NULLABLE_ORDERINGS = {"employees"}


def enterprise_scope(user: AnyUser, path: str = "") -> Q:
    """The one scope rule for enterprises (design.md, "Roles and scopes"), as a condition
    on the enterprise reached by ``path`` ("" for enterprises themselves, "enterprise__"
    from a model pointing at one). Written on the row rather than as ``enterprise IN
    (the enterprises in scope)``, so that PostgreSQL checks the rows it reads instead of
    first collecting a whole scope (62,000 enterprises for an association)."""

    def on(**lookup: object) -> Q:
        return Q(**{path + key: value for key, value in lookup.items()})

    if not user.is_authenticated or not user.is_active or not user.organisation_id:
        return on(pk__in=[])
    org = user.organisation
    if org is None or not org.is_active:  # pending, rejected, suspended: nothing until it may act
        return on(pk__in=[])
    if org.kind == Kind.CITY_OFFICE:
        return on(pk__isnull=False)  # everything; unlike Q(), safe inside an OR
    if org.kind == Kind.DISTRICT:
        return on(region_id=org.region_id)
    if org.kind == Kind.STREET:
        # Its street's enterprises (属地); never "no street" (street_id=None is IS NULL).
        return on(street_id=org.street_id) if org.street_id else on(pk__in=[])
    if org.kind == Kind.REGULATOR:
        if org.region_id:  # a district department: its industries in its district
            return on(industry__in=org.industries.all(), region_id=org.region_id)
        return on(industry__in=org.industries.all())
    if org.kind == Kind.ORGANISING_UNIT:
        return on(industry__in=org.qualifications.values("industry"))
    if org.kind == Kind.GROUP:
        return on(group_id=org.pk)
    if org.kind == Kind.ENTERPRISE:
        return on(account_id=org.pk)
    if org.kind == Kind.REVIEW_UNIT:
        # Review units see an enterprise only through a per-object grant,
        # which the application workflow gives at assignment.
        from enterprises.models import Enterprise

        return on(pk__in=granted_ids(user, Enterprise, "view_enterprise"))
    return on(pk__in=[])


def enterprises_visible_to(user: AnyUser, qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return qs.filter(enterprise_scope(user))


def registry_counts(qs: QuerySet[Enterprise]) -> dict[str, int]:
    """Totals for a home-page widget, in one query."""
    from enterprises.models import Enterprise

    return qs.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Enterprise.Status.ACTIVE)),
        pending=Count("id", filter=Q(status=Enterprise.Status.PENDING)),
        small_micro=Count("id", filter=Q(scale=Enterprise.Scale.SMALL_MICRO)),
    )


def filter_enterprises(
    qs: QuerySet[Enterprise],
    *,
    search: str = "",
    district: str = "",
    street: str = "",
    industry: str = "",
    scale: str = "",
    status: str = "",
    ordering: str = "name",
) -> QuerySet[Enterprise]:
    """Search, filters and sort shared by the registry page, its export and the API.

    ``street`` is a street code; ``ordering`` a key of ORDERINGS, "-" for
    descending. Unknown sort keys fall back to the name.
    """
    search = (search or "").strip()
    if search:
        code = normalise_uscc(search)
        if len(code) == 18:
            qs = qs.filter(uscc=code)
        elif could_be_uscc(code):
            qs = qs.filter(name_condition(search, qs.db, may_walk=False) | Q(uscc__startswith=code))
        else:  # 华信 starts no code: a name search alone, which its indexes serve
            qs = qs.filter(name_condition(search, qs.db))
    for value, lookup in (
        (district, "region_id"),
        (street, "street__code"),
        (industry, "industry_id"),
        (scale, "scale"),
        (status, "status"),
    ):
        if value:
            qs = qs.filter(**{lookup: value})
    descending = ordering.startswith("-")
    name = ORDERINGS.get(ordering.lstrip("-"), "name")
    column = F(name)
    # Empty values last either way, as on both SQLite and PostgreSQL. Said only for
    # the columns that have them: NULLS LAST on a descending NOT NULL column would
    # keep PostgreSQL from reading its index backwards. The id follows the direction
    # for the same reason.
    nulls_last = True if name in NULLABLE_ORDERINGS else None
    if descending:
        return qs.order_by(column.desc(nulls_last=nulls_last), F("id").desc())
    return qs.order_by(column.asc(nulls_last=nulls_last), "id")


def enterprise_matches(search: str, path: str = "enterprise") -> Q:
    """Rows (reaching their enterprise by ``path``) whose enterprise the registry's
    search finds: the name contains ``search``, or the credit code starts with it (a
    whole code: equals it). As a set of registry ids, which the registry's name
    indexes serve, instead of a LIKE on the name of every row in scope."""
    from enterprises.models import Enterprise

    found = filter_enterprises(Enterprise.objects.all(), search=search).order_by()
    return Q(**{f"{path}_id__in": found.values("pk")})


def could_be_uscc(code: str) -> bool:
    """Whether ``code`` (normalised) could start a unified social credit code."""
    return all(char in USCC_ALPHABET for char in code)


def registry_paginator(ids: QuerySet[Any], per_page: int = 50, *, search: str) -> CappedPaginator:
    """The registry's paginator over its ids: with a search, its matches counted first
    and, when they are within the cap, paged from one read of them all
    (portal.paging.CountFirstIdsPaginator); without one, the capped count and the page
    are two short reads."""
    searched = bool((search or "").strip())
    return (CountFirstIdsPaginator if searched else CappedPaginator)(ids, per_page)


def registry_rows(ids: Iterable[int]) -> list[Enterprise]:
    """The enterprises of a list page, in the order of ``ids``, with what the list
    shows of their district, street, industry and group: one query by primary key.

    The page's ids come first from the filtered, ordered list (an index-only scan
    in name order), the rows after: PostgreSQL then reads 50 rows instead of
    every row it passes while looking for them. Districts and industries come from
    the process's reference lists (enterprises/filter_options.py), not from a join:
    two joins fewer to plan and 100 objects fewer to build per page."""
    from enterprises.filter_options import districts_and_industries
    from enterprises.models import Enterprise

    rows = rows_in_order(Enterprise.objects.select_related("street", "group"), ids)
    regions, industries = districts_and_industries()
    by_region = {region.code: region for region in regions}
    by_industry = {industry.code: industry for industry in industries}
    for e in rows:
        # One the lists do not have yet (added at run time) is read when shown.
        if e.region_id in by_region:
            e.region = by_region[e.region_id]
        if e.industry_id in by_industry:
            e.industry = by_industry[e.industry_id]
    return rows


# --- registration claims -------------------------------------------------------------


def claims_visible_to(
    user: AnyUser, qs: QuerySet[RegistrationClaim] | None = None
) -> QuerySet[RegistrationClaim]:
    """Registration claims: the city office sees all, a district those sent to it."""
    from enterprises.models import RegistrationClaim

    qs = RegistrationClaim.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.can_act or user.organisation is None:
        return qs.none()
    org = user.organisation
    if org.kind == Kind.CITY_OFFICE:
        return qs
    if org.kind == Kind.DISTRICT:
        return qs.filter(district_id=org.region_id)
    return qs.none()


def pending_claim_count(user: AnyUser) -> int:
    from enterprises.models import RegistrationClaim

    return claims_visible_to(user).filter(status=RegistrationClaim.Status.PENDING).count()


def claim_rows(user: AnyUser, claims: Iterable[RegistrationClaim]) -> list[dict[str, Any]]:
    """Each claim with what the district needs to decide: the registry entry of its USCC
    (within the user's scope) and how the claim differs from it, whether that entry
    already has another account (a dispute), and how many other claims are open on the
    same USCC."""
    from enterprises.models import Enterprise, RegistrationClaim

    claims = list(claims)
    usccs = {claim.uscc for claim in claims}
    registry = {
        e.uscc: e
        for e in Enterprise.objects.visible_to(user)
        .filter(uscc__in=usccs)
        .select_related("region", "street", "account")
    }
    open_claims = dict(
        RegistrationClaim.objects.filter(uscc__in=usccs, status=RegistrationClaim.Status.PENDING)
        .order_by()
        .values_list("uscc")
        .annotate(n=Count("id"))
    )
    rows: list[dict[str, Any]] = []
    for claim in claims:
        entry = registry.get(claim.uscc)
        has_other_account = bool(
            entry and entry.account_id and entry.account_id != claim.account_id
        )
        differences: list[dict[str, object]] = []
        if entry is not None and claim.status == RegistrationClaim.Status.PENDING:
            for label, registered, claimed in (
                (_("Name"), entry.name, claim.name),
                (_("District"), entry.region, claim.region),
                (_("Street or town"), entry.street or "", claim.street or ""),
                (_("Contact"), entry.contact_name, claim.contact_name),
                (_("Contact phone"), entry.contact_phone, claim.contact_phone),
            ):
                if str(registered) != str(claimed):
                    differences.append({"label": label, "registry": registered, "claimed": claimed})
        pending = claim.status == RegistrationClaim.Status.PENDING
        rows.append(
            {
                "claim": claim,
                "entry": entry,
                "dispute": pending and (claim.dispute or has_other_account),
                "account_now": entry.account if entry is not None and has_other_account else None,
                "differences": differences,
                "other_open": open_claims.get(claim.uscc, 0) - (1 if pending else 0),
            }
        )
    return rows
