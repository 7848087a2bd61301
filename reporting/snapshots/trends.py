"""Trends: a metric's snapshots over the last periods, for the reader's own scope.

Scopes: the city office reads the city (its own) and any district, street or
regulator; a district its district and its streets; a street office its street; a
regulator itself. Anything else raises PermissionDenied (404 on the pages and in
the API); an unknown metric, period kind or scope raises TrendError (400).

Organising units have no scope of their own among the snapshots: they read the
city's rows of the industry dimension for the industries they organise, summed (a
rate is computed from the summed counts). Each series is one query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Organisation, Qualification, Region, Street
from portal.models import OrganisationKind as OrgKind
from reporting.models import MetricSnapshot, Target
from reporting.snapshots import compute as computing
from reporting.snapshots import periods
from reporting.statistics import figures

Scope = MetricSnapshot.ScopeKind
MAX_COUNT = 60


class TrendError(ValueError):
    pass


@dataclass(frozen=True)
class ScopeRef:
    kind: str
    key: str = ""
    # Organising units: the city's industry rows of these industries.
    industries: Any = None

    @property
    def code(self) -> str:
        return self.kind if self.kind == Scope.CITY else f"{self.kind}:{self.key}"


def _rate_of(metric: str) -> Any:
    table, _dot, name = metric.partition(".")
    if table not in figures.TABLES:
        return None
    return next((r for r in computing.rates(table) if r.name == name), None)


def metric_label(metric: str) -> str:
    table, _dot, name = metric.partition(".")
    if table not in figures.TABLES:
        return metric
    rate = _rate_of(metric)
    found = figures.measure(table, name)
    return str(rate.label if rate else found.label if found else metric)


def check_metric(metric: str) -> str:
    if metric not in computing.metric_names():
        raise TrendError(_("Unknown metric: %(value)s.") % {"value": metric})
    return metric


def check_period_kind(period_kind: str) -> str:
    if period_kind not in periods.KINDS:
        raise TrendError(
            _("The period must be one of: %(kinds)s.") % {"kinds": ", ".join(periods.KINDS)}
        )
    return period_kind


def parse_scope(value: str) -> tuple[str, str] | None:
    """ "city", "district:110105", "street:110105001", "regulator:12"; "": the reader's."""
    value = (value or "").strip()
    if not value:
        return None
    kind, _colon, key = value.partition(":")
    if kind == Scope.CITY and not key:
        return (kind, "")
    if kind in Scope.values and kind != Scope.CITY and key:
        return (kind, key)
    raise TrendError(_("Unknown scope: %(value)s.") % {"value": value})


def own_scope(user: Any) -> ScopeRef:
    org = getattr(user, "organisation", None)
    if not getattr(user, "is_authenticated", False) or org is None or not user.can_act:
        raise PermissionDenied
    if org.kind == OrgKind.CITY_OFFICE:
        return ScopeRef(Scope.CITY)
    if org.kind == OrgKind.DISTRICT and org.region_id:
        return ScopeRef(Scope.DISTRICT, org.region_id)
    if org.kind == OrgKind.STREET and org.street_id:
        return ScopeRef(Scope.STREET, org.street.code)
    if org.kind == OrgKind.REGULATOR:
        return ScopeRef(Scope.REGULATOR, str(org.pk))
    if org.kind == OrgKind.ORGANISING_UNIT:
        industries = Qualification.objects.filter(organisation=org).values("industry_id")
        return ScopeRef(Scope.CITY, "", industries)
    raise PermissionDenied


def _exists(kind: str, key: str) -> bool:
    if kind == Scope.DISTRICT:
        return Region.objects.filter(pk=key).exists()
    if kind == Scope.STREET:
        return Street.objects.filter(code=key).exists()
    if kind == Scope.REGULATOR:
        return (
            key.isdigit()
            and Organisation.objects.filter(pk=int(key), kind=OrgKind.REGULATOR).exists()
        )
    return True


def resolve_scope(user: Any, scope: tuple[str, str] | None) -> ScopeRef:
    """The reader's own scope, or ``scope`` when the reader may read it."""
    own = own_scope(user)
    if scope is None:
        return own
    kind, key = scope
    if kind not in Scope.values:
        raise TrendError(_("Unknown scope: %(value)s.") % {"value": kind})
    if not _exists(kind, key):
        raise TrendError(_("Unknown scope: %(value)s.") % {"value": f"{kind}:{key}"})
    if own.industries is None and (kind, key) == (own.kind, own.key):
        return own
    if own.kind == Scope.CITY and own.industries is None:
        return ScopeRef(kind, key)
    if (
        own.kind == Scope.DISTRICT
        and kind == Scope.STREET
        and Street.objects.filter(code=key, region_id=own.key).exists()
    ):
        return ScopeRef(kind, key)
    raise PermissionDenied


def _codes(period_kind: str, count: int) -> list[str]:
    if not 1 <= count <= MAX_COUNT:
        raise TrendError(_("Ask for 1 to %(max)s periods.") % {"max": MAX_COUNT})
    return [p.code for p in periods.last(period_kind, count, timezone.localdate())]


def _rows(scope: ScopeRef, period_kind: str, codes: list[str], dimension: str = "", key=None):
    qs = MetricSnapshot.objects.filter(
        period_kind=period_kind, period_code__in=codes, scope_kind=scope.kind
    )
    if scope.industries is not None and dimension == "":
        qs = qs.filter(scope_key="", dimension="industry", key__in=scope.industries)
    else:
        qs = qs.filter(scope_key=scope.key, dimension=dimension)
        if key is not None:
            qs = qs.filter(key=key)
        elif dimension == "":
            qs = qs.filter(key="")
    return qs.values_list("period_code", "figures", "frozen_at")


def _value(metric: str, summed: dict[str, Any]) -> Any:
    rate = _rate_of(metric)
    if rate is None:
        return summed.get(metric)
    table = metric.partition(".")[0]
    if f"{table}.{rate.denominator}" not in summed:
        return None
    # Summed rows (an organising unit's industries): the rate of the sums.
    return computing._rate(
        summed.get(f"{table}.{rate.numerator}", 0), summed[f"{table}.{rate.denominator}"]
    )


def _series(metric: str, codes: list[str], rows) -> list[dict[str, Any]]:
    summed: dict[str, dict[str, Any]] = defaultdict(dict)
    frozen: dict[str, bool] = {}
    for code, values, frozen_at in rows:
        into = summed[code]
        for name, number in values.items():
            if isinstance(number, int | float):
                into[name] = into.get(name, 0) + number
        frozen[code] = frozen.get(code, True) and frozen_at is not None
    return [
        {
            "period": code,
            "value": _value(metric, summed[code]) if code in summed else None,
            "frozen": frozen.get(code, False),
        }
        for code in codes
    ]


def series(
    user: Any,
    metric: str,
    period_kind: str = "month",
    count: int = 12,
    scope: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The last ``count`` periods of ``metric`` ("table.measure"), oldest first: each
    {"period": code, "value": number or None (no snapshot), "frozen": bool}."""
    check_metric(metric)
    check_period_kind(period_kind)
    codes = _codes(period_kind, count)
    ref = resolve_scope(user, scope)
    return _series(metric, codes, _rows(ref, period_kind, codes))


def compare(
    user: Any,
    metric: str,
    period_kind: str,
    scopes: list[tuple[str, str]],
    count: int = 12,
) -> list[dict[str, Any]]:
    """Several scopes' series side by side (the city comparing districts): each
    {"scope": "district:110105", "series": [...]}. Every scope is checked as in
    series(); one query for the snapshots."""
    check_metric(metric)
    check_period_kind(period_kind)
    codes = _codes(period_kind, count)
    refs = [resolve_scope(user, scope) for scope in scopes]
    if any(ref.industries is not None for ref in refs):
        return [
            {"scope": ref.code, "series": _series(metric, codes, _rows(ref, period_kind, codes))}
            for ref in refs
        ]
    wanted = Q(pk__in=[])
    for ref in refs:
        wanted |= Q(scope_kind=ref.kind, scope_key=ref.key)
    rows = MetricSnapshot.objects.filter(
        wanted, period_kind=period_kind, period_code__in=codes, dimension="", key=""
    ).values_list("scope_kind", "scope_key", "period_code", "figures", "frozen_at")
    by_scope: dict[tuple[str, str], list] = defaultdict(list)
    for kind, key, *rest in rows:
        by_scope[(kind, key)].append(rest)
    return [
        {"scope": ref.code, "series": _series(metric, codes, by_scope[(ref.kind, ref.key)])}
        for ref in refs
    ]


def target_series(
    user: Any, target: Target, period_kind: str = "month", count: int = 12
) -> list[dict[str, Any]]:
    """A target's progress in the reader's scope over the last periods: each
    {"period", "population", "reached", "rate", "frozen"}; None where no snapshot."""
    check_period_kind(period_kind)
    codes = _codes(period_kind, count)
    ref = own_scope(user)
    if ref.industries is not None:
        raise PermissionDenied
    found = {
        code: (values, frozen_at)
        for code, values, frozen_at in _rows(
            ref, period_kind, codes, dimension=computing.TARGET, key=str(target.pk)
        )
    }
    out = []
    for code in codes:
        values, frozen_at = found.get(code, ({}, None))
        out.append(
            {
                "period": code,
                "population": values.get("population"),
                "reached": values.get("reached"),
                "rate": values.get("rate"),
                "frozen": frozen_at is not None,
            }
        )
    return out
