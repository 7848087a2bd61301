"""Listed supervision in the browser: a district official lists a major hazard, the
enterprise records the evaluation and applies to close, two officials of the
district record the on-site review, and the public page shows it closed."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import SupervisionListing
from tests.hazards.factories import PDF
from tests.hazards.supervision.world import approved


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_a_district_lists_the_enterprise_applies_and_two_officials_close_it(
    tcast, login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    hazard = approved(tcast)
    report = tmp_path / "评估报告.pdf"
    report.write_bytes(PDF)

    page = login(tcast.district_staff.username)
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    click_and_wait(page, "[data-testid=list-hazard]")
    page.fill("input[name=deadline]", (today + datetime.timedelta(days=30)).isoformat())
    page.select_option("select[name=suspension]", "partial")
    page.fill("textarea[name=requirements]", "停用淬火油槽，限期治理。")
    click_and_wait(page, "[data-testid=do-list]")
    expect(page).to_have_url(re.compile(r"/hazards/supervision/\d+/$"))
    listing = SupervisionListing.objects.get()
    expect(page.locator("[data-testid=listing-number]")).to_have_text(listing.number)

    page = login(tcast.enterprise.username)
    page.goto(f"{live_server.url}/hazards/supervision/{listing.pk}/")
    page.select_option("select[name=by]", "evaluation_body")
    page.fill("input[name=body_name]", "北京安评技术服务有限公司")
    page.fill("[data-testid=evaluation-form] textarea[name=conclusion]", "治理完成，隐患消除。")
    page.fill("input[name=evaluated_on]", today.isoformat())
    page.set_input_files("input[name=file]", str(report))
    click_and_wait(page, "[data-testid=do-evaluate]")
    expect(page.locator("[data-testid=evaluation]")).to_have_count(1)
    page.fill("[data-testid=apply-form] textarea[name=text]", "治理完成，申请核销。")
    click_and_wait(page, "[data-testid=do-apply]")
    expect(page.locator("[data-testid=application]")).to_have_count(1)
    expect(page.locator("[data-testid=review-form]")).to_have_count(0)

    page = login(tcast.district.username)
    page.goto(f"{live_server.url}/hazards/supervision/")
    expect(page.locator("[data-testid=review-due]")).to_contain_text(listing.number)
    page.goto(f"{live_server.url}/hazards/supervision/{listing.pk}/")
    page.select_option("select[name=verdict]", "closed")
    for official in (tcast.district, tcast.district_staff):
        page.get_by_label(official.username, exact=True).check()
    page.fill(
        "[data-testid=review-form] textarea[name=opinion]", "现场复查，隐患已消除，同意核销。"
    )
    click_and_wait(page, "[data-testid=do-review]")
    expect(page.locator("[data-testid=review]")).to_have_count(1)
    expect(page.locator("[data-testid=listing-status]")).to_contain_text("核销")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/supervision/")
    row = page.locator("[data-testid=public-listing]", has_text=listing.number)
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=public-status]")).to_contain_text("核销")
    expect(row).to_contain_text(tcast.ent.name)
