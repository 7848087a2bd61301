"""The snapshot figures: hand counts on the statistics world
(tests/reporting/statistics/world.py) and, cell by cell, the live tables of
figures.table() for the city, a district, a street and a regulator."""

from __future__ import annotations

import pytest
import time_machine

from reporting.snapshots import compute, periods
from reporting.statistics import figures
from reporting.statistics.filters import Filters
from reporting.statistics.filters import Period as FilterPeriod
from tests.reporting.statistics.world import NOW, TODAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


@pytest.fixture
def cells(world):
    with time_machine.travel(NOW, tick=False):
        return compute.compute(TODAY)


def test_hand_counts(cast, cells):
    year = cells["year"]
    chaoyang = year[("district", "110105", "", "")]
    assert chaoyang["compliance.active"] == 5
    assert chaoyang["compliance.compliant"] == 3
    assert chaoyang["compliance.rate"] == 60.0
    assert chaoyang["compliance.revoked"] == 1  # ent's, 2026-03-01
    assert chaoyang["certificates.expiring_30"] == 1
    city = year[("city", "", "", "")]
    assert (city["compliance.active"], city["compliance.compliant"]) == (7, 4)
    assert city["compliance.new"] == 2
    # The month (June) holds no new or revoked certificate; the standing figures are the day's.
    june = cells["month"][("district", "110105", "", "")]
    assert (june["compliance.new"], june["compliance.revoked"]) == (0, 0)
    assert june["compliance.active"] == 5
    street = year[("street", "110105001", "", "")]
    assert street["compliance.active"] == 3
    # The other street of 朝阳区 and 海淀区's street exist with their own rows.
    assert year[("street", "110108001", "", "")]["compliance.active"] == 0
    regulator = year[("regulator", str(cast.regulator.organisation_id), "", "")]
    assert regulator["compliance.active"] == 5
    # No row of the 海淀区 district inside 朝阳区's scope.
    assert ("district", "110105", "street", "110108001") not in year


def _live(table, user, dimension, period):
    filters = Filters(
        dimension=dimension,
        period=FilterPeriod(period.code, period.start, min(period.end, TODAY)),
    )
    return figures.table(table, user, filters, TODAY)


READERS = [
    ("city", "city", "", ("district", "street", "industry", "scale")),
    ("district", "district", "110105", ("street", "industry", "scale")),
    ("street", "street", "110105001", ("industry", "scale")),
    ("regulator", "regulator", None, ("district", "street", "industry", "scale")),
]


@pytest.mark.parametrize(("who", "scope_kind", "scope_key", "dimensions"), READERS)
@pytest.mark.parametrize("period_kind", ["year", "quarter", "month", "day"])
def test_rolled_up_figures_equal_the_live_tables(
    cast, cells, who, scope_kind, scope_key, dimensions, period_kind
):
    user = getattr(cast, who)
    scope_key = str(user.organisation_id) if scope_key is None else scope_key
    period = periods.period_of(period_kind, TODAY)
    snap = cells[period_kind]
    with time_machine.travel(NOW, tick=False):
        for table in figures.TABLES:  # every table, those of other modules included
            measures = compute.counted(table)
            for dimension in dimensions:
                rows, total = _live(table, user, dimension, period)
                for row in (total, *rows):
                    cell = (scope_kind, scope_key, dimension if row["key"] else "", row["key"])
                    got = snap[cell]
                    for m in measures:
                        assert got[f"{table}.{m.name}"] == row[m.name], (table, cell, m.name)
                    for name, rate in row.get("rates", {}).items():
                        assert got[f"{table}.{name}"] == rate, (table, cell, name)
                # No snapshot row of the dimension that the live table does not show.
                keys = {str(row["key"]) for row in rows}
                extra = {
                    cell[3]
                    for cell in snap
                    if cell[:3] == (scope_kind, scope_key, dimension)
                    and any(snap[cell][f"{table}.{m.name}"] for m in measures)
                }
                assert extra <= keys


def test_one_grouped_query_per_kind(world, django_assert_max_num_queries):
    # Regulators, districts, streets, one grouped query per kind, targets (none live here
    # besides the seeded ones: one query each, plus their prefetches).
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(20):
        compute.compute(TODAY)
