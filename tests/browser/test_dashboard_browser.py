"""The dashboards in a browser: a district official clicks a bar of the 达标率 chart
(drawn by ECharts from the portal's static files), lands on the enterprises behind it
and exports them; the city office compares two districts."""

from __future__ import annotations

import datetime
import re
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.cast import make_enterprise
from tests.reporting.statistics.world import World


def build(cast):
    """建外: 3 active enterprises, one (浏览一) with a live level 3 certificate: 33.3 %."""
    world = World(cast)
    live = make_enterprise("浏览一", cast.chaoyang, 501, street=cast.chaoyang_street)
    make_enterprise("浏览二", cast.chaoyang, 502, street=cast.chaoyang_street)
    today = timezone.localdate()
    world.certificate(
        live, "3", today - datetime.timedelta(days=400), today + datetime.timedelta(days=700)
    )
    return live


def test_a_district_clicks_a_bar_and_exports_the_enterprises_behind_it(tcast, login, live_server):
    live = build(tcast)
    page = login(tcast.district.username)
    page.goto(f"{live_server.url}/")
    chart = page.locator("[data-testid=chart-streets-rate]")
    expect(chart).to_have_attribute("data-ready", "1")
    chart.scroll_into_view_if_needed()
    # Where ECharts drew 建外's bar (the first street), halfway up.
    x, y = page.evaluate(
        """() => {
            const element = document.querySelector('[data-testid=chart-streets-rate]');
            const chart = echarts.getInstanceByDom(element);
            const value = chart.getOption().series[0].data[0].value;
            return chart.convertToPixel({seriesIndex: 0}, [0, value / 2]);
        }"""
    )
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)

    expect(page).to_have_url(re.compile(r"/statistics/compliance/enterprises/\?"))
    assert "measure=compliant" in page.url and "street=110105001" in page.url
    expect(page.locator("[data-testid=record]")).to_have_count(1)
    expect(page.locator("[data-testid=record]")).to_contain_text(live.name)

    with page.expect_download() as download:
        page.click("[data-testid=export]")
    sheet = load_workbook(BytesIO(open(download.value.path(), "rb").read())).active
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [(row[0], row[1]) for row in rows] == [(live.name, live.uscc)]


def test_the_chart_table_holds_the_same_numbers(tcast, login, live_server):
    build(tcast)
    page = login(tcast.district.username)
    page.goto(f"{live_server.url}/")
    table = page.locator("[data-testid=table-streets-rate]")
    expect(table).to_have_class(re.compile("visually-hidden"))
    page.click("[data-table-toggle=table-streets-rate]")
    expect(table).not_to_have_class(re.compile("visually-hidden"))
    expect(table.locator("tr[data-key='110105001'] td").last).to_have_text("33.3")


def test_the_city_office_compares_two_districts(tcast, login, live_server):
    build(tcast)
    page = login(tcast.city.username)
    page.goto(f"{live_server.url}/")
    form = page.locator("[data-testid=section-compare] form")
    form.locator("select[name=a]").select_option("110105")
    form.locator("select[name=b]").select_option("110108")
    form.locator("button").click()

    expect(page).to_have_url(re.compile(r"/dashboards/compare/\?a=110105&b=110108$"))
    districts = page.locator("[data-testid=compare-district]")
    expect(districts).to_have_count(2)
    expect(districts.first).to_contain_text("33.3")
    expect(districts.last).to_contain_text("0.0")
    expect(page.locator("[data-testid=chart-compare-figures]")).to_have_attribute("data-ready", "1")
