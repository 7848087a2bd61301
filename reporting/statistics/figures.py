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
- annual self-assessment overdue: live, with an overdue year not yet submitted."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet
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
from enterprises.selectors import enterprise_scope
from portal.models import User
from reporting.statistics.filters import DIMENSIONS, NONE, Filters

ENTERPRISE = "enterprise"
CERTIFICATE = "certificate"


@dataclass(frozen=True)
class Measure:
    name: str
    label: Any
    kind: str  # ENTERPRISE or CERTIFICATE
    condition: Callable[[Filters, datetime.date], Q]


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
    live = Certificate.objects.filter(_live(today), enterprise_id=OuterRef("pk"))
    return Q(status=Enterprise.Status.ACTIVE) & Q(Exists(live))


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


# Tables register the kinds they count; the snapshots (reporting/snapshots/) read
# the same registry, so a new table's figures are snapshotted without more code.
KINDS: dict[str, Kind] = {
    ENTERPRISE: Kind(lambda: Enterprise.objects.all(), ""),
    CERTIFICATE: Kind(lambda: Certificate.objects.all(), "enterprise__"),
}


def scoped_rows(kind: str, scope: Q, filters: Filters) -> QuerySet[Any]:
    """The rows of a kind inside ``scope`` (a condition on enterprises, written from
    the enterprise: ``Q(region_id=…)``) and the filters."""
    found = KINDS[kind]
    return found.rows().filter(_on(found.prefix, scope), filters.enterprise_q(found.prefix))


def _on(prefix: str, scope: Q) -> Q:
    """``scope`` moved from enterprises to the rows reached through ``prefix``."""
    if not prefix:
        return scope
    moved = Q()
    moved.connector, moved.negated = scope.connector, scope.negated
    moved.children = [
        _on(prefix, child) if isinstance(child, Q) else (prefix + child[0], child[1])
        for child in scope.children
    ]
    return moved


def _base(kind: str, user: User, filters: Filters) -> QuerySet[Any]:
    found = KINDS[kind]
    return found.rows().filter(
        enterprise_scope(user, found.prefix), filters.enterprise_q(found.prefix)
    )


def _grouped(
    model_kind: str, measures: list[Measure], user: User, filters: Filters, today: datetime.date
) -> dict[Any, dict[str, Any]]:
    prefix = KINDS[model_kind].prefix
    column = prefix + DIMENSIONS[filters.dimension]
    labels = {
        "district": prefix + "region__name",
        "street": prefix + "street__name",
        "industry": prefix + "industry__name",
    }
    extra = {"label": F(labels[filters.dimension])} if filters.dimension in labels else {}
    qs = (
        _base(model_kind, user, filters)
        .order_by()
        .values(key=F(column), **extra)
        .annotate(**{m.name: Count("pk", filter=m.condition(filters, today)) for m in measures})
    )
    return {row["key"]: row for row in qs}


def _row_label(dimension: str, key: Any, label: Any) -> str:
    if key in (None, ""):
        return str(_("Not recorded"))
    if dimension == "scale":
        return str(Enterprise.Scale(key).label)
    return str(label or key)


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
            target.update({m.name: row[m.name] for m in chosen})
    rows = []
    for key, row in merged.items():
        row["label"] = _row_label(filters.dimension, key, row.get("label"))
        row["key"] = NONE if key in (None, "") else key
        for m in measures:
            row.setdefault(m.name, 0)
        rows.append(row)
    rows.sort(key=lambda r: (r["key"] == NONE, str(r["key"])))
    total: dict[str, Any] = {"key": "", "label": str(_("Total"))}
    for m in measures:
        total[m.name] = sum(r[m.name] for r in rows)
    if table_name == "compliance":
        for row in (*rows, total):
            row["rate"] = (
                round(100 * row["compliant"] / row["active"], 1) if row["active"] else None
            )
    return rows, total


def records(
    table_name: str, name: str, user: User, filters: Filters, today: datetime.date | None = None
) -> QuerySet[Any]:
    """The enterprises or certificates behind one number."""
    today = today or timezone.localdate()
    found = measure(table_name, name)
    if found is None:
        raise KeyError(name)
    qs: QuerySet[Model] = _base(found.kind, user, filters).filter(found.condition(filters, today))
    if found.kind == ENTERPRISE:
        return qs.select_related("region", "street", "industry").order_by("name", "pk")
    return qs.select_related("enterprise__region", "enterprise__street", "industry").order_by(
        "valid_until", "number"
    )
