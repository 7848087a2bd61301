"""The hazard pages are reachable from the top navigation, in one "Hazards"
dropdown, for the roles that use them; no entry of any role's navigation answers
it with 403."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from portal.navigation import navigation_for

LEDGER = "hazards:list"
INSPECTIONS = "hazards:inspections:list"
SELF_REPORTS = "hazards:selfreports:index"
STATUS = "hazards:selfreports:status"
INBOX = "hazards:selfreports:inbox"
ORDERS = "hazards:enforcement:inspections"
TIP_OFFS = "hazards:enforcement:tip_offs"
LISTINGS = "hazards:supervision:list"
WORKLIST = "hazards:oversight:worklist"
EVERY = {LEDGER, INSPECTIONS, SELF_REPORTS, STATUS, INBOX, ORDERS, TIP_OFFS, LISTINGS, WORKLIST}
OFFICE = {LEDGER, INSPECTIONS, STATUS, ORDERS, TIP_OFFS, WORKLIST}

EXPECTED = {
    "enterprise": {LEDGER, INSPECTIONS, SELF_REPORTS, LISTINGS},
    "enterprise_staff": {LEDGER, INSPECTIONS, SELF_REPORTS, LISTINGS},
    "group": {LEDGER, INSPECTIONS},
    "street": OFFICE | {INBOX},
    "other_street": OFFICE | {INBOX},
    "district": OFFICE | {INBOX, LISTINGS},
    "district_staff": OFFICE | {INBOX, LISTINGS},
    "regulator": OFFICE,
    "city": OFFICE | {LISTINGS},
    "association": set(),
    "reviewer": set(),
}


def urls_of(items) -> list[str]:
    """Every link of the navigation, the dropdown's entries included."""
    urls = []
    for item in items:
        urls.append(item["url"])
        urls += [child["url"] for child in item.get("children", ())]
    return urls


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_finds_its_hazard_pages(cast, role):
    urls = set(urls_of(navigation_for(getattr(cast, role))))
    expected = {reverse(name) for name in EXPECTED[role]}
    assert expected <= urls, expected - urls
    assert not ({reverse(name) for name in EVERY} - expected) & urls


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_no_navigation_entry_is_refused(cast, client_for, role):
    client = client_for(getattr(cast, role))
    for url in urls_of(navigation_for(getattr(cast, role))):
        assert client.get(url).status_code in (200, 302), url  # /enterprises/mine/ redirects


def test_the_hazard_pages_are_one_dropdown(cast, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home")).content.decode()
    assert page.count('data-testid="nav-menu"') == 1
    menu = page[page.index('data-testid="nav-menu"') :]
    assert ">Hazards<" in menu[:60]
    for label in ("Hazard ledger", "Government inspections", "Tip-offs", "Listed supervision"):
        assert label in menu
    hazards = [item for item in navigation_for(cast.district) if item.get("children")]
    assert len(hazards) == 1 and hazards[0]["url"] == reverse(LEDGER)
