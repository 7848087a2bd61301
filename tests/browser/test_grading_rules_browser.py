"""The grading authority in the browser: a certificate flagged for a fatal
accident cannot be kept until the accident finding (事故认定) says it was not a
production-safety accident; the district records the finding from the
certificate page and then keeps the certificate."""

from __future__ import annotations

import datetime

import time_machine
from playwright.sync_api import expect

from enterprises import accidents
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue


def test_the_district_records_the_finding_then_keeps_the_certificate(
    tcast, login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    certificate = issue(tcast, make_tiered_version())
    with time_machine.travel("2026-06-01 10:00 +0800"):
        accidents.accident_record(
            actor=tcast.district,
            enterprise=tcast.ent,
            occurred_on=datetime.date(2026, 5, 20),
            deaths=1,
            description="高处坠落",
        )
    page = login(tcast.district.username)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/applications/certificates/{certificate.pk}/")
    expect(page.locator("[data-testid=review-flag]")).to_contain_text("Flagged")

    # Keeping is refused while the fatal accident has no finding.
    keep = page.locator("[data-testid=lifecycle-keep]")
    keep.locator("textarea[name=note]").fill("经调查，企业体系运行有效。")
    keep.locator("button").click()
    expect(page.locator("[data-testid=lifecycle-error]")).to_contain_text(
        "no finding says that the fatal accident"
    )

    # The district follows the link and records the finding.
    page.locator("[data-testid=pending-fatal] a").click()
    form = page.locator("[data-testid=finding-form]")
    form.locator("input[value=not_production_safety]").check()
    form.locator("input[name=reference]").fill("朝应急认〔2026〕3号")
    form.locator("textarea[name=note]").fill("交通事故，非生产经营活动。")
    form.locator("button").click()
    expect(page.locator("[data-testid=accident-finding]")).to_contain_text(
        "Not a production-safety accident"
    )

    # Back on the certificate: keeping now closes the revocation review.
    page.goto(f"{live_server.url}/applications/certificates/{certificate.pk}/")
    expect(page.locator("[data-testid=pending-fatal]")).to_have_count(0)
    keep = page.locator("[data-testid=lifecycle-keep]")
    keep.locator("textarea[name=note]").fill("经调查，企业体系运行有效。")
    keep.locator("button").click()
    expect(page.locator("[data-testid=review-flag]")).to_have_count(0)
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is None and certificate.status == "valid"
