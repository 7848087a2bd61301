"""Officials' pages in Chromium at 1280, 768 and 390 px, as a person sees them: tables
turn into cards on a phone and the page never scrolls sideways, binding moves ask
first and cancelling changes nothing, the verification batch names enterprises and
keeps the draw behind "how to check this draw", notifications come grouped, and the
audit log reads as sentences with its dates in full. Chinese by default, English by
the language cookie."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import Application, SpotCheck, Status
from certification.verification import spot_checks
from portal import audit, notify
from tests.certification.factories import (
    make_tiered_version,
    submitted_application,
    submitted_assessment,
)
from tests.certification.test_verification import make_batch, reported_many

WIDTHS = (1280, 768, 390)


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def at(page, width: int, url: str):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    page.wait_for_load_state()
    assert sideways(page) <= 0, f"{url} scrolls sideways at {width} px"
    return page


def english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def shown_as(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).display")


def test_the_application_list_is_cards_on_a_phone_and_a_table_from_768(
    tcast, login, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    submitted_application(tcast, make_tiered_version())
    page = login(tcast.district.username)
    url = f"{live_server.url}/applications/"
    for width in WIDTHS:
        at(page, width, url)
        row = page.locator("[data-testid=application-row]").first
        header = page.locator("[data-testid=application-table] thead")
        if width == 390:
            assert shown_as(row) == "block"
            assert header.bounding_box()["height"] <= 1  # the column names sit in each card
            status = row.locator("[data-testid=status]")
            # Each value beside its column's name, not one character per line.
            assert status.bounding_box()["height"] < 40
            assert "状态" in status.evaluate("cell => getComputedStyle(cell, '::before').content")
        else:
            assert shown_as(row) == "table-row"
        expect(page.locator("[data-testid=district-filter]")).to_have_count(0)
    # An enterprise is offered neither a district nor an industry to filter by.
    page = login(tcast.enterprise.username)
    english(page, live_server)
    at(page, 390, url)
    # The grade alone: the status is the tabs above the list.
    expect(page.locator("[data-testid=application-filters] select")).to_have_count(1)
    expect(page.locator("[data-testid=status-tabs]")).to_be_visible()
    expect(page.locator("[data-testid=application-row] [data-testid=status]")).to_contain_text(
        "Submitted"
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_accepting_asks_first_and_cancelling_changes_nothing(
    tcast, login, live_server, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path / "media"
    application = submitted_application(tcast, make_tiered_version())
    page = login(tcast.district.username)
    if language == "en":
        english(page, live_server)
    url = f"{live_server.url}/applications/{application.pk}/"
    questions = []

    def answer(accept: bool):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    for width in WIDTHS:
        at(page, width, url)
        material = page.locator("[data-testid=materials-table] tbody tr").first
        assert shown_as(material) == ("block" if width == 390 else "table-row")
        page.once("dialog", answer(False))
        page.locator("[data-testid=do-accept]").click()
        page.wait_for_timeout(300)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        expect(page).to_have_url(url)
    expected = (
        f"受理：{tcast.ent.name}。此操作无法在本页撤销，确定继续吗？"
        if language == "zh-hans"
        else f"Accept: {tcast.ent.name}. This cannot be undone from this page. Go ahead?"
    )
    assert questions == [expected] * 3
    page.once("dialog", answer(True))
    with page.expect_navigation():
        page.locator("[data-testid=do-accept]").click()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    # The application leads to the self-assessment behind it.
    page.locator("[data-testid=assessment-link]").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/{application.assessment_id}/")


def test_the_batch_page_names_hides_the_draw_and_approves_the_passed_reports(
    tcast, login, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    applications = reported_many(tcast, make_tiered_version(), 3)
    batch = make_batch(tcast, applications)
    drawn = batch.checks.get(required=True)
    spot_checks.spot_check_record(actor=tcast.district, check=drawn, result="passed", notes="")
    page = login(tcast.district.username)
    english(page, live_server)
    url = f"{live_server.url}/applications/verification/{batch.pk}/"
    drawn_name = Application.objects.get(pk=drawn.application_id).enterprise.name
    for width in WIDTHS:
        at(page, width, f"{live_server.url}/applications/verification/")
        batch_row = page.locator("[data-testid=batches-table] tbody tr").first
        assert shown_as(batch_row) == ("block" if width == 390 else "table-row")
        at(page, width, url)
        expect(page.locator("[data-testid=drawn-names]")).to_contain_text(drawn_name)
        seed = page.locator("[data-testid=seed]")
        expect(seed).to_be_hidden()
        page.locator("[data-testid=draw-details] summary").click()
        expect(seed).to_have_text(batch.seed)
        assert sideways(page) <= 0  # the code wraps inside the disclosure
        item = page.locator("[data-testid=item]").first
        assert shown_as(item) == ("block" if width == 390 else "table-row")
    answers = []

    def dismiss(dialog):
        answers.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("[data-testid=do-approve-passed]").click()
    page.wait_for_timeout(300)
    assert answers and answers[0].startswith("Approve 3 review reports")
    assert set(Application.objects.values_list("status", flat=True)) == {Status.REPORTED}
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("[data-testid=do-approve-passed]").click()
    expect(page.locator(".alert-success")).to_contain_text("3 reports approved")
    assert set(Application.objects.values_list("status", flat=True)) == {Status.VERIFIED}
    assert SpotCheck.objects.filter(result=SpotCheck.Result.PASSED).count() == 1


def test_notifications_are_grouped_per_application_and_day(tcast, login, live_server):
    for text in ("申请 · 已提交", "申请 · 已受理", "申请 · 已委派"):
        notify.notify([tcast.enterprise.organisation_id], text, "/applications/1/")
    notify.notify([tcast.enterprise.organisation_id], "另一申请 · 已提交", "/applications/2/")
    page = login(tcast.enterprise.username)
    url = f"{live_server.url}/notifications/"
    for width in WIDTHS:
        at(page, width, url)
        expect(page.locator("[data-testid=thread]")).to_have_count(2)
        # Newest news first; the application with three moves is one line.
        expect(page.locator("[data-testid=thread]").first).to_contain_text("另一申请 · 已提交")
        first = page.locator("[data-testid=thread]").nth(1)
        expect(first).to_contain_text("申请 · 已委派")
        expect(first.locator("[data-testid=thread-count]")).to_have_text("3 条动态")
        expect(first.locator("[data-testid=earlier-item]").first).to_be_hidden()
    first.locator("[data-testid=earlier] summary").click()
    expect(first.locator("[data-testid=earlier-item]")).to_have_count(2)
    # The e-mail choice: one per notification instead of the daily digest.
    page.locator("label[for=email-immediate]").click()
    with page.expect_navigation():
        page.locator("[data-testid=save-preference]").click()
    expect(page.locator(".alert-success")).to_have_text("邮件设置已保存。")
    assert notify.email_preference(tcast.enterprise) == "immediate"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_audit_log_reads_as_sentences_with_full_dates(tcast, login, live_server, language):
    audit.record(
        actor=tcast.district,
        action="enterprise.update",
        obj=tcast.ent,
        before={"name": "旧名称"},
        after={"name": tcast.ent.name},
    )
    page = login(tcast.city.username)
    if language == "en":
        english(page, live_server)
    since = timezone.localdate() - datetime.timedelta(days=1)
    url = f"{live_server.url}/audit/?since={since.isoformat()}"
    for width in WIDTHS:
        at(page, width, url)
        sentence = page.locator("[data-testid=sentence]").first
        expected = "修改了企业信息" if language == "zh-hans" else "changed the enterprise's details"
        expect(sentence.locator("[data-testid=action]")).to_have_text(expected)
        expect(sentence.locator("a[data-testid=object]")).to_have_text(tcast.ent.name)
        change = page.locator("[data-testid=change]").first
        expect(change).to_contain_text(f"旧名称 → {tcast.ent.name}")
        label = "名称" if language == "zh-hans" else "name"
        assert change.inner_text().startswith(f"{label}: 旧名称")
        date_input = page.locator("[data-testid=since]")
        expect(date_input).to_have_value(since.isoformat())
        # Wide enough for the whole date: the field does not clip it.
        assert date_input.evaluate("input => input.scrollWidth <= input.clientWidth")
        assert date_input.bounding_box()["width"] >= 150
    page.locator("[data-testid=object]").first.click()
    expect(page).to_have_url(f"{live_server.url}/enterprises/{tcast.ent.pk}/")


def test_the_self_assessment_list_is_searched_and_cards_on_a_phone(tcast, login, live_server):
    version = make_tiered_version()
    mine = submitted_assessment(tcast.enterprise, tcast.ent, version)
    page = login(tcast.district.username)
    english(page, live_server)
    url = f"{live_server.url}/assessments/"
    for width in WIDTHS:
        at(page, width, url)
        item = page.locator("[data-testid=assessment-item]")
        expect(item).to_have_count(1)
        assert shown_as(item) == ("block" if width == 390 else "table-row")
        expect(page.locator("[data-testid=district-filter]")).to_have_count(0)
    page.fill("[data-testid=assessment-search]", "不存在的企业")
    with page.expect_navigation():
        page.locator("[data-testid=assessment-filters] button").click()
    expect(page.locator("[data-testid=assessment-item]")).to_have_count(0)
    page.fill("[data-testid=assessment-search]", tcast.ent.uscc)
    with page.expect_navigation():
        page.locator("[data-testid=assessment-filters] button").click()
    expect(page.locator("[data-testid=assessment-item]")).to_have_attribute("data-id", str(mine.pk))
