"""Sections several government dashboards share: targets progress, and the hazards
figures when the statistics registry has a hazards table."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import OrganisationKind as Kind
from portal.models import User
from reporting.dashboards.common import Section, Source, cell, chart_section, tiles
from reporting.statistics import figures
from reporting.targets import selectors as targets

# Targets shown on a dashboard (the targets page lists them all): each costs one
# query, so the page's queries stay bounded.
TARGET_LIMIT = 5


def target_sections(user: User, source: Source) -> list[Section]:
    """Each active target's rate against its required rate, the gap, and a link to the
    enterprises not there yet (the target's page): from the snapshot's target rows,
    live for a target created since."""
    if not targets.may_read(user):
        return []
    rows: list[dict[str, Any]] = []
    found = targets.targets_for(user).prefetch_related(None).prefetch_related("allocations")
    for target in found[:TARGET_LIMIT]:
        snapshot = source.target(target.pk)
        if snapshot is None:
            progress = targets.progress(target, user)
        else:
            progress = snapshot_progress(target, user, snapshot)
        url = reverse("targets:detail", args=[target.pk])
        rows.append({"target": target, "progress": progress, "url": url})
    if not rows:
        return []
    rate = [_float(r["progress"]["rate"]) for r in rows]
    chart = {
        "type": "bar",
        "unit": "%",
        "max": 100,
        "categories": [r["target"].title for r in rows],
        "keys": [r["target"].pk for r in rows],
        "series": [
            {"name": _("Rate reached (%)"), "values": rate, "urls": [r["url"] for r in rows]},
            {
                "name": _("Target rate (%)"),
                "values": [_float(r["progress"]["target_rate"]) for r in rows],
                "urls": [r["url"] for r in rows],
            },
        ],
    }
    table = {
        "columns": [
            _("Target"),
            _("Enterprises in the target"),
            _("Reached"),
            _("Rate reached (%)"),
            _("Target rate (%)"),
            _("Gap (enterprises)"),
            _("Deadline"),
        ],
        "rows": [
            {
                "key": r["target"].pk,
                "cells": [
                    cell(r["target"].title, r["url"]),
                    cell(r["progress"]["population"], r["url"]),
                    cell(r["progress"]["reached"], r["url"]),
                    cell(_float(r["progress"]["rate"]), r["url"]),
                    cell(_float(r["progress"]["target_rate"])),
                    cell(r["progress"]["gap"], r["url"]),
                    cell(r["target"].deadline.isoformat()),
                ],
            }
            for r in rows
        ],
    }
    return [chart_section("targets", _("Targets"), chart, table, more_url=reverse("targets:list"))]


def snapshot_progress(target: Any, user: User, found: dict[str, Any]) -> dict[str, Any]:
    """targets.progress()'s figures from a snapshot row: the rate required of the
    reader (a district's or street's allocation) and the gap."""
    org = user.organisation
    rate = target.rate
    if org is not None and org.kind in (Kind.DISTRICT, Kind.STREET):
        # A district (or a street, by its district) is held to its own allocation.
        region_id = org.region_id or (org.street.region_id if org.street else None)
        allocation = {a.region_id: a.rate for a in target.allocations.all()}
        rate = allocation.get(region_id, target.rate) if region_id else target.rate
    population, reached = found.get("population") or 0, found.get("reached") or 0
    return {
        "population": population,
        "reached": reached,
        "rate": round(Decimal(100 * reached) / population, 2) if population else None,
        "target_rate": rate,
        "gap": max(math.ceil(population * rate / 100) - reached, 0),
    }


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def hazard_sections(source: Source, dimension: str) -> list[Section]:
    """The hazards table's totals, once the statistics registry has one."""
    if "hazards" not in figures.TABLES:
        return []
    _filters, _rows, total = source.stats("hazards", dimension)
    present = {m.name for m in figures.TABLES["hazards"]}
    names = [name for name in HAZARD_FIGURES if name in present]
    return [tiles("hazards", _("Hazards and self-reports"), "hazards", total, names)]


# The hazards table's figures a district reads first.
HAZARD_FIGURES = (
    "reports_due",
    "reports_filed",
    "reports_late",
    "reports_missing",
    "found",
    "rectified",
    "major_open",
    "major_overdue",
)


def trend_sections(user: User) -> list[Section]:
    """达标率 over the last twelve months of the reader's own scope, from the snapshots;
    each point leads to the trend page (its table and xlsx)."""
    from django.core.exceptions import PermissionDenied

    from reporting.snapshots import trends

    metric = "compliance.rate"
    try:
        points = trends.series(user, metric, "month", 12)
    except (trends.TrendError, PermissionDenied):
        return []
    query = urlencode({"metric": metric, "period": "month", "count": 12})
    page = reverse("snapshots:trends") + "?" + query
    chart = {
        "type": "line",
        "unit": "%",
        "max": 100,
        "categories": [p["period"] for p in points],
        "keys": [p["period"] for p in points],
        "series": [
            {
                "name": _("Compliance rate (%)"),
                "values": [_float(p["value"]) for p in points],
                "urls": [page for _p in points],
            }
        ],
    }
    table = {
        "columns": [_("Period"), _("Compliance rate (%)"), _("Final")],
        "rows": [
            {
                "key": p["period"],
                "cells": [
                    cell(p["period"]),
                    cell(_float(p["value"]), page),
                    cell(_("Yes") if p["frozen"] else ""),
                ],
            }
            for p in points
        ],
    }
    export = reverse("snapshots:trends_export") + "?" + query
    return [
        chart_section("trend", _("Compliance rate, last 12 months"), chart, table, export, page)
    ]


def worklist_sections(user: User) -> list[Section]:
    """The size of each worklist of the reader's scope (reporting/worklists/), each
    linking to its list; how many items were escalated to the level above."""
    from reporting.worklists.registry import dashboard_counts

    found = dashboard_counts(user)
    if not found:
        return []
    return [
        {
            "kind": "tiles",
            "id": "worklists",
            "title": _("Worklists"),
            "tiles": [
                {
                    "key": row["kind"],
                    "label": row["label"],
                    "value": row["count"],
                    "url": row["url"],
                    "escalated": row.get("escalated", 0),
                }
                for row in found
            ],
        }
    ]
