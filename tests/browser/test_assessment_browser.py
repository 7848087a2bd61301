"""The annual assessment in a browser: the city office generates the 2025 reports
(the shipped example scheme, frozen year snapshots), 朝阳区 downloads its draft and
objects, the city office finalises it."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from reporting.models import MetricSnapshot
from tests.reporting.assessment.world import figures


def freeze_year(code: str) -> None:
    MetricSnapshot.objects.bulk_create(
        MetricSnapshot(
            scope_kind="district",
            scope_key=region,
            period_kind="year",
            period_code=code,
            as_of=datetime.date(int(code), 12, 31),
            frozen_at=timezone.now(),
            figures=figures(rate, 95.0, 0),
        )
        for region, rate in (("110105", 80.0), ("110108", 60.0))
    )


def test_the_city_runs_the_annual_assessment_a_district_comments_the_city_finalises(
    tcast, login, live_server
):
    freeze_year("2025")
    page = login(tcast.city.username)
    page.goto(f"{live_server.url}/assessment-reports/")
    page.select_option("#run-period", "year:2025")
    # Eager Celery writes both districts' reports, PDFs included, before the page loads.
    page.click("[data-testid=run-submit]", timeout=60_000)
    progress = page.locator("[data-testid=run-progress]")
    expect(progress).to_have_attribute("data-status", "done")
    expect(page.locator("[data-testid=run-done]")).to_have_text("2")

    page = login(tcast.district.username)
    page.goto(f"{live_server.url}/assessment-reports/")
    rows = page.locator("[data-testid=report-row]")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("朝阳区")
    rows.get_by_role("link", name="朝阳区").click()
    expect(page.locator("[data-testid=report-status]")).to_contain_text("草稿")
    with page.expect_download() as download:
        page.click("[data-testid=report-pdf]")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.fill("#comment", "培训经费已落实，请复核工作保障得分。")
    page.check("#objection")
    page.click("[data-testid=comment-submit]")
    expect(page.locator("[data-testid=report-comment]")).to_have_text(
        "培训经费已落实，请复核工作保障得分。"
    )
    report_url = page.url

    page = login(tcast.city.username)
    page.goto(report_url)
    expect(page.locator("[data-testid=report-comment]")).to_be_visible()
    page.click("[data-testid=finalise]")
    expect(page.locator("[data-testid=report-status]")).to_contain_text("定稿")
    expect(page.locator("[data-testid=report-signature]")).to_have_text(
        re.compile(r"^[0-9a-f]{64}$")
    )
    expect(page.locator("[data-testid=report-pdf]")).to_be_visible()
    expect(page.locator("[data-testid=finalise]")).to_have_count(0)
