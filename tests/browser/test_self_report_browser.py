"""A quarterly self-report in the browser: the enterprise's principal opens last
quarter's form, sees the figures pre-filled from the ledger, changes one with a
reason, signs and submits; the street office finds it in its inbox and
acknowledges it."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import PeriodKind, SelfReport
from hazards.selfreports.periods import last_ended
from tests.hazards.selfreports.world import hazard


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_the_principal_files_a_quarterly_report_and_the_street_acknowledges_it(
    tcast, login, live_server
):
    quarter = last_ended(PeriodKind.QUARTER, timezone.localdate())
    found = quarter.start + datetime.timedelta(days=1)
    hazard(tcast.ent, found=found, deadline=found + datetime.timedelta(days=5))

    page = login(tcast.enterprise.username)
    page.goto(f"{live_server.url}/hazards/self-reports/")
    click_and_wait(page, f"[data-testid=start-{quarter.key}]")
    expect(page.locator("[data-testid=prefilled-general_found]")).to_have_text("1")
    expect(page.locator("input[name=general_found]")).to_have_value("1")
    page.fill("input[name=general_found]", "2")
    page.fill("input[name=general_open]", "2")
    click_and_wait(page, "[data-testid=save-submit]")
    # Refused without the reason; nothing submitted.
    expect(page.locator("[data-testid=field-error]")).to_have_count(1)
    assert SelfReport.objects.get().status == SelfReport.Status.DRAFT
    page.fill("textarea[name=adjustment_reason]", "现场检查发现一项隐患未及时登记，已补录。")
    click_and_wait(page, "[data-testid=save-submit]")
    expect(page.locator("[data-testid=status]")).to_contain_text("已报")
    expect(page.locator("[data-testid=figure-general_found] [data-testid=value]")).to_have_text("2")
    expect(page.locator("[data-testid=receiver]")).to_have_text(tcast.street.organisation.name)

    page = login(tcast.street.username)
    page.goto(f"{live_server.url}/hazards/self-reports/inbox/")
    expect(page.locator("[data-testid=inbox-row]")).to_have_count(1)
    click_and_wait(page, "[data-testid=open-report]")
    expect(page.locator("[data-testid=adjustment-reason]")).to_contain_text("已补录")
    click_and_wait(page, "[data-testid=acknowledge]")
    expect(page.locator("[data-testid=status]")).to_contain_text("已签收")
    report = SelfReport.objects.get()
    assert (
        report.status == SelfReport.Status.ACKNOWLEDGED and report.acknowledged_by == tcast.street
    )
