"""The city office's and the regulators' dashboards: the districts (or industries)
side by side, the districts ranked by 达标率 on a tile grid, and two districts
compared."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import Region, User
from reporting.dashboards import extras
from reporting.dashboards.common import (
    Section,
    Source,
    cell,
    certificate_tiles,
    chart_section,
    compliance_charts,
    export_url,
    label_of,
    measures_table,
    rate_chart,
    table_url,
)
from reporting.statistics import figures
from reporting.statistics.views import drill_url


def regulator(user: User, source: Source) -> list[Section]:
    charts, _total = compliance_charts("industries", _("industry"), source, "industry")
    return [
        *charts,
        certificate_tiles(source, "industry"),
        *extras.target_sections(user, source),
        *extras.trend_sections(user),
    ]


def city(user: User, source: Source) -> list[Section]:
    regions = list(Region.objects.order_by("code"))
    demonstration = {r.pk for r in regions if r.is_demonstration}
    filters, rows, total = source.stats("compliance", "district")
    ranked = sorted(
        (r for r in rows if r["active"]), key=lambda r: (-(r["rate"] or 0), str(r["key"]))
    )
    ranking = chart_section(
        "districts-rate",
        _("Districts ranked by compliance rate"),
        rate_chart(ranked, demonstration),
        measures_table(
            "compliance", _("District"), ranked, total, ("active", "compliant"), rate=True
        ),
        export_url("compliance", filters),
        table_url("compliance", filters),
    )
    ranking["note"] = _("★ demonstration district")
    grades, _total = compliance_charts("districts", _("district"), source, "district")
    return [
        ranking,
        _grid(regions, {r["key"]: r for r in rows}),
        grades[1],
        _compare_form(regions),
        certificate_tiles(source, "district"),
        *extras.target_sections(user, source),
        *extras.hazard_sections(source, "district"),
        *extras.trend_sections(user),
    ]


def colour(rate: float | None) -> str:
    """From red (0 %) through amber to green (100 %); grey without enterprises."""
    if rate is None:
        return "hsl(0, 0%, 85%)"
    return f"hsl({round(1.2 * rate)}, 65%, 80%)"


def _grid(regions: list[Region], rows: dict[Any, dict[str, Any]]) -> Section:
    """One tile per district, coloured by its rate, linking to its figures by street."""
    tiles = []
    for region in regions:
        row = rows.get(region.pk)
        rate = row["rate"] if row else None
        tiles.append(
            {
                "key": region.pk,
                "label": region.display_name,
                "value": rate,
                "active": row["active"] if row else 0,
                "demonstration": region.is_demonstration,
                "colour": colour(rate),
                "url": reverse("statistics:compliance")
                + "?"
                + urlencode({"district": region.pk, "dimension": "street"}),
            }
        )
    return {"kind": "grid", "id": "districts-grid", "title": _("Districts"), "tiles": tiles}


def _compare_form(regions: list[Region]) -> Section:
    return {
        "kind": "compare",
        "id": "compare",
        "title": _("Compare two districts"),
        "url": reverse("dashboards:compare"),
        "districts": [{"code": r.pk, "name": r.display_name} for r in regions],
    }


def compare(user: User, first: Region, second: Region) -> dict[str, Any]:
    """Both districts' compliance (T1) figures side by side, each linking to its records:
    one table of the whole city by district (the snapshot's, or live), two of its rows."""
    filters, rows, _total = Source(user, ["district"]).stats("compliance", "district")
    by_key = {r["key"]: r for r in rows}
    pair = []
    for region in (first, second):
        # A district without enterprises has no row: zeros, linking to the empty lists.
        pair.append(by_key.get(region.pk) or _zero_row(region, filters))
    names = [m.name for m in figures.COMPLIANCE]
    table_rows = [
        {
            "key": name,
            "cells": [cell(label_of("compliance", name))]
            + [cell(row[name], row["links"][name]) for row in pair],
        }
        for name in names
    ]
    table_rows.append(
        {
            "key": "rate",
            "cells": [cell(_("Compliance rate (%)"))]
            + [cell(row["rate"], row["links"]["compliant"]) for row in pair],
        }
    )
    chart = {
        "type": "bar",
        "categories": [label_of("compliance", n) for n in names],
        "keys": names,
        "series": [
            {
                "name": region.display_name,
                "values": [row[n] for n in names],
                "urls": [row["links"][n] for n in names],
            }
            for region, row in zip((first, second), pair, strict=True)
        ],
    }
    return {
        "districts": [
            {
                "code": r.pk,
                "name": r.display_name,
                "demonstration": r.is_demonstration,
                "rate": row["rate"],
            }
            for r, row in zip((first, second), pair, strict=True)
        ],
        "section": chart_section(
            "compare-figures",
            _("Compliance figures"),
            chart,
            {"columns": [_("Figure"), first.display_name, second.display_name], "rows": table_rows},
            export_url("compliance", filters),
        ),
    }


def _zero_row(region: Region, filters: Any) -> dict[str, Any]:
    row: dict[str, Any] = {m.name: 0 for m in figures.COMPLIANCE}
    row.update(key=region.pk, label=str(region), rate=None)
    row["links"] = {
        m.name: drill_url("compliance", filters, m.name, region.pk) for m in figures.COMPLIANCE
    }
    return row
