"""Scoped reads of self-reports and the quarterly tables, and the filing status of a
period (who must report, who filed on time, late, not at all)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from hazards.models import PeriodKind, QuarterlyTable, ReportingRule, SelfReport
from hazards.registry_sync import PLACE_KINDS
from hazards.selfreports.periods import Period
from portal.models import OrganisationKind, Street
from portal.models.regions import localised_name

S = SelfReport.Status


def self_reports_visible_to(user: Any, qs: QuerySet[SelfReport]) -> QuerySet[SelfReport]:
    """Whoever sees the enterprise sees its submitted forms; drafts only its own users."""
    qs = qs.filter(enterprise_scope(user, "enterprise__"))
    org = getattr(user, "organisation", None)
    if org is not None and org.kind == OrganisationKind.ENTERPRISE:
        return qs
    return qs.exclude(status=S.DRAFT)


def current_reports_visible_to(user: Any, qs: QuerySet[SelfReport]) -> QuerySet[SelfReport]:
    """The current forms (is_current) the user sees. Current forms follow their
    enterprise (hazards/registry_sync.py), so for districts, streets, regulators and
    the city office the scope holds on the form's own place: a list page walks
    their index in its order without joining the registry."""
    qs = qs.filter(is_current=True)
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is not None and org.kind in PLACE_KINDS:
        return qs.filter(enterprise_scope(user)).exclude(status=S.DRAFT)
    return self_reports_visible_to(user, qs)


def tables_visible_to(user: Any, qs: QuerySet[QuarterlyTable]) -> QuerySet[QuarterlyTable]:
    """A district its own tables, the city office all."""
    org = getattr(user, "organisation", None) if getattr(user, "is_authenticated", False) else None
    if org is None or not org.is_active or not user.is_active:
        return qs.none()
    if org.kind == OrganisationKind.CITY_OFFICE:
        return qs
    if org.kind == OrganisationKind.DISTRICT:
        return qs.filter(region_id=org.region_id)
    return qs.none()


# --------------------------------------------------------------------------
# Filing status

# The states an obligated enterprise's period can be in, as filters of the page.
STATES = ("filed", "on_time", "late", "missing", "zero", "awaiting", "acknowledged", "returned")
FILED_STATUSES = (S.SUBMITTED, S.ACKNOWLEDGED, S.RETURNED)


def state_conditions() -> dict[str, Q]:
    """Each state as a condition on an enterprise annotated with ``rep`` (its current
    form of the period, if any)."""
    filed = Q(rep__status__in=FILED_STATUSES)
    return {
        "filed": filed,
        "on_time": filed & Q(rep__late=False),
        "late": filed & Q(rep__late=True),
        "missing": Q(rep__isnull=True) | Q(rep__status=S.DRAFT),
        "zero": filed & Q(rep__zero_report=True),
        "awaiting": Q(rep__status=S.SUBMITTED),
        "acknowledged": Q(rep__status=S.ACKNOWLEDGED),
        "returned": Q(rep__status=S.RETURNED),
    }


def obligated_enterprises(user: Any, period: Period) -> QuerySet[Enterprise]:
    """The active enterprises in the user's scope that must file this period's form
    (for a month: those of districts that require monthly forms)."""
    qs = Enterprise.objects.filter(enterprise_scope(user), status=Enterprise.Status.ACTIVE)
    if period.kind == PeriodKind.MONTH:
        qs = qs.filter(region_id__in=ReportingRule.objects.filter(monthly=True).values("region_id"))
    return qs


def obligated(user: Any, period: Period) -> QuerySet[Enterprise]:
    """obligated_enterprises, each annotated with ``rep``: its current form of the
    period, joined once."""
    org = getattr(user, "organisation", None)
    district = org.region_id if org is not None and org.kind == OrganisationKind.DISTRICT else None
    return with_current_report(obligated_enterprises(user, period), period, region_id=district)


def with_current_report(
    qs: QuerySet[Enterprise], period: Period, *, region_id: str | None = None
) -> QuerySet[Enterprise]:
    """Enterprises annotated with ``rep``: their current form of the period, if any
    (a LEFT JOIN on the one-current-form-per-period index). ``region_id``: the
    enterprises are all of that district, so only its forms are read (current forms
    follow their enterprise: hazards/registry_sync.py), not the whole city's."""
    condition = Q(
        self_reports__period_kind=period.kind,
        self_reports__year=period.year,
        self_reports__period=period.number,
        self_reports__is_current=True,
    )
    if region_id is not None:
        condition &= Q(self_reports__region_id=region_id)
    return qs.annotate(rep=FilteredRelation("self_reports", condition=condition))


def filter_status(
    qs: QuerySet[Enterprise],
    *,
    state: str = "",
    district: str = "",
    street: str = "",
    q: str = "",
) -> QuerySet[Enterprise]:
    if state in STATES:
        qs = qs.filter(state_conditions()[state])
    if district:
        qs = qs.filter(region_id=district)
    if street:
        qs = qs.filter(street__code=street)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
    return qs


def states_of(status: str | None, late: bool | None, zero_report: bool | None) -> list[str]:
    """The states (state_conditions) of an enterprise whose current form has these
    values (all None: no form), decided in Python for the counts."""
    if status is None or status == S.DRAFT:
        return ["missing"]
    by_status = {S.SUBMITTED: "awaiting", S.ACKNOWLEDGED: "acknowledged", S.RETURNED: "returned"}
    states = ["filed", "late" if late else "on_time", by_status[S(status)]]
    return [*states, "zero"] if zero_report else states


def _tally(rows: Any, key: tuple[str, ...]) -> dict[Any, dict[str, int]]:
    """Fold rows of (``key``…, status, late, zero_report, n) into counts per key."""
    counted: dict[Any, dict[str, int]] = {}
    for row in rows:
        group = counted.setdefault(tuple(row[k] for k in key), dict.fromkeys(("total", *STATES), 0))
        n = row["n"]
        group["total"] += n
        for state in states_of(row["rep__status"], row["rep__late"], row["rep__zero_report"]):
            group[state] += n
    return counted


# Counting groups the joined rows by the form's few (status, late, zero_report)
# values and folds them in Python: one COUNT(*) per group is much cheaper for the
# database than nine filtered counts over each of a district's ~70,000 enterprises.
TALLY = ("rep__status", "rep__late", "rep__zero_report")


def status_counts(qs: QuerySet[Enterprise]) -> dict[str, int]:
    """How many enterprises are in each state: one query."""
    rows = qs.order_by().values(*TALLY).annotate(n=Count("*"))
    return _tally(rows, ()).get((), dict.fromkeys(("total", *STATES), 0))


# The list's order: district, street (by code; none last), name. Its groups (district
# × street) are counted by status_groups, so that a page reads only the groups it shows.
ORDER = ("region_id", F("street__code").asc(nulls_last=True), "name", "pk")


def _ordered(
    counted: dict[Any, dict[str, int]], street_codes: dict[int, str] | None
) -> list[dict[str, Any]]:
    """The groups (district, street) → counts in the list's order; the streets' codes
    from ``street_codes`` (id → code), one query for those it lacks."""
    codes = dict(street_codes or {})
    unknown = {street for _region, street in counted if street is not None} - codes.keys()
    if unknown:
        codes.update(Street.objects.filter(pk__in=unknown).values_list("pk", "code"))

    def place(key: tuple[str, int | None]) -> tuple[str, bool, str]:
        region, street = key
        return (region, street is None, codes[street] if street is not None else "")

    return [
        {"region_id": key[0], "street_id": key[1], **counted[key]}
        for key in sorted(counted, key=place)
    ]


def status_groups(
    qs: QuerySet[Enterprise], street_codes: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """status_counts per district × street, in the list's order: one query (and one
    for streets missing from ``street_codes``). The database groups by the street's
    id (no join to the streets, no sort of the enterprises); the few groups are
    ordered here."""
    rows = qs.order_by().values("region_id", "street_id", *TALLY).annotate(n=Count("*"))
    return _ordered(_tally(rows, ("region_id", "street_id")), street_codes)


def district_status_groups(
    qs: QuerySet[Enterprise],
    period: Period,
    region_id: str,
    street_codes: dict[int, str] | None = None,
) -> list[dict[str, Any]]:
    """status_groups of ``qs``: obligated(), filtered to at most the active
    enterprises of one district, without a filter on their name (filter_status's
    district, street, not q). Two index-only reads instead of joining the district's
    ~70,000 enterprises to its forms: the enterprises per street, and the period's
    current forms per street by their own street (current forms follow their
    enterprise: hazards/registry_sync.py), less those of its enterprises that are no
    longer active. Groups without an obligated enterprise are dropped."""
    counted: dict[Any, dict[str, int]] = {}
    for row in qs.order_by().values("region_id", "street_id").annotate(n=Count("*")):
        counted[(row["region_id"], row["street_id"])] = {
            **dict.fromkeys(STATES, 0),
            "total": row["n"],
            "missing": row["n"],
        }
    gone = Enterprise.objects.filter(pk=OuterRef("enterprise_id"), region_id=region_id).exclude(
        status=Enterprise.Status.ACTIVE
    )
    forms = (
        SelfReport.objects.filter(
            region_id=region_id,
            period_kind=period.kind,
            year=period.year,
            period=period.number,
            is_current=True,
        )
        .exclude(status=S.DRAFT)
        .filter(~Exists(gone))
        .order_by()
        .values("region_id", "street_id", "status", "late", "zero_report")
        .annotate(n=Count("*"))
    )
    for row in forms:
        group = counted.get((row["region_id"], row["street_id"]))
        if group is None:  # a street filtered out, or a month the district needs no form
            continue
        group["missing"] -= row["n"]
        for state in states_of(row["status"], row["late"], row["zero_report"]):
            group[state] += row["n"]
    return _ordered(counted, street_codes)


def totals(groups: list[dict[str, Any]]) -> dict[str, int]:
    return {name: sum(g[name] for g in groups) for name in ("total", *STATES)}


def page_of_rows(
    rows: QuerySet[Any],
    groups: list[dict[str, Any]],
    key: str,
    bottom: int,
    top: int,
    enterprises: QuerySet[Enterprise] | None = None,
) -> list[dict[str, Any]]:
    """Rows bottom..top of ``rows`` (ordered by ORDER; ``key`` the state filtering it,
    or "total"), reading only the district × street groups that hold them: the
    database sorts those groups' enterprises instead of the whole district's. With
    ``enterprises`` (the rows' enterprises, not joined to their forms; key "total"),
    the page's enterprises are picked first and only theirs forms looked up."""
    position, before = 0, 0
    wanted: list[Q] = []
    for group in groups:
        count = group[key]
        if count and position + count > bottom and position < top:
            if not wanted:
                before = position
            street = group["street_id"]
            wanted.append(
                Q(region_id=group["region_id"])
                & (Q(street__isnull=True) if street is None else Q(street_id=street))
            )
        position += count
    if not wanted:
        return []
    condition = wanted[0]
    for more in wanted[1:]:
        condition |= more
    if enterprises is not None and key == "total":
        picked = enterprises.filter(condition).order_by(*ORDER).values("pk")
        return list(rows.filter(pk__in=picked[bottom - before : top - before]))
    return list(rows.filter(condition)[bottom - before : top - before])


def status_rows(qs: QuerySet[Enterprise]) -> QuerySet[Any]:
    """The list's rows: the enterprise, its place and its form's state, as values
    (``rep`` comes from obligated(); the type checker cannot follow it)."""
    rows: QuerySet[Any] = qs.order_by(*ORDER)
    return rows.values(
        "pk",
        "name",
        "uscc",
        "region_id",
        "region__name",
        "street__name",
        "rep__pk",
        "rep__status",
        "rep__late",
        "rep__zero_report",
        "rep__submitted_at",
        "rep__version",
        # The place as the reader names it (the export keeps the Chinese names).
        region_label=localised_name("region__name"),
        street_label=localised_name("street__name"),
    )


def inbox(user: Any) -> QuerySet[SelfReport]:
    """Forms sent to the user's organisation and awaiting its acknowledgement."""
    if not getattr(user, "organisation_id", None):
        return SelfReport.objects.none()
    return (
        SelfReport.objects.visible_to(user)
        .filter(receiver_id=user.organisation_id, status=S.SUBMITTED, is_current=True)
        .select_related("enterprise")
        .order_by("submitted_at", "pk")
    )
