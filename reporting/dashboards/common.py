"""Pieces every dashboard is built from: the statistics figures of the reader's scope
(``Source``: last night's snapshot rows of the reader's own scope, read in one query
by reporting/snapshots/latest.py; before the first nightly run, the live tables of
reporting/statistics/figures.py), with filters built here instead of parsed from a
query string, so no lookup queries; and sections as plain data that the page
(templates/reporting/dashboards/) and the API (api.py) render alike. The numbers'
links lead to the live records of today.

A section is a dict with ``kind`` and ``id``:
- ``chart``: ``chart`` (categories and series, each value with the URL of the records
  behind it; drawn by static/reporting/dashboards.js) and ``table`` (the same numbers as
  a table: ``columns`` and ``rows`` of cells ``{"text", "url"}``), ``export_url``;
- ``tiles``: ``tiles`` of ``{"key", "label", "value", "url"}``;
- ``table``: ``columns`` and ``rows`` of cells, ``more_url`` for the whole list;
- ``grid`` (districts coloured by 达标率), ``standing`` (enterprises), ``compare``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from portal.models import Industry, Region, Street, User
from portal.models import OrganisationKind as Kind
from reporting.models import MetricSnapshot
from reporting.snapshots import latest, trends
from reporting.snapshots.compute import TARGET
from reporting.snapshots.periods import YEAR
from reporting.statistics import figures
from reporting.statistics.filters import NONE, Filters
from reporting.statistics.views import TITLES, drill_url, with_links

Section = dict[str, Any]
TIERS = ("1", "2", "3", "pass")


class Source:
    """Where a dashboard's table figures come from: the newest snapshot of the reader's
    own scope (the current year's open rows, whose standing figures are the nightly
    run's and whose "in the period" figures run from January to that night, as the
    live tables' default period does), or the live tables when the scope has none."""

    def __init__(self, user: User, dimensions: Sequence[str] = ()) -> None:
        self.user = user
        self.found = snapshot_of(user, dimensions)
        # A table read twice on one page (the city's ranking and grades) is built once.
        self._tables: dict[tuple[str, str], Any] = {}

    @property
    def as_of(self) -> Any:
        return self.found.as_of

    def stats(
        self, table_name: str, dimension: str
    ) -> tuple[Filters, list[dict[str, Any]], dict[str, Any]]:
        """A statistics table of this year, rows by ``dimension``, each number with the
        URL of its records (``row["links"][measure]``)."""
        known = self._tables.get((table_name, dimension))
        if known is None:
            if not self.found:
                known = stats(table_name, self.user, dimension)
            else:
                filters = Filters(dimension=dimension)
                rows, total = snapshot_table(self.found, table_name, dimension)
                for row in (*rows, total):
                    row["links"] = Links(table_name, filters, row["key"])
                known = (filters, rows, total)
            self._tables[(table_name, dimension)] = known
        return known

    def target(self, pk: Any) -> dict[str, Any] | None:
        """A target's {"population", "reached", "rate"} in the scope, if snapshotted."""
        for row in self.found.rows.get(TARGET, ()):
            if row["key"] == str(pk):
                return row["figures"]
        return None

    def describe(self) -> dict[str, Any]:
        return {
            "snapshot": bool(self.found),
            "as_of": self.found.as_of.isoformat() if self.found.as_of else None,
            "live_url": reverse("statistics:compliance"),
        }


class Links(Mapping[str, str]):
    """A row's drill-down URLs (statistics.views.drill_url), made when read: a page
    shows a few of a table's measures, and reversing every one per row costs more
    than reading the snapshot."""

    def __init__(self, table_name: str, filters: Filters, key: str) -> None:
        self.table_name, self.filters, self.key = table_name, filters, key
        self._names = [m.name for m in figures.TABLES[table_name]]
        self._made: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        found = self._made.get(name)
        if found is None:
            if name not in self._names:
                raise KeyError(name)
            # No count in the link (n=): the number is last night's, the list today's,
            # so the list counts its records itself.
            found = self._made[name] = drill_url(self.table_name, self.filters, name, self.key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def snapshot_of(user: User, dimensions: Sequence[str]) -> latest.Latest:
    """The newest snapshot rows of the user's own organisation's scope (never a scope
    named by the request); empty for a role the snapshots do not cover."""
    try:
        ref = trends.own_scope(user)
    except PermissionDenied:
        return latest.Latest()
    if ref.industries is not None:  # organising units: no scope of their own
        return latest.Latest()
    return latest.read(ref.kind, str(ref.key), [TARGET, *dimensions], YEAR)


def registry_totals(user: User, source: Source | None) -> dict[str, Any] | None:
    """The home page's registry card from the snapshot: the scope's active enterprises,
    in all and by scale, and the day counted; an organising unit reads the city's rows
    of the industries it organises, summed. None without a snapshot."""
    if source is not None:
        found, keys = source.found, None
    else:
        org = user.organisation
        if org is None or org.kind != Kind.ORGANISING_UNIT:
            return None
        keys = set(org.qualifications.values_list("industry_id", flat=True))
        found = latest.read(MetricSnapshot.ScopeKind.CITY, "", ["industry"], YEAR)
    if not found:
        return None
    if keys is None:
        rows = found.rows.get("", [])
    else:
        rows = [r for r in found.rows.get("industry", []) if r["key"] in keys]
    names = ["active", *(f"active_{value}" for value in Enterprise.Scale.values)]
    summed = {n: sum(r["figures"].get(f"compliance.{n}") or 0 for r in rows) for n in names}
    return {
        "as_of": found.as_of,
        "active": summed["active"],
        "by_scale": [
            (label, summed[f"active_{value}"]) for value, label in Enterprise.Scale.choices
        ],
    }


def snapshot_table(
    found: latest.Latest, table_name: str, dimension: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The snapshot rows shaped as ``figures.table()`` shapes the live ones."""
    names = [m.name for m in figures.TABLES[table_name]]

    def shaped(key: str, values: dict[str, Any], label: str) -> dict[str, Any]:
        # A measure that sums a column is not snapshotted: shown as "—".
        row = {n: values.get(f"{table_name}.{n}") for n in names}
        row.update(key=key, label=label)
        return row

    found_rows = found.rows.get(dimension, [])
    labels = dimension_labels(dimension, [r["key"] for r in found_rows])
    rows = [shaped(r["key"], r["figures"], labels.get(r["key"], r["key"])) for r in found_rows]
    rows.sort(key=lambda r: (r["key"] == NONE, _sort_key(r["key"])))
    totals = found.rows.get("", [{"figures": {}}])[0]["figures"]
    total = shaped("", totals, str(_("Total")))
    figures.with_rates(table_name, [*rows, total])
    return rows, total


def _sort_key(key: str) -> Any:
    return (0, key.zfill(12) if key.isdigit() else key)


def dimension_labels(dimension: str, keys: Sequence[str]) -> dict[str, str]:
    """The rows' names as the live tables give them: one query for districts, streets
    or industries, none for scales."""
    labels = {NONE: str(_("Not recorded"))}
    wanted = [k for k in keys if k != NONE]
    if dimension == "scale":
        labels.update({k: str(Enterprise.Scale(k).label) for k in wanted})
    elif wanted and dimension in LABELS:
        model, column = LABELS[dimension]
        labels.update(
            {
                str(k): n
                for k, n in model.objects.filter(**{f"{column}__in": wanted}).values_list(
                    column, "name"
                )
            }
        )
    return labels


LABELS: dict[str, tuple[Any, str]] = {
    "district": (Region, "pk"),
    "street": (Street, "code"),
    "industry": (Industry, "pk"),
}


def stats(
    table_name: str, user: User, dimension: str
) -> tuple[Filters, list[dict[str, Any]], dict[str, Any]]:
    """A live statistics table of this year, rows by ``dimension``, each number with
    the URL of its records (``row["links"][measure]``)."""
    filters = Filters(dimension=dimension)
    rows, total = figures.table(table_name, user, filters)
    with_links(table_name, filters, rows, total)
    return filters, rows, total


def export_url(table_name: str, filters: Filters) -> str:
    return reverse(f"statistics:{table_name}_export") + "?" + urlencode(filters.query())


def table_url(table_name: str, filters: Filters) -> str:
    return reverse(f"statistics:{table_name}") + "?" + urlencode(filters.query())


def cell(value: Any, url: str = "") -> dict[str, Any]:
    text = "—" if value is None else str(value)
    return {"text": text, "value": value, "url": url}


def label_of(table_name: str, name: str) -> str:
    found = figures.measure(table_name, name)
    return str(found.label) if found else name


def tiles(
    section_id: str, title: str, table_name: str, total: dict[str, Any], names: Iterable[str]
) -> Section:
    """The totals of some measures of a table, each linking to its records."""
    return {
        "kind": "tiles",
        "id": section_id,
        "title": title,
        "tiles": [
            {
                "key": name,
                "label": label_of(table_name, name),
                "value": total[name],
                "url": total["links"][name],
            }
            for name in names
        ],
    }


def chart_section(
    section_id: str,
    title: str,
    chart: dict[str, Any],
    table: dict[str, Any],
    export: str = "",
    more_url: str = "",
) -> Section:
    return {
        "kind": "chart",
        "id": section_id,
        "title": title,
        "chart": chart,
        "table": table,
        "export_url": export,
        "more_url": more_url,
    }


def measures_table(
    table_name: str,
    header: str,
    rows: Sequence[dict[str, Any]],
    total: dict[str, Any] | None,
    names: Sequence[str],
    rate: bool = False,
) -> dict[str, Any]:
    """Rows of a statistics table restricted to some measures (and the rate)."""
    columns = [header, *(label_of(table_name, n) for n in names)]
    if rate:
        columns.append(_("Compliance rate (%)"))
    body = []
    for row in (*rows, *([total] if total else [])):
        cells = [cell(row["label"])]
        cells += [cell(row[n], row["links"][n]) for n in names]
        if rate:
            cells.append(cell(row["rate"], row["links"]["compliant"]))
        body.append({"key": row["key"], "cells": cells})
    return {"columns": columns, "rows": body}


def rate_chart(rows: Sequence[dict[str, Any]], marked: Iterable[Any] = ()) -> dict[str, Any]:
    """达标率 per row; a bar leads to the enterprises with a live certificate."""
    marked = set(marked)
    return {
        "type": "bar",
        "unit": "%",
        "max": 100,
        "categories": [("★ " if r["key"] in marked else "") + r["label"] for r in rows],
        "keys": [r["key"] for r in rows],
        "series": [
            {
                "name": _("Compliance rate (%)"),
                "values": [r["rate"] for r in rows],
                "urls": [r["links"]["compliant"] for r in rows],
                "marked": [r["key"] in marked for r in rows],
            }
        ],
    }


def grade_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Live certificates per row, stacked by grade; a bar leads to the certificates."""
    return {
        "type": "bar",
        "stacked": True,
        "categories": [r["label"] for r in rows],
        "keys": [r["key"] for r in rows],
        "series": [
            {
                "name": label_of("compliance", f"live_{tier}"),
                "values": [r[f"live_{tier}"] for r in rows],
                "urls": [r["links"][f"live_{tier}"] for r in rows],
            }
            for tier in TIERS
        ],
    }


def compliance_charts(
    prefix: str, place: str, source: Source, dimension: str, marked: Iterable[Any] = ()
) -> tuple[list[Section], dict[str, Any]]:
    """The 达标率 chart and the live certificates by grade, one bar per row of
    ``dimension``; returns the sections and the table's total."""
    filters, rows, total = source.stats("compliance", dimension)
    rated = [r for r in rows if r["active"]]
    rate_table = measures_table("compliance", place, rows, total, ("active", "compliant"), True)
    grade_names = [f"live_{tier}" for tier in TIERS]
    sections = [
        chart_section(
            f"{prefix}-rate",
            _("Compliance rate by %(place)s") % {"place": place},
            rate_chart(rated, marked),
            rate_table,
            export_url("compliance", filters),
            table_url("compliance", filters),
        ),
        chart_section(
            f"{prefix}-grades",
            _("Live certificates by grade and %(place)s") % {"place": place},
            grade_chart(rows),
            measures_table("compliance", place, rows, total, grade_names),
            export_url("compliance", filters),
            table_url("compliance", filters),
        ),
    ]
    return sections, total


def certificate_tiles(source: Source, dimension: str) -> Section:
    """Certificates expiring within 30/60/90 days and renewals due without an application."""
    filters, _rows, total = source.stats("certificates", dimension)
    section = tiles(
        "expiring",
        _("Certificates expiring"),
        "certificates",
        total,
        ("expiring_30", "expiring_60", "expiring_90", "renewal_due"),
    )
    section["export_url"] = export_url("certificates", filters)
    return section


def statistics_links() -> list[dict[str, str]]:
    """Every statistics table of the registry, for the links card."""
    return [
        {"name": name, "title": str(TITLES.get(name, name)), "url": reverse(f"statistics:{name}")}
        for name in figures.TABLES
    ]
