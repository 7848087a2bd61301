"""The government dashboards against the hand-counted statistics world
(tests/reporting/statistics/world.py: 朝阳区 5 active enterprises, 3 with a live
certificate; 建外 3 active, 1 with one; 海淀区 2 active, 1 with one), read from the
nightly snapshot and, before any, live (the ``source`` fixture)."""

from __future__ import annotations

import pytest
from django.conf import settings

from portal.models import Region

pytestmark = pytest.mark.django_db


def rate_bars(section):
    chart = section["chart"]
    return dict(zip(chart["keys"], chart["series"][0]["values"], strict=True))


def test_district_sees_its_streets_side_by_side(cast, world, source, dashboard):
    data = dashboard(cast.district)
    assert data["role"] == "district"
    assert data["source"]["snapshot"] is (source == "snapshot")
    rate = data["by_id"]["streets-rate"]
    assert rate_bars(rate) == {"110105001": 33.3, "110105002": 100.0, "none": 100.0}
    # A bar leads to the enterprises with a live certificate of its street.
    url = rate["chart"]["series"][0]["urls"][0]
    assert url.startswith("/statistics/compliance/enterprises/?")
    assert "measure=compliant" in url and "street=110105001" in url
    total = rate["table"]["rows"][-1]["cells"]
    assert [c["value"] for c in total] == ["Total", 5, 3, 60.0] or [c["value"] for c in total][
        1:
    ] == [5, 3, 60.0]
    grades = data["by_id"]["streets-grades"]["chart"]
    assert {s["name"]: sum(s["values"]) for s in grades["series"]}.__len__() == 4
    assert sum(sum(s["values"]) for s in grades["series"]) == 4  # e1, e2, e3 (suspended), e5
    tiles = {t["key"]: t["value"] for t in data["by_id"]["expiring"]["tiles"]}
    assert tiles["expiring_30"] == 1  # e1's level 2
    assert tiles["expiring_60"] == 2  # and e3's suspended level 3
    assert data["by_id"]["targets"]["table"]["rows"]  # the seed targets
    assert "statistics/compliance" in str(data["statistics"])
    # The worklists' sizes, each linking to its list, and the rate's trend (no
    # snapshot yet: empty months), linking to the trend page.
    assert all(t["url"] for t in data["by_id"]["worklists"]["tiles"])
    trend = data["by_id"]["trend"]["chart"]
    assert len(trend["categories"]) == 12
    assert trend["series"][0]["urls"][0].startswith("/snapshots/trends/?metric=compliance.rate")
    hazards = {t["key"] for t in data["by_id"]["hazards"]["tiles"]}
    assert {"reports_due", "major_open"} <= hazards


def test_a_district_never_sees_another_districts_numbers(cast, world, source, dashboard):
    ours = dashboard(cast.other_district)  # 海淀区: 万寿路街道 has no enterprise
    bars = rate_bars(ours["by_id"]["streets-rate"])
    assert bars == {"none": 50.0}
    text = str(ours)
    assert "110105" not in text.replace("110108", "")
    assert "建外" not in text and "统计一" not in text


def test_the_home_page_draws_the_dashboard_from_static_files(client, cast, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.district)
    page = client.get("/").content.decode()
    assert 'data-testid="dashboard"' in page
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert "/static/reporting/dashboards.js" in page
    assert 'id="chart-streets-rate" type="application/json"' in page
    assert "<script>" not in page  # no inline script
    # The numbers are a table beside the chart, with the xlsx export of the statistics.
    assert 'data-testid="table-streets-rate"' in page
    assert "/statistics/compliance/export/?dimension=street" in page
    # Every statistics table is linked.
    assert 'data-testid="statistics-compliance"' in page
    assert 'data-testid="statistics-certificates"' in page


def test_street_sees_its_enterprises_and_those_without_a_certificate(
    client, cast, world, source, dashboard
):
    data = dashboard(cast.street)  # 建外: ent, 统计一 (level 2), 统计四
    grades = {t["key"]: t["value"] for t in data["by_id"]["grades"]["tiles"]}
    assert grades == {"live_1": 0, "live_2": 1, "live_3": 0, "live_pass": 0}
    scales = {t["key"]: t["value"] for t in data["by_id"]["scales"]["tiles"]}
    assert scales["active"] == 3 and scales["active_above"] == 2
    missing = data["by_id"]["uncertified"]
    assert missing["count"] == 2
    names = [row["cells"][0]["text"] for row in missing["rows"]]
    assert names == sorted([cast.ent.name, "统计四"])
    client.force_login(cast.street)
    listed = client.get(missing["more_url"]).content.decode()
    assert "统计四" in listed and "统计二" not in listed
    other = dashboard(cast.other_street)  # 朝外: 统计二, which holds a live certificate
    assert other["by_id"]["uncertified"]["count"] == 0
    assert "统计四" not in str(other) and "统计一" not in str(other)


def test_regulator_sees_its_industries(cast, world, source, dashboard):
    data = dashboard(cast.regulator)  # machinery, every district
    bars = rate_bars(data["by_id"]["industries-rate"])
    assert list(bars) == ["machinery"]
    # 朝阳区: ent, 统计一, 统计四, 统计五 active (统计一, 统计五 live); 海淀区: 统计六 (revoked).
    assert bars["machinery"] == 40.0


def test_city_ranks_the_districts_and_marks_demonstration_ones(cast, world, source, dashboard):
    Region.objects.update(is_demonstration=False)
    Region.objects.filter(pk="110108").update(is_demonstration=True)
    data = dashboard(cast.city)
    ranking = data["by_id"]["districts-rate"]["chart"]
    assert ranking["keys"] == ["110105", "110108"]  # 60 % before 50 %
    assert ranking["series"][0]["marked"] == [False, True]
    assert ranking["categories"][1].startswith("★ ")
    grid = data["by_id"]["districts-grid"]["tiles"]
    assert len(grid) == Region.objects.count()
    haidian = next(t for t in grid if t["key"] == "110108")
    assert haidian["value"] == 50.0 and haidian["demonstration"]
    assert "district=110108" in haidian["url"]
    assert data["by_id"]["compare"]["url"] == "/dashboards/compare/"


def test_city_compares_two_districts(client, cast, world, source):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.city)
    response = client.get("/dashboards/compare/", {"a": "110105", "b": "110108"})
    assert response.status_code == 200
    rates = {d["code"]: d["rate"] for d in response.context["districts"]}
    assert rates == {"110105": 60.0, "110108": 50.0}
    rows = {r["key"]: r for r in response.context["section"]["table"]["rows"]}
    assert [c["value"] for c in rows["active"]["cells"][1:]] == [5, 2]
    assert "district=110108" in rows["active"]["cells"][2]["url"]


@pytest.mark.parametrize(
    "query", [{"a": "110105", "b": "999999"}, {"a": "110105", "b": "110105"}, {"a": "110105"}]
)
def test_compare_refuses_bad_codes_with_a_message(client, cast, world, query):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.city)
    response = client.get("/dashboards/compare/", query)
    assert response.status_code == 400
    assert 'data-testid="compare-error"' in response.content.decode()
    assert "section" not in response.context


@pytest.mark.parametrize("who", ["district", "street", "regulator", "enterprise"])
def test_only_the_city_office_compares_districts(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get("/dashboards/compare/?a=110105&b=110108").status_code == 403


@pytest.mark.parametrize("who", ["enterprise", "group", "reviewer"])
def test_the_uncertified_list_is_for_officials(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get("/dashboards/uncertified/").status_code == 403
    assert client.get("/dashboards/uncertified/export/").status_code == 403


def test_the_uncertified_export_holds_the_scope_only(client, cast, world):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(cast.district)
    response = client.get("/dashboards/uncertified/export/")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted([cast.ent.name, "统计四"])
