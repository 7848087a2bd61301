"""Daily pages in Chromium at 1280, 768 and 390 px, in Chinese and in English, in
one browser context per page: the enterprise home's application stepper marks the
current step; the registry shows grades and validity and offers the district's own
streets; the application list's status tabs count and filter, scrolling inside
their strip on a phone; the standard picker checks the best fit and folds the
others. No page scrolls sideways."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from certification import engine
from certification.models import Application, Status
from tests.cast import make_enterprise
from tests.certification.factories import make_tiered_version, submitted_application
from tests.certification.lifecycle_factories import issue
from tests.reviews.test_assessment_pages import make_version

WIDTHS = (1280, 768, 390)
LANGUAGES = ("zh-hans", "en")


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def each_view(page, live_server, url: str):
    """Every language × width, the page loaded and not scrolling sideways."""
    for language in LANGUAGES:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{url}")
            assert sideways(page) <= 0, f"{url} scrolls sideways at {width} px in {language}"
            yield language, width


def test_the_enterprise_home_marks_the_current_step(tcast, login, live_server):
    submitted_application(tcast, make_tiered_version())  # waits for 朝阳区's acceptance
    page = login(tcast.enterprise.username)
    for language, width in each_view(page, live_server, "/"):
        steps = page.locator("[data-testid=standing-row] .stepper li")
        expect(steps).to_have_count(7)
        current = page.locator("[data-testid=standing-row] .stepper [aria-current=step]")
        expect(current).to_have_text("受理" if language == "zh-hans" else "Acceptance")
        expect(steps.first).to_have_class(re.compile("stepper-done"))
        expect(steps.last).to_have_class(re.compile("stepper-todo"))
        # The steps wrap inside the page: none lies beyond its right edge.
        right = steps.last.evaluate("step => step.getBoundingClientRect().right")
        assert right <= width, f"the last step ends at {right} px at {width} px"


def test_the_registry_shows_grades_and_the_districts_own_streets(tcast, login, live_server):
    certificate = issue(tcast, make_tiered_version())
    make_enterprise("北京朝外无证五金厂", tcast.chaoyang, 77, street=tcast.other_chaoyang_street)
    page = login(tcast.district.username)
    ours = sorted([tcast.chaoyang_street.code, tcast.other_chaoyang_street.code])
    for language, _width in each_view(page, live_server, "/enterprises/"):
        certified = page.locator(
            "[data-testid=registry-table] tbody tr", has_text=certificate.enterprise.name
        )
        expect(certified.locator("[data-testid=grade]")).to_contain_text(
            "三级" if language == "zh-hans" else "Level 3"
        )
        expect(certified.locator("[data-testid=valid-until]")).to_have_text(
            certificate.valid_until.isoformat()
        )
        offered = page.locator("select[name=street] option").evaluate_all(
            "options => options.map(o => o.value).filter(Boolean)"
        )
        assert sorted(offered) == ours  # 海淀区's 万寿路街道 is not offered


def test_the_status_tabs_count_filter_and_scroll_in_their_strip(tcast, login, live_server):
    first = submitted_application(tcast, make_tiered_version())
    engine.perform(actor=tcast.district, application=first, transition="accept")
    # A level 2 application of the same enterprise, received by the association:
    # in 朝阳区's scope, submitted.
    second = submitted_application(tcast, make_tiered_version("second"), tier="2")
    assert Application.objects.get(pk=second.pk).status == Status.SUBMITTED
    page = login(tcast.district.username)
    for language, width in each_view(page, live_server, "/applications/"):
        tabs = page.locator("[data-testid=status-tab]")
        expect(tabs.first).to_have_text(re.compile("全部" if language == "zh-hans" else "All"))
        expect(tabs.first.locator("[data-testid=status-count]")).to_have_text("2")
        accepted = page.locator("[data-testid=status-tab][data-status=accepted]")
        expect(accepted.locator("[data-testid=status-count]")).to_have_text("1")
        strip = page.locator("[data-testid=status-tabs]")
        if width == 390:
            # More tabs than fit: the strip scrolls, the page does not.
            assert strip.evaluate("nav => nav.scrollWidth > nav.clientWidth")
        # From the keyboard: focus the tab, press Enter.
        accepted.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"status=accepted"))
        expect(page.locator("[data-testid=status-tab][aria-current=page]")).to_have_attribute(
            "data-status", "accepted"
        )
        expect(page.locator("[data-testid=result-count]")).to_contain_text("1")
        assert sideways(page) <= 0


def test_the_standard_picker_checks_the_best_fit_and_folds_the_others(tcast, login, live_server):
    best = make_version(code="machinery-only")
    general = make_version(code="general", industries=())
    page = login(tcast.enterprise.username)
    for language, _width in each_view(page, live_server, "/assessments/"):
        recommended = page.locator("[data-testid=recommended-standard]")
        expect(recommended.locator(f"input[value='{best.pk}']")).to_be_checked()
        expect(recommended.locator("[data-testid=fit-reasons] li").first).to_be_visible()
        expect(recommended).to_contain_text(
            "最适合贵企业" if language == "zh-hans" else "Fits your enterprise best"
        )
        other = page.locator(f"input[name=version][value='{general.pk}']")
        expect(other).to_be_hidden()
        page.locator("[data-testid=other-standards] summary").click()
        expect(other).to_be_visible()
        assert sideways(page) <= 0
