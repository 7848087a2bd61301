"""In the browser: the application page's precondition check list and the refusal of a
submit while one is not met; the district's dishonesty listing; the scale warning on
the enterprise form; the warning for a credit code from outside Beijing."""

from __future__ import annotations

import re

from django.core.cache import cache
from playwright.sync_api import expect

from certification.applications import services
from certification.models import Status
from enterprises.models import Enterprise
from enterprises.uscc import make_uscc
from tests.cast import PASSWORD
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_a_listed_enterprise_sees_the_refusal_on_submit(
    tcast, login, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = make_tiered_version()
    assessment = submitted_assessment(tcast.enterprise, tcast.ent, version)
    application = services.application_create(
        actor=tcast.enterprise, enterprise=tcast.ent, assessment=assessment, tier="3"
    )
    add_all_materials(tcast.enterprise, application)
    services.application_update(
        actor=tcast.enterprise, application=application, declaration_confirmed=True
    )

    # The district records the listing on the enterprise's page.
    page = login(tcast.district.username)
    page.goto(f"{live_server.url}/enterprises/{tcast.ent.pk}/")
    page.locator("[data-testid=dishonesty] summary").click()
    form = page.locator("[data-testid=dishonesty-form]")
    form.locator("[name=listed]").check()
    form.locator("[name=dishonesty_listed_on]").fill("2026-03-01")
    form.locator("[name=dishonesty_source]").fill("信用中国（北京）")
    form.locator("[name=dishonesty_reason]").fill("严重失信主体")
    click_and_wait(page, "[data-testid=save-dishonesty]")
    expect(page.locator("[data-testid=precondition-dishonesty]")).to_have_attribute(
        "data-state", "not_met"
    )

    # The enterprise sees the check list on its application and is refused on submit.
    page = login(tcast.enterprise.username)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    expect(page.locator("[data-testid=precondition-licence]")).to_have_attribute(
        "data-state", "met"
    )
    item = page.locator("[data-testid=precondition-dishonesty]")
    expect(item).to_have_attribute("data-state", "not_met")
    expect(item).to_contain_text("信用中国（北京）")
    click_and_wait(page, "[data-testid=do-submit]")
    expect(page.locator("body")).to_contain_text("信用中国（北京）")
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_the_district_is_warned_of_a_disagreeing_scale(tcast, login, live_server):
    Enterprise.objects.filter(pk=tcast.ent.pk).update(industry_id="machinery")
    page = login(tcast.district.username)
    page.goto(f"{live_server.url}/enterprises/{tcast.ent.pk}/edit/")
    page.select_option("select[name=scale]", "small_micro")
    page.fill("input[name=annual_revenue]", "3000")
    page.fill("input[name=employees]", "400")
    click_and_wait(page, "form:has([name=scale]) button.btn-primary")
    expect(page).to_have_url(re.compile(rf"/enterprises/{tcast.ent.pk}/$"))
    expect(page.locator("[data-testid=scale-warning]")).to_contain_text("2000")
    assert Enterprise.objects.get(pk=tcast.ent.pk).scale == "small_micro"


def test_a_registration_from_outside_beijing_is_received_with_a_warning(tcast, page, live_server):
    cache.clear()
    code = make_uscc("440300", "MA0000901")
    page.goto(f"{live_server.url}/accounts/register/")
    form = page.locator("form:has([name=uscc])")
    form.locator("[name=uscc]").fill(code)
    form.locator("[name=name]").fill("深圳测试机械有限公司北京分公司")
    form.locator("[name=region]").select_option("110105")
    form.locator("[name=contact_name]").fill("王建国")
    form.locator("[name=contact_phone]").fill("13800138000")
    form.locator("[name=email]").fill("sz@example.cn")
    form.locator("[name=username]").fill("sz-branch")
    form.locator("[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type=submit], button:not([type])").first.click()
    expect(page.locator("body")).to_contain_text("440300")
    cache.clear()
