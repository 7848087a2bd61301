"""Every demo login works in the browser and lands on its own home page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import Region, User

LIST = "enterprises:list"
MINE = "enterprises:mine"
REGISTRATIONS = "enterprises:registrations"
IMPORT = "enterprises:import"
ORGANISATIONS = "organisations"
AUDIT = "audit_log"
EVERY_LINK = {LIST, MINE, REGISTRATIONS, IMPORT, ORGANISATIONS, AUDIT}

# The navigation each role must have; every other link of EVERY_LINK must be absent.
NAVIGATION = {
    "demo-city": {LIST, REGISTRATIONS, IMPORT, ORGANISATIONS, AUDIT},
    "demo-district": {LIST, REGISTRATIONS, IMPORT},
    "demo-district-staff": {LIST, REGISTRATIONS, IMPORT},
    "demo-street": {LIST},  # its street's enterprises, read-only
    "demo-regulator": {LIST},
    "demo-association": {LIST},
    "demo-reviewer": set(),
    "demo-group": {LIST},
    "demo-enterprise": {MINE},
    "demo-small": {MINE},
    "demo-shop": {MINE},
    "demo-pending": set(),  # registered, not yet verified: may log in but not act
}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", enterprises=40, verbosity=0)


def nav_links(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "[data-testid=nav] a", "links => links.map(a => a.getAttribute('href'))"
        )
    )


def test_every_demo_login_lands_on_its_home_page(demo, live_server, login):
    """One demo for every login (the demo takes seconds to seed), each checked in turn;
    a wrong password first."""
    page = login("demo-city", "not-the-password")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("[data-testid=login-error]").is_visible()
    assert page.locator("[data-testid=whoami]").count() == 0

    for username in sorted(NAVIGATION):
        user = User.objects.select_related("organisation").get(username=username)

        page = login(username)

        errors = page.locator("[data-testid=login-error]").all_inner_texts()
        assert page.url == f"{live_server.url}/", (username, errors)
        assert user.organisation.name in page.locator("[data-testid=whoami]").inner_text()
        links = nav_links(page)
        expected = {reverse(name) for name in NAVIGATION[username]} | {reverse("home")}
        if user.is_org_admin and user.can_act:
            expected.add(reverse("staff"))
        forbidden = {reverse(name) for name in EVERY_LINK - NAVIGATION[username]}
        assert expected <= links, f"{username} misses {expected - links}"
        assert not links & forbidden, f"{username} must not see {links & forbidden}"
        if not user.can_act:
            assert reverse("staff") not in links
            status = page.locator("[data-testid=registration-status]")
            assert status.get_attribute("data-status") == "pending"


def test_every_demo_login_is_covered():
    from enterprises.demo import DEMO_USERS

    assert set(NAVIGATION) == set(DEMO_USERS)


def test_language_switch_in_header(demo, live_server, login):
    chaoyang = Region.objects.get(code="110105")
    page = login("demo-district")
    html = page.locator("html")
    # The district's name follows the language (the organisation's own name does not).
    assert html.get_attribute("lang") == "zh-CN"
    assert chaoyang.name_en not in page.locator("main").inner_text()

    with page.expect_navigation():
        page.select_option("[data-testid=language]", "en")

    assert html.get_attribute("lang") == "en"
    assert page.url == f"{live_server.url}/"
    assert chaoyang.name_en in page.locator("main").inner_text()
    page.reload()  # the choice sticks
    assert html.get_attribute("lang") == "en"

    with page.expect_navigation():
        page.select_option("[data-testid=language]", "zh-hans")

    assert html.get_attribute("lang") == "zh-CN"
    assert chaoyang.name_en not in page.locator("main").inner_text()


def test_the_header_fits_a_laptop_screen(demo, live_server, login):
    """The roles with the most links: on a 1280-pixel screen the header wraps its links
    instead of pushing the page sideways, and the language and log-out stay whole."""
    for username in ("demo-city", "demo-district"):
        for language in ("zh-hans", "en"):
            page = login(username)
            page.set_viewport_size({"width": 1280, "height": 800})
            if language != "zh-hans":  # each login starts in the default language
                with page.expect_navigation():
                    page.select_option("[data-testid=language]", language)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{username}, {language}: the page scrolls {overflow} px sideways"
            select = page.locator("[data-testid=language]")
            assert select.evaluate("s => s.scrollWidth <= s.clientWidth + 1")  # the name not cut
            logout = page.locator("form[action$='/logout/'] button")
            box = logout.bounding_box()
            assert box and box["x"] + box["width"] <= 1280, (username, language)
