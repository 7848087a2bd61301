"""T1 达标情况 and T3 证书动态: each figure against the hand-counted world
(tests/reporting/statistics/world.py), on the pages, the drill-downs, the exports
and the API, in each scope."""

from __future__ import annotations

from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from openpyxl import load_workbook

from tests.reporting.statistics.world import NOW, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


def api(client, user, table, **params):
    client.force_login(user)
    return client.get(f"/api/v1/statistics/{table}/", params)


def by_key(data):
    return {row["key"]: row for row in data["rows"]}


def test_district_compliance_table_by_street(client, cast, world):
    data = api(client, cast.district, "compliance").json()
    assert data["dimension"] == "street"
    total = data["total"]["figures"]
    assert total == {
        "active": 5,
        "active_above": 2,
        "active_below": 2,
        "active_small_micro": 1,
        "live_1": 1,
        "live_2": 1,
        "live_3": 1,
        "live_pass": 1,
        "compliant": 3,
        "new": 1,
        "revoked": 1,
        "expired_unrenewed": 1,
    }
    assert data["total"]["rate"] == 60.0
    rows = by_key(data)
    assert set(rows) == {"110105001", "110105002", "none"}  # no 海淀区 street
    jianwai = rows["110105001"]
    assert jianwai["figures"]["active"] == 3
    assert jianwai["figures"]["compliant"] == 1
    assert jianwai["figures"]["revoked"] == 1
    assert jianwai["rate"] == 33.3
    assert rows["none"]["figures"]["new"] == 1
    assert rows["110105002"]["figures"]["live_pass"] == 1


def test_city_sees_both_districts_and_the_total(client, cast, world):
    data = api(client, cast.city, "compliance").json()
    rows = by_key(data)
    assert rows["110108"]["figures"]["active"] == 2
    assert rows["110108"]["figures"]["revoked"] == 1
    assert rows["110105"]["figures"]["active"] == 5
    assert data["total"]["figures"]["live_3"] == 2
    assert data["total"]["figures"]["new"] == 2
    assert data["total"]["figures"]["compliant"] == 4


def test_certificate_dynamics_for_the_district(client, cast, world):
    figures = api(client, cast.district, "certificates").json()["total"]["figures"]
    assert figures["expiring_30"] == 1
    assert figures["expiring_60"] == 2
    assert figures["expiring_90"] == 2
    assert figures["renewal_due"] == 1  # 统计三 has applied to renew
    assert figures["suspended"] == 1
    assert figures["revoked"] == 1
    assert figures["revoked_fatal_accident"] == 1
    assert figures["revoked_fraud"] == 0  # 海淀区's
    assert figures["flagged"] == 1
    assert figures["annual_overdue"] == 1


def test_period_quarter_and_year(client, cast, world):
    q1 = api(client, cast.district, "compliance", period="2026-Q1").json()["total"]["figures"]
    assert (q1["new"], q1["revoked"], q1["expired_unrenewed"]) == (1, 1, 1)
    q2 = api(client, cast.district, "compliance", period="2026-Q2").json()["total"]["figures"]
    assert (q2["new"], q2["revoked"], q2["expired_unrenewed"]) == (0, 0, 0)
    assert q2["active"] == 5  # the standing figures are today's


def test_street_sees_only_its_street(client, cast, world):
    data = api(client, cast.street, "compliance").json()
    assert data["total"]["figures"]["active"] == 3
    assert data["total"]["figures"]["live_2"] == 1
    assert data["total"]["figures"]["live_pass"] == 0


def test_other_district_never_sees_chaoyang(client, cast, world):
    data = api(client, cast.other_district, "compliance", dimension="district").json()
    assert set(by_key(data)) == {"110108"}
    assert data["total"]["figures"]["active"] == 2
    records = client.get("/api/v1/statistics/compliance/enterprises/", {"measure": "active"}).json()
    assert {r["district"] for r in records["results"]} == {"110108"}


def test_regulator_sees_its_industries(client, cast, world):
    data = api(client, cast.regulator, "compliance").json()
    # machinery: ent, 统计一, 统计四, 统计五 (active), 统计六 (海淀区); 统计三 closed
    assert data["total"]["figures"]["active"] == 5
    assert data["total"]["figures"]["live_pass"] == 0


@pytest.mark.parametrize("who", ["enterprise", "group", "reviewer"])
def test_refused_roles(client, cast, world, who):
    user = getattr(cast, who)
    assert api(client, user, "compliance").status_code == 403
    assert api(client, user, "certificates").status_code == 403
    client.force_login(user)
    for url in (
        "/statistics/compliance/",
        "/statistics/certificates/enterprises/?measure=suspended",
        "/statistics/compliance/export/",
        "/statistics/compliance/enterprises/export/?measure=active",
        "/api/v1/statistics/compliance/enterprises/?measure=active",
        "/api/v1/statistics/certificates/export/",
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"district": "999999"}, "Unknown district code"),
        ({"street": "110108001"}, "outside your area"),  # a 海淀区 street
        ({"district": "110108"}, "outside your area"),
        ({"industry": "nope"}, "Unknown industry code"),
        ({"scale": "huge"}, "Unknown scale"),
        ({"dimension": "planet"}, "Unknown row dimension"),
        ({"period": "2027"}, "has not begun yet"),
        ({"period": "1999"}, "no figures before 2000"),
        ({"period": "2026-Q5"}, "must be a year"),
    ],
)
def test_bad_input(client, cast, world, params, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api(client, cast.district, "compliance", **params)
    assert response.status_code == 400
    assert message in str(response.json())
    page = client.get("/statistics/compliance/", params)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert 'data-testid="statistics-table"' not in page.content.decode()


def test_street_of_another_district_for_the_city(client, cast, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = api(client, cast.city, "compliance", district="110105", street="110108001")
    assert response.status_code == 400
    assert "is not in district 110105" in response.json()["detail"]


def test_unknown_measure(client, cast, world):
    client.force_login(cast.district)
    assert client.get("/statistics/compliance/enterprises/?measure=nope").status_code == 400
    assert client.get("/api/v1/statistics/compliance/enterprises/?measure=x").status_code == 400


def test_page_numbers_link_to_their_records(client, cast, world):
    client.force_login(cast.district)
    html = client.get("/statistics/compliance/").content.decode()
    assert 'data-testid="statistics-table"' in html
    link = "/statistics/compliance/enterprises/?dimension=street&amp;street=110105001"
    assert link in html
    page = client.get(
        "/statistics/compliance/enterprises/",
        {"street": "110105001", "measure": "compliant", "period": "2026"},
    )
    body = page.content.decode()
    assert "统计一" in body and "统计四" not in body
    assert f"/enterprises/{world['e1'].pk}/" in body
    certs = client.get("/statistics/certificates/enterprises/", {"measure": "expiring_60"})
    body = certs.content.decode()
    assert "统计一" in body and "统计三" in body and "统计二" not in body


def test_api_drilldown_matches_the_figure(client, cast, world):
    client.force_login(cast.district)
    data = client.get(
        "/api/v1/statistics/certificates/enterprises/", {"measure": "renewal_due"}
    ).json()
    assert data["count"] == 1
    assert data["results"][0]["enterprise"] == "统计一"
    assert data["results"][0]["tier"] == "2"


def test_exports(client, cast, world):
    client.force_login(cast.district)
    response = client.get("/statistics/compliance/export/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    total = values[-1]
    assert total[1] == "" or total[1] is None
    assert total[2] == 5  # active
    assert not any("110108" in str(v) for row in values for v in row)
    response = client.get("/api/v1/statistics/compliance/export/", {"measure": "active"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    names = {row[0].value for row in sheet.iter_rows(min_row=3)}
    assert names == {cast.ent.name, "统计一", "统计二", "统计四", "统计五"}
    response = client.get(
        "/statistics/certificates/enterprises/export/", {"measure": "revoked_fatal_accident"}
    )
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [row[1].value for row in sheet.iter_rows(min_row=3)] == [cast.ent.name]


def test_home_links_the_tables_for_officials_only(client, cast):
    client.force_login(cast.district)
    html = client.get("/").content.decode()
    assert 'data-testid="widget-statistics"' in html
    assert "/statistics/compliance/" in html and "/statistics/certificates/" in html
    client.force_login(cast.enterprise)
    assert 'data-testid="widget-statistics"' not in client.get("/").content.decode()


def test_english_page(client, cast, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.city)
    html = client.get("/statistics/certificates/?dimension=scale").content.decode()
    assert "Certificate dynamics" in html
    assert "Expiring in 30 days" in html
    assert "Above designated size" in html
