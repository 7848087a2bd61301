"""A hazard through the ledger on a phone-sized screen: an enterprise staff member
records it with a photo, starts and finishes the rectification, and a colleague
accepts it and sees it closed."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import Hazard
from tests.hazards.factories import PNG


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_a_hazard_is_recorded_with_a_photo_rectified_and_accepted_on_a_phone(
    tcast, login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)

    page = login(tcast.enterprise_staff.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/hazards/")
    click_and_wait(page, "[data-testid=new-hazard]")
    page.fill("input[name=found_on]", today.isoformat())
    page.fill("input[name=location]", "一号车间冲压线")
    page.fill("textarea[name=description]", "冲床光电保护装置失效。")
    page.select_option("select[name=category]", "site")
    page.fill("input[name=deadline]", (today + datetime.timedelta(days=7)).isoformat())
    page.set_input_files("input[name=photo]", str(photo))
    # The form fits the screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    click_and_wait(page, "[data-testid=record-hazard]")
    expect(page).to_have_url(re.compile(r"/hazards/\d+/$"))
    hazard = Hazard.objects.get()
    expect(page.locator("[data-testid=hazard-number]")).to_have_text(hazard.number)
    expect(page.locator("[data-testid=photo-link]")).to_have_count(1)

    click_and_wait(page, "[data-testid=do-start]")
    page.fill("#completed-submit_for_acceptance", today.isoformat())
    page.fill("#measures-submit_for_acceptance", "更换光电保护装置并试验合格。")
    click_and_wait(page, "[data-testid=do-submit_for_acceptance]")
    # The rectifier is not offered the acceptance.
    expect(page.locator("[data-testid=do-accept]")).to_have_count(0)

    page = login(tcast.enterprise.username)
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    page.fill("#comment-accept", "现场复查，光电保护装置有效。")
    click_and_wait(page, "[data-testid=do-accept]")
    expect(page.locator("[data-testid=status]")).to_contain_text("销号")
    expect(page.locator("[data-testid=actions]")).to_have_count(0)
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED
    assert hazard.accepted_by == tcast.enterprise
