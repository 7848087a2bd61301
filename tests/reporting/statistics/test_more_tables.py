"""T2 评审工作, T4 隐患与自查自报, T5 事故 and the grade: each figure against the
hand-counted world (tests/reporting/statistics/world_more.py), on the pages, the
drill-downs, the exports and the API, in each scope."""

from __future__ import annotations

from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from openpyxl import load_workbook

from tests.reporting.statistics.world import NOW
from tests.reporting.statistics.world_more import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


def api(client, user, table, **params):
    client.force_login(user)
    return client.get(f"/api/v1/statistics/{table}/", params)


def rows_of(data):
    return {row["key"]: row for row in data["rows"]}


def sheet_of(response):
    return load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets


def test_accidents_for_the_district(client, cast, world):
    data = api(client, cast.district, "accidents").json()
    assert data["total"]["figures"] == {"accidents": 3, "fatal": 1, "certified": 2}
    assert data["total"]["sums"] == {"deaths": 2, "serious_injuries": 4}
    city = api(client, cast.city, "accidents").json()["total"]
    assert city["figures"]["accidents"] == 4
    assert city["sums"]["deaths"] == 3
    q1 = api(client, cast.district, "accidents", period="2026-Q1").json()["total"]
    assert q1["figures"]["accidents"] == 1
    last_year = api(client, cast.district, "accidents", period="2025").json()["total"]
    assert last_year["sums"]["deaths"] == 1


def test_accidents_by_grade_and_filtered_by_grade(client, cast, world):
    data = api(client, cast.district, "accidents", dimension="grade").json()
    rows = rows_of(data)
    assert set(rows) == {"2", "none"}
    assert rows["2"]["figures"]["accidents"] == 1  # 统计甲: level 2 beats 达标
    assert rows["none"]["figures"]["accidents"] == 2  # ent's certificate was revoked
    assert rows["none"]["sums"]["deaths"] == 2
    only = api(client, cast.district, "accidents", grade="2").json()["total"]
    assert only["figures"]["accidents"] == 1 and only["sums"]["serious_injuries"] == 3
    assert (
        api(client, cast.district, "accidents", grade="pass").json()["total"]["figures"][
            "accidents"
        ]
        == 0
    )


def test_compliance_by_grade(client, cast, world):
    data = api(client, cast.district, "compliance", dimension="grade").json()
    rows = rows_of(data)
    assert rows["2"]["figures"]["active"] == 1
    assert rows["2"]["figures"]["live_pass"] == 1  # the lower certificate, same enterprise
    assert rows["none"]["figures"]["active"] == 1
    assert data["total"]["figures"]["active"] == 2
    assert rows["2"]["label"]
    graded = api(client, cast.district, "compliance", grade="none").json()["total"]
    assert graded["figures"]["compliant"] == 0 and graded["figures"]["active"] == 1


def test_hazards_for_the_district(client, cast, world):
    data = api(client, cast.district, "hazards").json()
    total = data["total"]
    assert total["figures"] == {
        "reports_due": 2,
        "reports_filed": 1,
        "reports_on_time": 1,
        "reports_late": 0,
        "reports_missing": 1,
        "reports_zero": 1,
        "found": 4,
        "rectified": 4,
        "found_rectified": 3,
        "rectified_on_time": 2,
        "major_found": 1,
        "major_closed": 1,
        "major_open": 1,
        "major_listed_city": 1,
        "major_listed_district": 1,
        "major_overdue": 1,
    }
    assert total["sums"] == {"funds": 1700.5}
    assert total["rates"] == {"rectification_rate": 75.0, "on_time_rate": 50.0}
    city = api(client, cast.city, "hazards").json()["total"]
    assert city["figures"]["reports_late"] == 1
    assert city["figures"]["found"] == 5


def test_hazard_self_reports_of_an_earlier_quarter(client, cast, world):
    # 2026-Q1: the 2025 Q4 forms (due January) were filed by nobody.
    q1 = api(client, cast.district, "hazards", period="2026-Q1").json()["total"]["figures"]
    assert (q1["reports_due"], q1["reports_filed"], q1["reports_missing"]) == (2, 0, 2)
    assert q1["found"] == 2 and q1["rectified"] == 3


def test_reviews_for_the_district(client, cast, world):
    data = api(client, cast.district, "reviews").json()
    figures = data["total"]["figures"]
    assert figures["received"] == 3
    assert (figures["accepted"], figures["returned"], figures["rejected"]) == (1, 1, 1)
    assert figures["now_assigned"] == 1 and figures["now_returned"] == 1
    assert figures["now_accepted"] == 0  # 海淀区's
    assert figures["overdue"] == 1
    assert figures["spot_checks_drawn"] == 1
    assert figures["spot_checks_failed"] == 1
    assert figures["objections_upheld"] == 1
    steps = {step["state"]: step for step in data["steps"]}
    assert steps["submitted"]["count"] == 3
    assert steps["submitted"]["median"] == 3.0  # 3, 2 and 5 working days
    assert steps["submitted"]["mean"] == 3.3
    assert steps["submitted"]["over_limit"] == 0
    assert steps["accepted"]["count"] == 1 and steps["accepted"]["median"] == 2.0
    assert steps["publicity"]["count"] == 0 and steps["publicity"]["median"] is None
    city = api(client, cast.city, "reviews").json()["total"]["figures"]
    assert city["spot_checks_failed"] == 2 and city["objections_upheld"] == 2


def test_reviews_by_review_unit(client, cast, world):
    unit = world["unit"]
    data = api(client, cast.district, "reviews", dimension="review_unit").json()
    rows = rows_of(data)
    assert set(rows) == {str(unit.pk), "none"}
    assert rows[str(unit.pk)]["label"] == unit.name
    assert rows[str(unit.pk)]["figures"]["received"] == 1
    assert rows[str(unit.pk)]["figures"]["spot_checks_drawn"] == 1
    assert rows["none"]["figures"]["received"] == 2
    assert rows["none"]["figures"]["spot_checks_failed"] == 1
    client.force_login(cast.district)
    records = client.get(
        "/api/v1/statistics/reviews/enterprises/",
        {"measure": "received", "review_unit": unit.pk},
    ).json()
    assert [r["enterprise"] for r in records["results"]] == [cast.ent.name]
    assert records["results"][0]["details"]["application"] == str(world["p1"].pk)


def test_the_review_unit_belongs_to_the_review_table(client, cast, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api(client, cast.district, "hazards", dimension="review_unit")
    assert response.status_code == 400
    assert "Unknown row dimension" in response.json()["detail"]
    response = api(client, cast.district, "accidents", review_unit=world["unit"].pk)
    assert response.status_code == 400
    response = api(client, cast.district, "reviews", review_unit="99999")
    assert "Unknown review unit" in response.json()["detail"]


@pytest.mark.parametrize("table", ["reviews", "hazards", "accidents", "compliance"])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"grade": "gold"}, "Unknown grade: gold"),
        ({"district": "110108"}, "outside your area"),
        ({"industry": "nope"}, "Unknown industry code"),
    ],
)
def test_bad_filters(client, cast, world, table, params, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api(client, cast.district, table, **params)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    page = client.get(f"/statistics/{table}/", params)
    assert page.status_code == 400 and message in page.content.decode()
    export = client.get(f"/statistics/{table}/export/", params)
    assert export.status_code == 400 and message in export.content.decode()


@pytest.mark.parametrize(
    ("table", "measure", "expected"),
    [
        ("accidents", "deaths", {"北京朝阳精密机械有限公司", "统计甲"}),
        ("hazards", "funds", {"北京朝阳精密机械有限公司"}),
        ("hazards", "reports_missing", {"统计甲"}),
        # counted from the forms filed: the same enterprises
        ("hazards", "reports_filed", {"北京朝阳精密机械有限公司"}),
        ("hazards", "reports_zero", {"北京朝阳精密机械有限公司"}),
        ("reviews", "spot_checks_failed", {"统计甲"}),
        ("reviews", "objections_upheld", {"统计甲"}),
    ],
)
def test_drill_downs_stay_in_the_district(client, cast, world, table, measure, expected):
    client.force_login(cast.district)
    data = client.get(f"/api/v1/statistics/{table}/enterprises/", {"measure": measure}).json()
    assert {r["enterprise"] for r in data["results"]} == expected
    assert {r["district"] for r in data["results"]} == {"110105"}
    page = client.get(f"/statistics/{table}/enterprises/", {"measure": measure}).content.decode()
    assert all(name in page for name in expected)
    assert cast.other_ent.name not in page
    book = client.get(f"/statistics/{table}/enterprises/export/", {"measure": measure})
    names = {row[1].value for row in sheet_of(book)[0].iter_rows(min_row=3)}
    assert names == expected


def test_other_district_sees_only_haidian(client, cast, world):
    for table in ("reviews", "hazards", "accidents"):
        data = api(client, cast.other_district, table, dimension="district").json()
        assert set(rows_of(data)) <= {"110108"}, table
    hazards = api(client, cast.other_district, "hazards").json()["total"]
    assert hazards["figures"]["found"] == 1 and hazards["figures"]["reports_late"] == 1
    accidents = api(client, cast.other_district, "accidents").json()["total"]
    assert accidents["sums"]["deaths"] == 1
    client.force_login(cast.other_district)
    html = client.get("/statistics/reviews/?dimension=review_unit").content.decode()
    assert "统计甲" not in html
    book = client.get("/statistics/hazards/export/?dimension=district")
    values = [c.value for row in sheet_of(book)[0].iter_rows() for c in row]
    assert "朝阳区" not in values and "海淀区" in values


@pytest.mark.parametrize("who", ["enterprise", "group", "reviewer"])
def test_refused_roles(client, cast, world, who):
    user = getattr(cast, who)
    client.force_login(user)
    for table in ("reviews", "hazards", "accidents"):
        assert client.get(f"/statistics/{table}/").status_code == 403
        assert client.get(f"/api/v1/statistics/{table}/").status_code == 403
        assert client.get(f"/statistics/{table}/enterprises/?measure=x").status_code == 403


def test_pages_and_exports(client, cast, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.district)
    html = client.get("/statistics/reviews/").content.decode()
    assert 'data-testid="steps"' in html and "Working days per step" in html
    assert "/statistics/reviews/enterprises/?dimension=street" in html
    html = client.get("/statistics/hazards/").content.decode()
    assert "Rectification rate (%)" in html and 'data-measure="rectification_rate"' in html
    html = client.get("/statistics/hazards/enterprises/", {"measure": "found"}).content.decode()
    assert "YH-" in html and f"/enterprises/{cast.ent.pk}/" in html
    sheets = sheet_of(client.get("/statistics/reviews/export/"))
    assert [s.title for s in sheets] == ["reviews", "steps"]
    sheets = sheet_of(client.get("/api/v1/statistics/accidents/export/"))
    total = [c.value for c in list(sheets[0].iter_rows())[-1]]
    assert total[2:7] == [3, 1, 2, 4, 2]


def test_home_links_the_five_tables(client, cast):
    client.force_login(cast.district)
    html = client.get("/").content.decode()
    for table in ("compliance", "reviews", "certificates", "hazards", "accidents"):
        assert f"/statistics/{table}/" in html


def test_targets_under_the_statistics_api(client, cast):
    client.force_login(cast.district)
    response = client.get("/api/v1/statistics/targets/")
    assert response.status_code == 200
    assert response.json()["count"] == client.get("/api/v1/targets/").json()["count"]
    client.force_login(cast.enterprise)
    assert client.get("/api/v1/statistics/targets/").status_code == 403
