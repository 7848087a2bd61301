"""A day's figures of every scope, dimension and table, for the snapshots.

The counts of the statistics tables partition over the enterprise's attributes, so
each kind of record registered in ``figures.KINDS`` is counted once, grouped at the
finest grain (district × street × industry × scale) with one conditional count per
measure and period, and rolled up in Python to every scope and dimension:

- scopes: the city; each district (Region); each street; each active regulator
  organisation (the enterprises of its industries; a district department's, one
  with a ``region``, in its district only);
- dimensions: "" (the scope's total row, key ""), "district", "street", "industry",
  "scale" (key "none" for enterprises without the attribute, as in the live tables);
  a district has no district rows and a street neither district nor street rows.
  The grade breakdown is the table's own live-by-tier measures ("compliance.live_3" …),
  not a dimension;
- figures: "table.measure" -> count for every counted measure of every table of
  ``figures.TABLES`` (read through the registry, so a table added there is
  snapshotted without more code; measures that sum a column are left out), and
  "table.<rate>" for the rates of ``figures.RATES``, computed after the roll-up from
  the summed counts;
- targets: dimension "target", key the target's id, {"population", "reached",
  "rate"} per scope (reporting/targets/selectors.py's definitions, one grouped
  query per live target).

The measures "in the period" (new, revoked …) count the snapshot's period (the day,
month, quarter or year holding the day) up to the day; the standing measures are the
day's. Measures whose condition is the same for every period are counted once."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q

from enterprises.models import Enterprise
from portal.models import Organisation, Region, Street
from portal.models import OrganisationKind as OrgKind
from reporting.models import MetricSnapshot, Target
from reporting.snapshots.periods import KINDS as PERIOD_KINDS
from reporting.snapshots.periods import Period, period_of
from reporting.statistics import figures
from reporting.statistics.filters import NONE, Filters
from reporting.statistics.filters import Period as FilterPeriod
from reporting.targets import selectors as target_selectors

Scope = MetricSnapshot.ScopeKind
# (scope kind, scope key, dimension, key)
Cell = tuple[str, str, str, str]

# Rates are rounded as figures.with_rates() rounds them for the live tables.
RATE_DECIMALS = 1
TARGET = "target"
# The dimensions of each scope kind (those the live table offers inside that scope).
DIMENSIONS: dict[str, tuple[str, ...]] = {
    Scope.CITY: ("district", "street", "industry", "scale"),
    Scope.DISTRICT: ("street", "industry", "scale"),
    Scope.STREET: ("industry", "scale"),
    Scope.REGULATOR: ("district", "street", "industry", "scale"),
}
GRAIN = ("district", "street", "industry", "scale")


def counted(table: str) -> list[figures.Measure]:
    """The table's counts (a measure summing a column, e.g. funds, is not snapshotted)."""
    return [m for m in figures.TABLES[table] if not getattr(m, "aggregate", "")]


def rates(table: str) -> list[Any]:
    """The table's rates whose two measures are both counted."""
    names = {m.name for m in counted(table)}
    return [
        r for r in figures.RATES.get(table, ()) if r.numerator in names and r.denominator in names
    ]


def metric_names() -> list[str]:
    """Every metric a snapshot holds: "table.measure" and "table.<rate>"."""
    names = [f"{table}.{m.name}" for table in figures.TABLES for m in counted(table)]
    names += [f"{table}.{r.name}" for table in figures.TABLES for r in rates(table)]
    return names


def _filters(period: Period, today: datetime.date) -> Filters:
    end = min(period.end, today)
    return Filters(
        dimension="district",
        period=FilterPeriod(period.code, period.start, end),
        today=today,
    )


def _sql(kind: str, condition: Q) -> str | None:
    """The condition as SQL text: two conditions that read the same count the same
    (a measure whose condition does not depend on the period is counted once)."""
    try:
        return str(figures.KINDS[kind].rows().filter(condition).query)
    except Exception:  # a condition that cannot be printed: counted on its own
        return None


class _Plan:
    """The conditional counts of one kind of record: one column per distinct
    condition, and which column holds each (period kind, metric)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.conditions: list[Q] = []
        self.where: dict[tuple[str, str], int] = {}
        self._known: dict[str, int] = {}

    def add(self, period_kind: str, metric: str, condition: Q) -> None:
        text = _sql(self.kind, condition)
        index = self._known.get(text) if text is not None else None
        if index is None:
            self.conditions.append(condition)
            index = len(self.conditions) - 1
            if text is not None:
                self._known[text] = index
        self.where[(period_kind, metric)] = index


def _plans(periods: dict[str, Period], today: datetime.date) -> dict[str, _Plan]:
    plans: dict[str, _Plan] = {}
    for period_kind, period in periods.items():
        filters = _filters(period, today)
        for table in figures.TABLES:
            for m in counted(table):
                plan = plans.setdefault(m.kind, _Plan(m.kind))
                plan.add(period_kind, f"{table}.{m.name}", m.condition(filters, today))
    return plans


def _grain(row: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(
        NONE if row[f"g_{name}"] in (None, "") else str(row[f"g_{name}"]) for name in GRAIN
    )


def _grain_rows(kind: str, conditions: list[Q], restrict: Q) -> Iterable[tuple[tuple, list[int]]]:
    """One grouped query: (district, street code, industry, scale) -> counts."""
    found = figures.KINDS[kind]
    p = found.prefix
    annotations = {f"c{i}": Count("pk", filter=q) for i, q in enumerate(conditions)}
    qs = (
        found.rows()
        .filter(restrict)
        .order_by()
        .values(
            g_district=F(p + "region_id"),
            g_street=F(p + "street__code"),
            g_industry=F(p + "industry_id"),
            g_scale=F(p + "scale"),
        )
        .annotate(**annotations)
    )
    for row in qs.iterator(chunk_size=5000):
        yield _grain(row), [row[f"c{i}"] for i in range(len(conditions))]


class _Scopes:
    """Where one grain row (district, street, industry, scale) rolls up to."""

    def __init__(self) -> None:
        # industry -> (org id, its district or None for a city regulator)
        self.regulators: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        self.regulator_ids: list[str] = []
        for org_id, region_id, industry in Organisation.objects.filter(
            kind=OrgKind.REGULATOR, status=Organisation.Status.ACTIVE
        ).values_list("pk", "region_id", "industries"):
            if str(org_id) not in self.regulator_ids:
                self.regulator_ids.append(str(org_id))
            if industry is not None:
                self.regulators[industry].append((str(org_id), region_id))
        self.districts = list(Region.objects.values_list("pk", flat=True))
        self.streets = list(Street.objects.values_list("code", flat=True))
        self._memo: dict[tuple, list[Cell]] = {}

    def totals(self) -> list[Cell]:
        """Every scope's total row, so a scope with no records reads zeros."""
        return [
            (Scope.CITY, "", "", ""),
            *((Scope.DISTRICT, code, "", "") for code in self.districts),
            *((Scope.STREET, code, "", "") for code in self.streets),
            *((Scope.REGULATOR, org, "", "") for org in self.regulator_ids),
        ]

    def cells(self, grain: tuple) -> list[Cell]:
        found = self._memo.get(grain)
        if found is None:
            found = self._memo[grain] = self._cells(grain)
        return found

    def _cells(self, grain: tuple) -> list[Cell]:
        values = dict(zip(GRAIN, grain, strict=True))
        scopes: list[tuple[str, str]] = [(Scope.CITY, "")]
        if values["district"] != NONE:
            scopes.append((Scope.DISTRICT, values["district"]))
        if values["street"] != NONE:
            scopes.append((Scope.STREET, values["street"]))
        # A district department counts its industries in its own district only.
        scopes += [
            (Scope.REGULATOR, org)
            for org, region in self.regulators.get(values["industry"], [])
            if region is None or region == values["district"]
        ]
        found: list[Cell] = []
        for scope_kind, scope_key in scopes:
            found.append((scope_kind, scope_key, "", ""))
            found += [
                (scope_kind, scope_key, dimension, values[dimension])
                for dimension in DIMENSIONS[scope_kind]
            ]
        return found


def _add(into: dict[Cell, list[int]], cell: Cell, counts: list[int]) -> None:
    known = into.get(cell)
    if known is None:
        into[cell] = list(counts)
    else:
        into[cell] = [a + b for a, b in zip(known, counts, strict=True)]


def _rate(numerator: Any, denominator: Any) -> float | None:
    if not denominator:
        return None
    return round(100 * numerator / denominator, RATE_DECIMALS)


def compute(
    today: datetime.date,
    period_kinds: Iterable[str] = PERIOD_KINDS,
    restrict: dict[str, Q] | None = None,
) -> dict[str, dict[Cell, dict[str, Any]]]:
    """The figures of every cell for each period kind's period holding ``today``:
    period kind -> (scope kind, scope key, dimension, key) -> figures. ``restrict``
    narrows a kind's rows (the back-fill's records that existed then)."""
    periods = {kind: period_of(kind, today) for kind in period_kinds}
    scopes = _Scopes()
    plans = _plans(periods, today)
    rolled: dict[str, dict[Cell, list[int]]] = {}
    for kind, plan in plans.items():
        into: dict[Cell, list[int]] = {}
        where = (restrict or {}).get(kind, Q())
        for grain, counts in _grain_rows(kind, plan.conditions, where):
            for cell in scopes.cells(grain):
                _add(into, cell, counts)
        rolled[kind] = into
    result: dict[str, dict[Cell, dict[str, Any]]] = {}
    for period_kind in periods:
        cells: dict[Cell, dict[str, Any]] = {}
        for cell in scopes.totals():
            cells[cell] = {}
        for kind, into in rolled.items():
            columns = {
                metric: index
                for (pk, metric), index in plans[kind].where.items()
                if pk == period_kind
            }
            for cell, counts in into.items():
                row = cells.setdefault(cell, {})
                row.update({metric: counts[index] for metric, index in columns.items()})
        names = [f"{t}.{m.name}" for t in figures.TABLES for m in counted(t)]
        table_rates = [(t, r) for t in figures.TABLES for r in rates(t)]
        for row in cells.values():
            for name in names:
                row.setdefault(name, 0)
            for table, r in table_rates:
                row[f"{table}.{r.name}"] = _rate(
                    row[f"{table}.{r.numerator}"], row[f"{table}.{r.denominator}"]
                )
        result[period_kind] = cells
    targets = compute_targets(today, scopes, restrict=(restrict or {}).get(figures.ENTERPRISE))
    for cells in result.values():
        cells.update(targets)
    return result


def _population(target: Target) -> Q:
    """selectors.population() without a reader: the target's enterprises city-wide."""
    condition = Q(status=Enterprise.Status.ACTIVE)
    industries = [i.pk for i in target.industries.all()]
    regions = [r.pk for r in target.regions.all()]
    if industries:
        condition &= Q(industry_id__in=industries)
    if target.scales:
        condition &= Q(scale__in=target.scales)
    if regions:
        condition &= Q(region_id__in=regions)
    return condition


def compute_targets(
    today: datetime.date, scopes: _Scopes | None = None, restrict: Q | None = None
) -> dict[Cell, dict[str, Any]]:
    """Each live target's progress per scope: population, reached and rate (in per
    cent, two decimals, as the target pages show it)."""
    scopes = scopes or _Scopes()
    cells: dict[Cell, dict[str, Any]] = {}
    for target in target_selectors.targets_for(None):  # type: ignore[arg-type]
        reached = Count("pk", filter=Q(target_selectors.reached_condition(target, today)))
        qs = (
            Enterprise.objects.filter(_population(target), restrict or Q())
            .order_by()
            .values(
                g_district=F("region_id"),
                g_street=F("street__code"),
                g_industry=F("industry_id"),
                g_scale=F("scale"),
            )
            .annotate(total=Count("pk"), done=reached)
        )
        into: dict[Cell, list[int]] = {}
        for row in qs:
            for cell in scopes.cells(_grain(row)):
                if cell[2] == "":
                    _add(
                        into,
                        (cell[0], cell[1], TARGET, str(target.pk)),
                        [row["total"], row["done"]],
                    )
        for cell in scopes.totals():
            into.setdefault((cell[0], cell[1], TARGET, str(target.pk)), [0, 0])
        for cell, (total, done) in into.items():
            rate = round(Decimal(100 * done) / total, 2) if total else None
            cells[cell] = {
                "population": total,
                "reached": done,
                "rate": float(rate) if rate is not None else None,
            }
    return cells
