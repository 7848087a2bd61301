"""An application through intake in the browser, with three logins: the
enterprise applies and uploads its materials, its district returns it for
correction, the enterprise resubmits, the district accepts, and a district
staff member reads the whole timeline."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from certification.models import Application, Status
from certification.models.applications import REQUIRED_MATERIALS
from tests.certification.factories import PDF, make_tiered_version, submitted_assessment

REASON = "组织机构图缺少安全管理人员名单，请补正"


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_an_application_is_returned_resubmitted_and_accepted(
    tcast, login, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = make_tiered_version()
    assessment = submitted_assessment(tcast.enterprise, tcast.ent, version)
    files = {}
    for kind in REQUIRED_MATERIALS:
        files[kind] = tmp_path / f"{kind}.pdf"
        files[kind].write_bytes(PDF)

    # The enterprise applies for level 3 from its submitted self-assessment.
    page = login(tcast.enterprise.username)
    page.locator("[data-testid=nav] a[href='/applications/']").click()
    click_and_wait(page, "[data-testid=new-application]")
    page.select_option("select[name=assessment]", str(assessment.pk))
    page.select_option("select[name=tier]", "3")
    page.fill("input[name=deaths_last_year]", "0")
    page.fill("input[name=serious_injuries_last_year]", "0")
    click_and_wait(page, "[data-testid=create-application]")
    expect(page).to_have_url(re.compile(r"/applications/\d+/$"))
    application = Application.objects.get()
    assert application.receiver == tcast.district.organisation

    # The five materials, then the declaration, then submit.
    for kind, path in files.items():
        page.set_input_files(f"#file-{kind}", str(path))
        click_and_wait(page, f"[data-testid=upload-{kind}]")
        expect(
            page.locator(f"[data-testid=material-{kind}] [data-testid=material-link]")
        ).to_have_text(path.name)
    page.check("#id_declaration_confirmed")
    click_and_wait(page, "[data-testid=save-declaration]")
    click_and_wait(page, "[data-testid=do-submit]")
    expect(page.locator("[data-testid=actions] [data-testid=do-withdraw]")).to_be_visible()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    # The district finds it in its queue (待办) and returns it with a reason.
    page = login(tcast.district.username)
    expect(page.locator("[data-testid=widget-queue] [data-testid=queue-total]")).to_have_text("1")
    page.locator("[data-testid=nav] a[href='/applications/queue/']").click()
    row = page.locator("[data-testid=application-row]", has_text=tcast.ent.name)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.get_by_role("link", name=tcast.ent.name).click()
    page.fill("#comment-return", REASON)
    click_and_wait(page, "[data-testid=do-return]")
    expect(page.locator("[data-testid=return-reason]")).to_contain_text(REASON)

    # The enterprise sees the reason, replaces the chart and resubmits.
    page = login(tcast.enterprise.username)
    expect(page.locator("[data-testid=bell] [data-testid=unread-count]")).to_be_visible()
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    expect(page.locator("[data-testid=return-reason]")).to_contain_text(REASON)
    page.set_input_files("#file-org_chart", str(files["org_chart"]))
    click_and_wait(page, "[data-testid=upload-org_chart]")
    click_and_wait(page, "[data-testid=do-resubmit]")
    expect(page.locator("[data-testid=return-reason]")).to_have_count(0)

    # The district accepts.
    page = login(tcast.district.username)
    page.goto(f"{live_server.url}/applications/queue/")
    with page.expect_navigation():
        page.locator("[data-testid=application-row] a", has_text=tcast.ent.name).click()
    page.once("dialog", lambda dialog: dialog.accept())  # accepting binds: it asks first
    click_and_wait(page, "[data-testid=do-accept]")
    expect(page.locator("[data-testid=actions]")).to_have_count(0)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED

    # A district staff member watches the timeline with every step.
    page = login(tcast.district_staff.username)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    steps = page.locator("[data-testid=timeline] [data-testid=event]")
    expect(steps).to_have_count(4)
    assert [steps.nth(i).get_attribute("data-transition") for i in range(4)] == [
        "submit",
        "return",
        "resubmit",
        "accept",
    ]
    expect(steps.nth(1)).to_contain_text(REASON)
    expect(steps.nth(1)).to_contain_text(tcast.district.organisation.name)
    expect(page.locator("[data-testid=actions]")).to_have_count(0)  # nothing left for it here
