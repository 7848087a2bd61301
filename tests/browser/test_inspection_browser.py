"""An inspection on a phone-sized screen: an enterprise staff member starts it from
the plan, marks one item 隐患 with a photo and the hazard's fields, a colleague
confirms their participation and completes it, the hazard appears in the ledger;
the staff member rectifies it and the colleague accepts and closes it."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import Hazard, InspectionRecord
from tests.hazards.factories import PNG
from tests.hazards.inspections.world import make_plan


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def fits(page) -> None:
    """Nothing scrolls sideways on a 390-px screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_inspection_finds_a_hazard_that_is_then_rectified_and_accepted_on_a_phone(
    tcast, login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    photo = tmp_path / "配电箱.png"
    photo.write_bytes(PNG)
    plan = make_plan(tcast)

    page = login(tcast.enterprise_staff.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/hazards/")
    click_and_wait(page, "[data-testid=inspections-link]")
    click_and_wait(page, "[data-testid=plans-link]")
    click_and_wait(page, "[data-testid=plan-row]")
    fits(page)
    click_and_wait(page, "[data-testid=start-inspection]")
    page.fill("input[name=inspected_on]", today.isoformat())
    page.select_option("select[name=leader]", str(tcast.enterprise_staff.pk))
    page.check(f"input[name=participants][value='{tcast.enterprise.pk}']")
    fits(page)
    click_and_wait(page, "[data-testid=start]")
    expect(page).to_have_url(re.compile(r"/hazards/inspections/\d+/$"))
    record = InspectionRecord.objects.get(plan=plan)

    item = page.locator('[data-testid=item][data-code="1.1"]')
    item.locator('label[for$="-hazard"]').click()
    item.locator("textarea[name=note]").fill("配电箱门未关闭，电缆绝缘层破损。")
    item.locator("[data-testid=hazard-fields] summary").click()
    item.locator("input[name=location]").fill("机加工车间 3# 配电箱")
    item.locator("select[name=category]").select_option("site")
    item.locator("input[name=deadline]").fill((today + datetime.timedelta(days=7)).isoformat())
    item.locator("input[name=photo]").set_input_files(str(photo))
    fits(page)
    with page.expect_navigation():
        item.locator("[data-testid=save-item]").click()
    expect(
        page.locator('[data-testid=item][data-code="1.1"] [data-testid=item-photo]')
    ).to_have_count(1)

    # Only the unanswered item is left to find.
    click_and_wait(page, "[data-testid=only-unanswered]")
    expect(page.locator("[data-testid=item]")).to_have_count(1)
    item = page.locator('[data-testid=item][data-code="1.2"]')
    item.locator('label[for$="-conforms"]').click()
    with page.expect_navigation():
        item.locator("[data-testid=save-item]").click()
    expect(page.locator("[data-testid=all-answered]")).to_be_visible()
    click_and_wait(page, "[data-testid=confirm]")
    fits(page)

    page = login(tcast.enterprise.username)
    page.goto(f"{live_server.url}/hazards/inspections/{record.pk}/")
    click_and_wait(page, "[data-testid=confirm]")
    click_and_wait(page, "[data-testid=complete]")
    expect(page.locator("[data-testid=record-status]")).to_contain_text(
        re.compile("已完成|Completed")
    )
    hazard = Hazard.objects.get()
    expect(page.locator("[data-testid=item-hazard] a")).to_have_text(hazard.number)
    page.goto(f"{live_server.url}/hazards/")
    expect(page.locator("[data-testid=hazard-row]")).to_have_count(1)
    expect(page.locator("[data-testid=hazard-row]")).to_contain_text(hazard.number)

    page = login(tcast.enterprise_staff.username)
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    expect(page.locator("[data-testid=found-in-inspection]")).to_be_visible()
    expect(page.locator("[data-testid=photo-link]")).to_have_count(1)
    click_and_wait(page, "[data-testid=do-start]")
    page.fill("#completed-submit_for_acceptance", today.isoformat())
    page.fill("#measures-submit_for_acceptance", "更换电缆并关闭配电箱门。")
    click_and_wait(page, "[data-testid=do-submit_for_acceptance]")

    page = login(tcast.enterprise.username)
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    page.fill("#comment-accept", "现场复查合格。")
    click_and_wait(page, "[data-testid=do-accept]")
    expect(page.locator("[data-testid=status]")).to_contain_text("销号")
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED and hazard.accepted_by == tcast.enterprise
