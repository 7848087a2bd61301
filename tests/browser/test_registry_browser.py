"""The enterprise registry in Chromium at 1280, 768 and 390 px: each enterprise's
grade and certificate validity, the street filter that follows the district, and
the export of what the filters show; the page never scrolls sideways (the wide
table scrolls in place)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.cast import make_enterprise
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue

WIDTHS = (1280, 768, 390)


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def registry(tcast):
    certificate = issue(tcast, make_tiered_version())
    other = make_enterprise(
        "北京朝外无证五金厂", tcast.chaoyang, 77, street=tcast.other_chaoyang_street
    )
    return certificate, other


def row_of(page, name: str):
    return page.locator("[data-testid=registry-table] tbody tr", has_text=name)


def test_a_district_reads_grades_filters_by_street_and_exports(tcast, registry, login, live_server):
    certificate, other = registry
    page = login(tcast.district.username)
    url = f"{live_server.url}/enterprises/"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert sideways(page) <= 0, f"the registry scrolls sideways at {width} px"
        certified = row_of(page, certificate.enterprise.name)
        expect(certified.locator("[data-testid=grade]")).to_contain_text("三级")
        expect(certified.locator("[data-testid=valid-until]")).to_have_text(
            certificate.valid_until.isoformat()
        )
        expect(row_of(page, other.name).locator("[data-testid=grade]")).to_have_text("无")
        expect(row_of(page, other.name).locator("[data-testid=valid-until]")).to_have_text("—")
    # The district's own streets; choosing one narrows the list and the export.
    page.select_option("select[name=street]", tcast.chaoyang_street.code)
    with page.expect_navigation():
        page.locator("[data-testid=registry-filters] button").click()
    expect(row_of(page, certificate.enterprise.name)).to_have_count(1)
    expect(row_of(page, other.name)).to_have_count(0)
    expect(page.locator("[data-testid=result-count]")).to_contain_text("1")
    export = page.locator("[data-testid=export-link]")
    href = export.get_attribute("href")
    assert f"street={tcast.chaoyang_street.code}" in href
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert "spreadsheetml" in response.headers["content-type"]
    assert sideways(page) <= 0


def test_the_city_chooses_a_district_then_its_streets_in_english(
    tcast, registry, login, live_server
):
    certificate, other = registry
    page = login(tcast.city.username)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/enterprises/")
        assert sideways(page) <= 0
        expect(page.locator("select[name=street]")).to_have_count(0)
        # Choosing a district submits the form and offers that district's streets.
        with page.expect_navigation():
            page.select_option("select[name=district]", tcast.chaoyang.code)
        street = page.locator("select[name=street]")
        expect(street.locator(f"option[value='{tcast.other_chaoyang_street.code}']")).to_have_count(
            1
        )
        expect(
            row_of(page, certificate.enterprise.name).locator("[data-testid=grade]")
        ).to_contain_text("Level 3")
        assert sideways(page) <= 0
    page.select_option("select[name=grade]", "none")
    with page.expect_navigation():
        page.locator("[data-testid=registry-filters] button").click()
    expect(row_of(page, other.name)).to_have_count(1)
    expect(row_of(page, certificate.enterprise.name)).to_have_count(0)
