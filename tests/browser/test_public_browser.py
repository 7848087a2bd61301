"""The public side in the browser, at 1280, 768 and 390 px, in Chinese (the
default) and English: from a public page the header leads to the certificate
check, a number typed the way people type it finds the certificate; the
registration form offers only the chosen district's streets; no page scrolls
sideways."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from portal.models import Street
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue

WIDTHS = [1280, 768, 390]
LANGUAGES = ["zh-hans", "en"]
NUMBER = "京AQBJXⅢ202600001"
# How people type it: lower case, spaces, III for Ⅲ; or full-width from a Chinese IME.
TYPED = {
    1280: "京aqbjx iii 2026 00001",
    768: "京ＡＱＢＪＸⅢ２０２６００００１",
    390: "京AQBJX 3 2026 00001",
}


def open_as(page, live_server, width: int, language: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.clear_cookies()
    if language != settings.LANGUAGE_CODE:
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )


def assert_no_sideways_scroll(page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url}: {scroll}px wide in a {inner}px window"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_leads_to_the_check_and_a_typed_number_finds_the_certificate(
    tcast, live_server, page, width, language
):
    certificate = issue(tcast, make_tiered_version())
    assert certificate.number == NUMBER
    open_as(page, live_server, width, language)

    page.goto(f"{live_server.url}/public/announcements/")
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "en" else "zh-CN")
    header = page.locator("[data-testid=public-header]")
    expect(header).to_be_visible()
    for key in ("announcements", "publicity", "certified", "check"):
        expect(header.locator(f"[data-testid=public-nav-{key}]")).to_be_visible()
    assert_no_sideways_scroll(page)

    with page.expect_navigation():
        header.locator("[data-testid=public-nav-check]").click()
    assert page.url == f"{live_server.url}/verify/"
    expect(header.locator("[data-testid=public-nav-check]")).to_have_attribute(
        "aria-current", "page"
    )

    form = page.locator("[data-testid=lookup-form]")
    form.locator("[name=number]").fill(TYPED[width])
    with page.expect_navigation():
        form.locator("button").click()

    found = page.locator("[data-testid=found]")
    expect(found).to_contain_text(certificate.enterprise.name)
    expect(found).to_contain_text(certificate.valid_until.isoformat())
    expect(page.locator("[data-testid=certificate] [data-testid=number]")).to_have_text(NUMBER)
    expect(page.locator("[data-testid=certificate] [data-testid=enterprise]")).to_have_text(
        certificate.enterprise.name
    )
    if language == "en":
        expect(found).to_contain_text("One certificate found")
    assert_no_sideways_scroll(page)

    # The announcement's row links the certificate to the same check.
    page.goto(f"{live_server.url}/public/announcements/{certificate.announcement_id}/")
    assert_no_sideways_scroll(page)
    with page.expect_navigation():
        page.locator("[data-testid=check-link]", has_text=NUMBER).click()
    expect(page.locator("[data-testid=certificate] [data-testid=number]")).to_have_text(NUMBER)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_registration_offers_only_the_chosen_districts_streets(
    tcast, live_server, page, width, language
):
    # Haidian's streets come with the reference data; one more makes sure there is one.
    haidian_street = Street.objects.create(
        region=tcast.haidian, code="110108990", name="测试海淀街道", kind=Street.Kind.SUBDISTRICT
    )
    open_as(page, live_server, width, language)
    page.goto(f"{live_server.url}/accounts/register/")
    form = page.locator("[data-testid=register-form]")
    street = form.locator("[name=street]")

    def offered() -> set[str]:
        values = street.locator("option").evaluate_all("os => os.map(o => o.value)")
        return {value for value in values if value}

    form.locator("[name=region]").select_option(tcast.chaoyang.code)
    chaoyang = {
        str(pk) for pk in Street.objects.filter(region=tcast.chaoyang).values_list("pk", flat=True)
    }
    assert offered() == chaoyang
    assert str(tcast.chaoyang_street.pk) in offered()
    street.select_option(str(tcast.chaoyang_street.pk))
    assert_no_sideways_scroll(page)

    # Another district: its streets only, and the street of the other is no longer chosen.
    form.locator("[name=region]").select_option(tcast.haidian.code)
    haidian = {
        str(pk) for pk in Street.objects.filter(region=tcast.haidian).values_list("pk", flat=True)
    }
    assert offered() == haidian and str(haidian_street.pk) in haidian
    assert street.input_value() == ""
    assert_no_sideways_scroll(page)
