"""Public pages (no login), mounted at /public/:

- /public/progress/: the periodic publication (三(五) "定期发布") of the last frozen
  period's figures: 达标率 by district and by industry, certified enterprises by
  grade. Counts and rates only, from the city's frozen MetricSnapshot rows
  (reporting/snapshots/): no enterprise, no person.
- /public/warnings/: the warning list, open entries by default, the removed ones on
  request: the enterprise (name, USCC, district), the rule, the reason as written
  (public facts only) and the dates."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils.translation import gettext as _

from certification.models import Application
from certification.workflow import tier_label
from enterprises.uscc import normalise_uscc
from portal.models import Industry, Region
from reporting.models import MetricSnapshot
from reporting.standing import warnings
from reporting.standing.models import WarningEntry

PER_PAGE = 30
PERIOD_KINDS = (
    MetricSnapshot.PeriodKind.MONTH,
    MetricSnapshot.PeriodKind.QUARTER,
    MetricSnapshot.PeriodKind.YEAR,
)


class BadFilter(ValueError):
    pass


def progress(period_kind: str = MetricSnapshot.PeriodKind.MONTH) -> dict[str, Any]:
    """The city's newest frozen period of ``period_kind``: {"period", "as_of", "total",
    "districts", "industries", "grades"}; "period" is "" before the first frozen one.
    Two queries (the newest code, its rows) plus the names."""
    if period_kind not in PERIOD_KINDS:
        raise BadFilter(_("Choose month, quarter or year."))
    frozen = MetricSnapshot.objects.filter(
        scope_kind=MetricSnapshot.ScopeKind.CITY,
        scope_key="",
        period_kind=period_kind,
        frozen_at__isnull=False,
    )
    newest = (
        frozen.filter(dimension="", key="")
        .order_by("-period_code")
        .values_list("period_code", flat=True)
        .first()
    )
    found: dict[str, Any] = {
        "period": newest or "",
        "period_kind": period_kind,
        "as_of": None,
        "total": None,
        "districts": [],
        "industries": [],
        "grades": [],
    }
    if newest is None:
        return found
    names = {
        "district": dict(Region.objects.values_list("code", "name")),
        "industry": {str(pk): name for pk, name in Industry.objects.values_list("code", "name")},
    }
    for dimension, key, as_of, figures in (
        frozen.filter(period_code=newest, dimension__in=["", "district", "industry"])
        .order_by("dimension", "key")
        .values_list("dimension", "key", "as_of", "figures")
    ):
        row = {
            "key": key,
            "name": names.get(dimension, {}).get(key, key) if dimension else "",
            "active": figures.get("compliance.active", 0),
            "certified": figures.get("compliance.compliant", 0),
            "rate": figures.get("compliance.rate"),
        }
        if dimension == "":
            found["as_of"] = as_of
            found["total"] = row
            found["grades"] = [
                {
                    "grade": tier,
                    "label": tier_label(tier),
                    "count": figures.get(f"compliance.live_{tier}", 0),
                }
                for tier in Application.Tier.values
            ]
        elif key != "none":
            found[{"district": "districts", "industry": "industries"}[dimension]].append(row)
    return found


def progress_page(request: Any) -> Any:
    kind = request.GET.get("period", MetricSnapshot.PeriodKind.MONTH)
    try:
        data = progress(kind)
    except BadFilter as error:
        return render(
            request,
            "public/progress.html",
            {"error": str(error), "period_kinds": PERIOD_KINDS},
            status=400,
        )
    return render(request, "public/progress.html", {**data, "period_kinds": PERIOD_KINDS})


def public_entries(params: Any) -> QuerySet[WarningEntry]:
    state = params.get("state", "") or "open"
    if state not in ("open", "closed"):
        raise BadFilter(_("Choose open or closed."))
    qs = WarningEntry.objects.filter(closed_on__isnull=(state == "open"))
    rule = params.get("rule", "")
    if rule:
        if rule not in warnings.RULES:
            raise BadFilter(_("Unknown rule: %(rule)s.") % {"rule": rule[:40]})
        qs = qs.filter(rule=rule)
    region = params.get("district", "")
    if region:
        if not Region.objects.filter(pk=region).exists():
            raise BadFilter(_("Unknown district: %(code)s.") % {"code": region[:20]})
        qs = qs.filter(enterprise__region_id=region)
    q = str(params.get("q", "")).strip()[:100]
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc=normalise_uscc(q)))
    order = ["-opened_on", "-id"] if state == "open" else ["-closed_on", "-id"]
    return qs.select_related("enterprise__region").order_by(*order)


def public_row(entry: WarningEntry) -> dict[str, Any]:
    """Only what the list publishes: never contacts, people or internal notes."""
    return {
        "enterprise": entry.enterprise.name,
        "uscc": entry.enterprise.uscc,
        "district": str(entry.enterprise.region),
        "rule": entry.rule,
        "rule_label": warnings.rule_label(entry.rule),
        "reason": entry.reason,
        "opened_on": entry.opened_on,
        "closed_on": entry.closed_on,
    }


def warnings_page(request: Any) -> Any:
    context: dict[str, Any] = {
        "values": request.GET,
        "rules": [(name, rule.label) for name, rule in warnings.RULES.items()],
        "regions": list(Region.objects.order_by("code")),
    }
    try:
        qs = public_entries(request.GET)
    except BadFilter as error:
        context["error"] = str(error)
        return render(request, "reporting/standing/public_warnings.html", context, status=400)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        page=page,
        rows=[public_row(entry) for entry in page],
        params=urlencode(
            {k: request.GET[k] for k in ("q", "district", "rule", "state") if request.GET.get(k)}
        ),
    )
    return render(request, "reporting/standing/public_warnings.html", context)
