"""Live figures of the statistics tables, counted in the database: one GROUP BY with
conditional counts per model (enterprises, certificates), whatever the scope's size,
and the records behind each number (the drill-down).

Definitions (certification/validity.py, certification/lifecycle/):
- a live certificate is valid or suspended and not past its last day;
- 达标率: active enterprises holding a live certificate ÷ active enterprises;
- new: certificates whose validity begins in the period; revoked: revoked in the
  period; expired without renewal: expired in the period with no "renewed" event;
- renewal due without an application: live, in its renewal window, and no
  application of the same enterprise and grade since the certificate was issued
  (drafts, withdrawn and rejected applications do not count);
- annual self-assessment overdue: live, with an overdue year not yet submitted.

The other tables register their measures and kinds here from their own modules
(reviews.py T2, hazards.py T4, accidents.py T5). A measure counts rows of its kind
meeting ``condition``, unless it names an ``aggregate`` column: then it sums that
column over those rows (deaths, funds) and is not a count — the snapshots skip it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from certification.models import (
    AnnualSelfAssessment,
    Application,
    Certificate,
    CertificateEvent,
    RevocationReason,
    Status,
)
from certification.validity import LIVE, RENEWAL_WINDOW_MONTHS, add_months
from certification.workflow import tier_label
from enterprises.models import Enterprise
from enterprises.place_copy import place_scope
from enterprises.selectors import enterprise_scope
from portal.models import User
from portal.models.regions import localised_name
from reporting.statistics import grades
from reporting.statistics.filters import DIMENSIONS, NONE, Filters

ENTERPRISE = "enterprise"
CERTIFICATE = "certificate"


@dataclass(frozen=True)
class Measure:
    name: str
    label: Any
    kind: str  # a key of KINDS
    condition: Callable[[Filters, datetime.date], Q]
    # A column summed over the rows meeting ``condition`` instead of counting them
    # (not a count: the snapshots skip it).
    aggregate: str = ""


@dataclass(frozen=True)
class Rate:
    """A per cent of two measures of the same row (None when the denominator is 0)."""

    name: str
    label: Any
    numerator: str
    denominator: str


def _live(today: datetime.date) -> Q:
    return Q(status__in=LIVE, valid_until__gte=today)


def _in_period(column: str) -> Callable[[Filters, datetime.date], Q]:
    def condition(filters: Filters, today: datetime.date) -> Q:
        if column == "status_changed_at":
            begin, after = filters.period.moments()
            return Q(status_changed_at__gte=begin, status_changed_at__lt=after)
        return Q(**{column + "__gte": filters.period.start, column + "__lte": filters.period.end})

    return condition


def _compliant(filters: Filters, today: datetime.date) -> Q:
    # Uncorrelated: PostgreSQL hashes the live certificates' enterprises once instead
    # of probing the certificates for each of the city's enterprises.
    live = Certificate.objects.filter(_live(today)).values("enterprise_id")
    return Q(status=Enterprise.Status.ACTIVE) & Q(pk__in=live)


def _expired_unrenewed(filters: Filters, today: datetime.date) -> Q:
    renewed = CertificateEvent.objects.filter(
        certificate_id=OuterRef("pk"), action=CertificateEvent.Action.RENEWED
    )
    return (
        Q(status=Certificate.Status.EXPIRED)
        & _in_period("valid_until")(filters, today)
        & ~Q(Exists(renewed))
    )


def _expiring(days: int) -> Callable[[Filters, datetime.date], Q]:
    def condition(filters: Filters, today: datetime.date) -> Q:
        return _live(today) & Q(valid_until__lte=today + datetime.timedelta(days=days))

    return condition


def _renewal_due(filters: Filters, today: datetime.date) -> Q:
    months = getattr(settings, "RENEWAL_WINDOW_MONTHS", RENEWAL_WINDOW_MONTHS)
    applied = Application.objects.filter(
        enterprise_id=OuterRef("enterprise_id"),
        tier=OuterRef("tier"),
        created_at__gt=OuterRef("created_at"),
    ).exclude(
        Q(pk=OuterRef("application_id"))
        | Q(status__in=(Status.DRAFT, Status.WITHDRAWN, Status.REJECTED))
    )
    return _live(today) & Q(valid_until__lte=add_months(today, months)) & ~Q(Exists(applied))


def _annual_overdue(filters: Filters, today: datetime.date) -> Q:
    overdue = AnnualSelfAssessment.objects.filter(
        certificate_id=OuterRef("pk"),
        overdue_recorded_at__isnull=False,
        submitted_at__isnull=True,
    )
    return _live(today) & Q(Exists(overdue))


def _revoked(reason: str | None) -> Callable[[Filters, datetime.date], Q]:
    def condition(filters: Filters, today: datetime.date) -> Q:
        q = Q(status=Certificate.Status.REVOKED) & _in_period("status_changed_at")(filters, today)
        return q & Q(status_reason=reason) if reason is not None else q

    return condition


def _const(q: Q) -> Callable[[Filters, datetime.date], Q]:
    return lambda filters, today: q


def _tier(tier: str) -> Callable[[Filters, datetime.date], Q]:
    return lambda filters, today: _live(today) & Q(tier=tier)


ACTIVE = Q(status=Enterprise.Status.ACTIVE)

COMPLIANCE: tuple[Measure, ...] = (
    Measure("active", _("Active enterprises"), ENTERPRISE, _const(ACTIVE)),
    *(
        Measure(f"active_{scale}", label, ENTERPRISE, _const(ACTIVE & Q(scale=scale)))
        for scale, label in Enterprise.Scale.choices
    ),
    *(
        Measure(
            f"live_{tier}", format_lazy(_("Live: {grade}"), grade=label), CERTIFICATE, _tier(tier)
        )
        for tier, label in Application.Tier.choices
    ),
    Measure("compliant", _("Enterprises with a live certificate"), ENTERPRISE, _compliant),
    Measure("new", _("New certificates"), CERTIFICATE, _in_period("valid_from")),
    Measure("revoked", _("Revoked"), CERTIFICATE, _revoked(None)),
    Measure("expired_unrenewed", _("Expired without renewal"), CERTIFICATE, _expired_unrenewed),
)

CERTIFICATES: tuple[Measure, ...] = (
    *(
        Measure(
            f"expiring_{days}",
            format_lazy(_("Expiring in {days} days"), days=days),
            CERTIFICATE,
            _expiring(days),
        )
        for days in (30, 60, 90)
    ),
    Measure("renewal_due", _("Renewal window open, no application"), CERTIFICATE, _renewal_due),
    Measure(
        "suspended", _("Suspended"), CERTIFICATE, _const(Q(status=Certificate.Status.SUSPENDED))
    ),
    Measure("revoked", _("Revoked in the period"), CERTIFICATE, _revoked(None)),
    *(
        Measure(f"revoked_{reason}", label, CERTIFICATE, _revoked(reason))
        for reason, label in RevocationReason.choices
    ),
    Measure(
        "flagged",
        _("Flagged for revocation review"),
        CERTIFICATE,
        lambda filters, today: _live(today) & Q(review_flagged_at__isnull=False),
    ),
    Measure("annual_overdue", _("Annual self-assessment overdue"), CERTIFICATE, _annual_overdue),
)

TABLES: dict[str, tuple[Measure, ...]] = {"compliance": COMPLIANCE, "certificates": CERTIFICATES}
RATES: dict[str, tuple[Rate, ...]] = {
    "compliance": (Rate("rate", _("Rate (%)"), "compliant", "active"),),
}


def tier_text(tier: str) -> str:
    return str(tier_label(tier))


def measure(table: str, name: str) -> Measure | None:
    return next((m for m in TABLES[table] if m.name == name), None)


@dataclass(frozen=True)
class Kind:
    """What a measure counts: the rows (before any scope) and the path from a row to
    its enterprise, where the scope and the filters apply."""

    rows: Callable[[], QuerySet[Any]]
    prefix: str  # "" for enterprises, "enterprise__" for a model pointing at one
    # The rows the table's measures can count at all for these filters (e.g. the
    # period's forms), so the grouped query reads no others; None: every row.
    narrow: Callable[[Filters], Q] | None = None
    # The row keeps a copy of its enterprise's district, street and industry
    # (EnterprisePlace): the scope rule reads it where the rule is a place
    # (enterprises.place_copy.place_scope) and the rows by district, street
    # or industry group on it, so a district's table joins no registry row (joined,
    # PostgreSQL hashed all 500,000 enterprises for 朝阳区's 14,000 certificates:
    # 180 ms where 70 ms was enough).
    own_place: bool = False


# A row's own copy of its enterprise's place (EnterprisePlace), by dimension: the key
# and the name.
OWN_PLACE = {
    "district": ("region_id", "region__name"),
    "street": ("street__code", "street__name"),
    "industry": ("enterprise_industry_id", "enterprise_industry__name"),
}


# Tables register the kinds they count; the snapshots (reporting/snapshots/) read
# the same registry, so a new table's figures are snapshotted without more code.
KINDS: dict[str, Kind] = {
    ENTERPRISE: Kind(lambda: Enterprise.objects.all(), ""),
    CERTIFICATE: Kind(
        lambda: Certificate.objects.all(),
        "enterprise__",
        own_place=True,
    ),
}


# Dimensions other than an enterprise column: name -> (kind, filters) -> the row's
# key and label expressions; and the filter of the same name -> (kind, value) -> Q.
DIMENSION_KEYS: dict[str, Callable[[str, Filters], tuple[Any, Any]]] = {
    "grade": lambda kind, filters: (grades.grade_key(KINDS[kind].prefix, filters.today), None),
}
ROW_FILTERS: dict[str, Callable[[str, str], Q]] = {}


@dataclass(frozen=True)
class Column:
    name: str
    label: Any
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Listing:
    """How the drill-down lists the rows of a kind (the enterprise and certificate
    lists have their own templates): columns, joins, order, and ``enterprise``, the
    attribute path from a row to its enterprise (linked on the page)."""

    columns: tuple[Column, ...]
    related: tuple[str, ...]
    order: tuple[str, ...]
    enterprise: str = "enterprise"
    annotate: Callable[[QuerySet[Any], Filters, datetime.date], QuerySet[Any]] | None = None

    def enterprise_of(self, row: Any) -> Enterprise:
        found = row
        for part in filter(None, self.enterprise.split(".")):
            found = getattr(found, part)
        assert isinstance(found, Enterprise)
        return found

    def cells(self, row: Any) -> list[Any]:
        return [column.value(row) for column in self.columns]


LISTINGS: dict[str, Listing] = {}


def local_time(value: datetime.datetime | None) -> str:
    """A moment as local text (xlsx cells cannot hold aware datetimes)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def scoped_base(kind: str, user: User, filters: Filters) -> QuerySet[Any]:
    """The rows of a kind in the user's scope and the filters."""
    return _base(kind, user, filters)


def _base(kind: str, user: User, filters: Filters) -> QuerySet[Any]:
    found = KINDS[kind]
    scope = place_scope(user) if found.own_place else enterprise_scope(user, found.prefix)
    qs = found.rows().filter(scope, filters.enterprise_q(found.prefix))
    for name, condition in ROW_FILTERS.items():
        value = getattr(filters, name, "")
        if value:
            qs = qs.filter(condition(kind, value))
    return qs


def _figure(m: Measure, filters: Filters, today: datetime.date) -> Any:
    if m.aggregate:
        return Sum(m.aggregate, filter=m.condition(filters, today))
    return Count("pk", filter=m.condition(filters, today))


def _grouped(
    model_kind: str, measures: list[Measure], user: User, filters: Filters, today: datetime.date
) -> dict[Any, dict[str, Any]]:
    prefix = KINDS[model_kind].prefix
    labels = {
        "district": prefix + "region__name",
        "street": prefix + "street__name",
        "industry": prefix + "industry__name",
    }
    if filters.dimension in DIMENSION_KEYS:
        key, label = DIMENSION_KEYS[filters.dimension](model_kind, filters)
    elif KINDS[model_kind].own_place and filters.dimension in OWN_PLACE:
        column, name = OWN_PLACE[filters.dimension]
        key, label = F(column), localised_name(name)
    else:
        key = F(prefix + DIMENSIONS[filters.dimension])
        label = localised_name(labels[filters.dimension]) if filters.dimension in labels else None
    extra = {"label": label} if label is not None else {}
    narrow = KINDS[model_kind].narrow
    qs = (
        _base(model_kind, user, filters)
        .filter(narrow(filters) if narrow else Q())
        .order_by()
        .values(key=key, **extra)
        .annotate(**{m.name: _figure(m, filters, today) for m in measures})
    )
    return {row["key"]: row for row in qs}


def _row_label(dimension: str, key: Any, label: Any) -> str:
    if dimension == "grade":
        return grades.label(key)
    if key in (None, ""):
        return str(_("Not recorded"))
    if dimension == "scale":
        return str(Enterprise.Scale(key).label)
    return str(label or key)


def with_rates(table_name: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row["rates"] = {}
        for rate in RATES.get(table_name, ()):
            top, bottom = row[rate.numerator], row[rate.denominator]
            row[rate.name] = row["rates"][rate.name] = (
                round(100 * top / bottom, 1) if bottom else None
            )


def table(
    table_name: str, user: User, filters: Filters, today: datetime.date | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows (one per value of the dimension) and the total, each a dict with ``key``,
    ``label`` and one count per measure (and ``rate`` for the compliance table).
    One query per kind of record counted (enterprises, certificates …), each grouped
    by the dimension."""
    today = today or timezone.localdate()
    measures = TABLES[table_name]
    merged: dict[Any, dict[str, Any]] = {}
    for kind in dict.fromkeys(m.kind for m in measures):
        chosen = [m for m in measures if m.kind == kind]
        if not chosen:
            continue
        for key, row in _grouped(kind, chosen, user, filters, today).items():
            target = merged.setdefault(key, {"key": key, "label": row.get("label")})
            target.update({m.name: row[m.name] or 0 for m in chosen})
    rows = []
    for key, row in merged.items():
        row["label"] = _row_label(filters.dimension, key, row.get("label"))
        row["key"] = NONE if key in (None, "") else str(key)
        for m in measures:
            row.setdefault(m.name, 0)
        rows.append(row)
    rows.sort(key=lambda r: (r["key"] == NONE, _sort_key(filters.dimension, r["key"])))
    total: dict[str, Any] = {"key": "", "label": str(_("Total"))}
    for m in measures:
        total[m.name] = sum(r[m.name] for r in rows)
    with_rates(table_name, [*rows, total])
    return rows, total


def _sort_key(dimension: str, key: str) -> Any:
    if dimension == "grade" and key in grades.ORDER:
        return (grades.ORDER.index(key), "")
    return (0, key.zfill(12) if key.isdigit() else key)


def records(
    table_name: str, name: str, user: User, filters: Filters, today: datetime.date | None = None
) -> QuerySet[Any]:
    """The enterprises or certificates behind one number."""
    today = today or timezone.localdate()
    found = measure(table_name, name)
    if found is None:
        raise KeyError(name)
    qs: QuerySet[Model] = _base(found.kind, user, filters).filter(found.condition(filters, today))
    listing = LISTINGS.get(found.kind)
    if listing is not None:
        qs = qs.select_related(*listing.related).order_by(*listing.order)
        return listing.annotate(qs, filters, today) if listing.annotate else qs
    if found.kind == ENTERPRISE:
        return qs.select_related("region", "street", "industry").order_by("name", "pk")
    return qs.select_related("enterprise__region", "enterprise__street", "industry").order_by(
        "valid_until", "number"
    )


# The other tables register themselves into TABLES, RATES, KINDS, LISTINGS and the
# dimension registries; importing them here makes ``figures`` the one entry point.
from reporting.statistics import accidents, hazards, reviews  # noqa: E402,F401
