"""The page behaviours that moved from inline handlers to static/portal/portal.js
(the Content-Security-Policy allows no inline script): a select that submits its
form when changed, clearing the choice that depends on it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.models import Region


def test_the_language_menu_switches_the_page_without_a_button(tcast, login, live_server):
    page = login(tcast.district.username)
    page.goto(f"{live_server.url}/enterprises/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.select_option("[data-testid=language]", "en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/enterprises/")  # the same page
    expect(page.locator("h1")).to_have_text("Enterprises")


def test_choosing_a_district_filters_the_registry_and_forgets_the_street(tcast, login, live_server):
    district = Region.objects.filter(streets__isnull=False).distinct().order_by("code")[0]
    other = Region.objects.exclude(pk=district.pk).filter(streets__isnull=False)[0]
    street = district.streets.order_by("code")[0]
    page = login(tcast.city.username)
    page.goto(f"{live_server.url}/enterprises/")
    filters = page.locator("[data-testid=registry-filters]")
    expect(filters.locator("select[name=street]")).to_have_count(0)

    filters.locator("select[name=district]").select_option(district.code)

    expect(page).to_have_url(re.compile(rf"[?&]district={district.code}(&|$)"))
    filters.locator("select[name=street]").select_option(street.code)
    filters.locator("input[name=q]").press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]street={street.code}(&|$)"))

    # Another district: its streets, not a street of the district before.
    filters.locator("select[name=district]").select_option(other.code)

    expect(page).to_have_url(re.compile(rf"[?&]district={other.code}(&|$)"))
    expect(page).not_to_have_url(re.compile(rf"street={street.code}"))
    expect(filters.locator("select[name=street]")).to_have_value("")
