"""Trends: series() reads the reader's own scope, never another district's (nor the
city's total for a district), in a constant number of queries; the page, the API and
the targets' trend."""

from __future__ import annotations

import copy
from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from enterprises.models import Enterprise
from reporting.snapshots import trends
from reporting.snapshots.store import snapshot_nightly
from tests.cast import build_cast
from tests.reporting.statistics.world import build

pytestmark = pytest.mark.django_db


# Every test reads the same history: written once for the module (tests/conftest.py's
# module_db), each test reading it in its own savepoint, on 15 June 2026 at 10:00.
@pytest.fixture(scope="module")
def shared(module_db):
    """Snapshots of April (frozen), May (frozen) and June (open) 2026; 统计四 closed in May."""
    cast = build_cast()
    with time_machine.travel("2026-04-30 02:30 +0800", tick=False):
        world = build(cast)
        snapshot_nightly()
    with time_machine.travel("2026-05-31 02:30 +0800", tick=False):
        Enterprise.objects.filter(pk=world["e4"].pk).update(status=Enterprise.Status.CLOSED)
        snapshot_nightly()
    with time_machine.travel("2026-06-15 02:30 +0800", tick=False):
        snapshot_nightly()
    with time_machine.travel("2026-06-15 10:00 +0800", tick=False):
        yield cast, world


@pytest.fixture
def cast(shared, db):
    return copy.deepcopy(shared[0])  # what a test caches on its users stays with it


@pytest.fixture
def history(shared, db):
    return shared[1]


def values(rows):
    return [(row["period"], row["value"], row["frozen"]) for row in rows]


def test_district_series_of_its_own_area(cast, history):
    rows = trends.series(cast.district, "compliance.active", count=4)
    assert values(rows) == [
        ("2026-03", None, False),
        ("2026-04", 5, True),
        ("2026-05", 4, True),
        ("2026-06", 4, False),
    ]
    rates = trends.series(cast.district, "compliance.rate", count=2)
    assert [row["value"] for row in rates] == [75.0, 75.0]  # 3 of 4 active


def test_each_reader_gets_its_own_scope(cast, history):
    def last(user, metric="compliance.active", **kw):
        return trends.series(user, metric, count=1, **kw)[0]["value"]

    assert last(cast.city) == 6
    assert last(cast.street) == 2  # 建外: ent, 统计一 (统计四 closed)
    assert last(cast.regulator) == 4  # machinery
    assert last(cast.other_district) == 2
    # The organising unit (machinery) reads the city's machinery row.
    assert last(cast.association) == 4
    assert last(cast.association, "compliance.rate") == 50.0  # 统计一, 统计五 of 4
    assert last(cast.city, scope=("district", "110108")) == 2
    assert last(cast.city, scope=("regulator", str(cast.regulator.organisation_id))) == 4
    assert last(cast.district, scope=("street", "110105001")) == 2
    assert trends.series(cast.district, "certificates.expiring_30", count=1)[0]["value"] == 1


@pytest.mark.parametrize(
    ("who", "scope"),
    [
        ("district", ("district", "110108")),
        ("district", ("city", "")),
        ("district", ("street", "110108001")),
        ("street", ("street", "110105002")),
        ("street", ("district", "110105")),
        ("regulator", ("city", "")),
        ("regulator", ("district", "110105")),
        ("association", ("city", "")),
        ("other_district", ("district", "110105")),
    ],
)
def test_other_scopes_are_refused(cast, history, who, scope):
    with pytest.raises(PermissionDenied):
        trends.series(getattr(cast, who), "compliance.active", scope=scope)


@pytest.mark.parametrize("who", ["enterprise", "group", "reviewer"])
def test_roles_without_statistics_are_refused(cast, history, who):
    with pytest.raises(PermissionDenied):
        trends.series(getattr(cast, who), "compliance.active")


@pytest.mark.parametrize(
    ("metric", "period", "scope", "count"),
    [
        ("compliance.nothing", "month", None, 12),
        ("compliance", "month", None, 12),
        ("compliance.active", "week", None, 12),
        ("compliance.active", "month", ("district", "999999"), 12),
        ("compliance.active", "month", ("planet", "x"), 12),
        ("compliance.active", "month", None, 0),
        ("compliance.active", "month", None, 1000),
    ],
)
def test_bad_input(cast, history, metric, period, scope, count):
    with pytest.raises(trends.TrendError):
        trends.series(cast.city, metric, period, count, scope)


@pytest.mark.parametrize("who", ["city", "district", "street", "regulator", "association"])
def test_series_query_count_is_constant(
    cast, history, who, django_assert_num_queries, django_assert_max_num_queries
):
    user = getattr(cast, who)
    with django_assert_max_num_queries(2) as short:  # the street office's street, the rows
        trends.series(user, "compliance.rate", count=2)
    with django_assert_num_queries(len(short.captured_queries)):
        trends.series(user, "compliance.rate", "month", count=36)
    with django_assert_num_queries(len(short.captured_queries)):
        trends.series(user, "compliance.new", "day", count=30)


def test_compare_districts(cast, history):
    rows = trends.compare(
        cast.city, "compliance.active", "quarter", [("district", "110105"), ("district", "110108")]
    )
    assert [(row["scope"], row["series"][-1]["value"]) for row in rows] == [
        ("district:110105", 4),
        ("district:110108", 2),
    ]
    assert values(rows[0]["series"])[-2:] == [("2026-Q1", None, False), ("2026-Q2", 4, False)]
    with pytest.raises(PermissionDenied):
        trends.compare(cast.district, "compliance.active", "month", [("district", "110108")])


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_trend_page_and_export(client, cast, history):
    c = english(client, cast.city)
    response = c.get(
        "/snapshots/trends/",
        {"metric": "compliance.active", "scope": "district:110105", "count": 3},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="trend-table"' in body and "2026-05" in body
    assert response.context["data"]["series"][-1]["value"] == 4
    export = c.get(
        "/snapshots/trends/export/",
        {"metric": "compliance.active", "scope": "district:110105", "count": 3},
    )
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][:2] == ("2026-06", 4)
    assert rows[-2][:2] == ("2026-05", 4)


def test_trend_page_refusals(client, cast, history):
    c = english(client, cast.district)
    assert c.get("/snapshots/trends/", {"scope": "district:110108"}).status_code == 404
    assert c.get("/snapshots/trends/export/", {"scope": "district:110108"}).status_code == 404
    bad = c.get("/snapshots/trends/", {"metric": "compliance.nothing"})
    assert bad.status_code == 400
    assert "Unknown metric: compliance.nothing." in bad.content.decode()
    assert c.get("/snapshots/trends/", {"period": "week"}).status_code == 400
    assert c.get("/snapshots/trends/", {"count": "x"}).status_code == 400
    assert english(client, cast.enterprise).get("/snapshots/trends/").status_code == 403


def test_trend_api(client, cast, history):
    c = english(client, cast.district)
    data = c.get("/api/v1/statistics/trends/", {"metric": "compliance.active", "count": 2}).json()
    assert data["scope"] == "district:110105"
    assert data["series"] == [
        {"period": "2026-05", "value": 4.0, "frozen": True},
        {"period": "2026-06", "value": 4.0, "frozen": False},
    ]
    assert c.get("/api/v1/statistics/trends/", {"scope": "district:110108"}).status_code == 404
    assert c.get("/api/v1/statistics/trends/", {"scope": "city"}).status_code == 404
    bad = c.get("/api/v1/statistics/trends/", {"metric": "x.y"})
    assert bad.status_code == 400 and "Unknown metric" in str(bad.json())
    assert c.get("/api/v1/statistics/trends/", {"scope": "nowhere"}).status_code == 400
    compare = c.get(
        "/api/v1/statistics/trends/compare/",
        {"metric": "compliance.active", "scopes": "street:110105001,street:110105002", "count": 1},
    ).json()
    assert [row["series"][0]["value"] for row in compare["rows"]] == [2.0, 1.0]
    assert (
        c.get(
            "/api/v1/statistics/trends/compare/", {"scopes": "district:110105,district:110108"}
        ).status_code
        == 404
    )
    export = c.get("/api/v1/statistics/trends/export/", {"metric": "compliance.active"})
    assert export.status_code == 200
    city = english(client, cast.city)
    compare = city.get(
        "/api/v1/statistics/trends/compare/",
        {"metric": "compliance.rate", "scopes": "district:110105,district:110108", "count": 1},
    ).json()
    assert [row["scope"] for row in compare["rows"]] == ["district:110105", "district:110108"]
    assert english(client, cast.reviewer).get("/api/v1/statistics/trends/").status_code == 403
