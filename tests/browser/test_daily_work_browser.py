"""Each role's daily work on the certification pages, in Chromium at 1280, 768 and
390 px, in Chinese (the default) and English: announcing and revoking ask first and
cancelling changes nothing; the on-site review cannot be started before every
declaration is signed, and the page says who has not signed; the findings page
records a finding for the criterion of the row it came from, and on a phone its
table turns into cards without a sideways scroll."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification import engine
from certification.assignment import rules as assigning
from certification.models import (
    AnnouncementBatch,
    Application,
    Certificate,
    Finding,
    PublicityBatch,
    Status,
)
from certification.onsite import findings as onsite_findings
from certification.publicity import rules as publicity
from reviews.models import Criterion
from tests.certification.factories import (
    application_in_review,
    make_tiered_version,
    review_team,
    submitted_application,
)
from tests.certification.lifecycle_factories import issue
from tests.certification.test_publicity import verified

WIDTHS = (1280, 768, 390)
LANGUAGES = ("zh-hans", "en")


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def at(page, width: int, url: str):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    page.wait_for_load_state()
    assert sideways(page) <= 0, f"{url} scrolls sideways at {width} px"
    return page


def speak(page, live_server, language: str):
    if language == "en":
        page.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )


def shown_as(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).display")


def dismissing(page, questions: list[str]):
    def handle(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", handle)


@pytest.mark.parametrize("language", LANGUAGES)
def test_announcing_asks_first_and_cancelling_announces_nothing(
    tcast, login, live_server, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path / "media"
    application = verified(tcast, make_tiered_version())
    batch = publicity.publicity_batch_create(actor=tcast.district, applications=[application])
    today = timezone.localdate()
    PublicityBatch.objects.filter(pk=batch.pk).update(
        starts_on=today - datetime.timedelta(days=14), ends_on=today - datetime.timedelta(days=1)
    )
    page = login(tcast.district.username)
    speak(page, live_server, language)
    url = f"{live_server.url}/applications/announcements/"
    questions: list[str] = []
    for width in WIDTHS:
        at(page, width, url)
        page.check(f"#ann-{application.pk}")
        dismissing(page, questions)
        page.locator("[data-testid=do-announce]").click()
        page.wait_for_timeout(300)
        expect(page).to_have_url(url)
        assert not AnnouncementBatch.objects.exists()
        assert Application.objects.get(pk=application.pk).status == Status.PUBLICITY
    expected = (
        "确定公告所选申请并颁发证书吗？公告发布后无法在本页撤回。"
        if language == "zh-hans"
        else "Announce the chosen applications and issue their certificates? "
        "An announcement cannot be withdrawn from this page."
    )
    assert questions == [expected] * 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_revoking_asks_first_and_cancelling_keeps_the_certificate(
    tcast, login, live_server, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path / "media"
    certificate = issue(tcast, make_tiered_version())
    page = login(tcast.district.username)
    speak(page, live_server, language)
    url = f"{live_server.url}/applications/certificates/{certificate.pk}/"
    questions: list[str] = []
    for width in WIDTHS:
        at(page, width, url)
        form = page.locator("[data-testid=lifecycle-revoke]")
        form.locator("select[name=reason]").select_option(index=1)
        form.locator("textarea[name=note]").fill("企业发生生产安全死亡事故。")
        dismissing(page, questions)
        form.locator("[data-testid=do-revoke]").click()
        page.wait_for_timeout(300)
        expect(page).to_have_url(url)
        assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.VALID
    assert len(questions) == 3 and all(certificate.number in q for q in questions)
    assert questions[0].startswith("确定撤销" if language == "zh-hans" else "Revoke certificate")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("[data-testid=lifecycle-revoke] [data-testid=do-revoke]").click()
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.REVOKED


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_review_cannot_start_before_every_declaration_is_signed(
    tcast, login, live_server, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path / "media"
    application = submitted_application(tcast, make_tiered_version())
    engine.perform(actor=tcast.district, application=application, transition="accept")
    team = review_team(tcast)
    engine.perform(actor=tcast.district, application=application, transition="assign", **team)
    leader, member = team["leader"], team["members"][0]
    assigning.declaration_sign(actor=tcast.reviewer, application=application, reviewer=leader)
    page = login(tcast.reviewer.username)
    speak(page, live_server, language)
    url = f"{live_server.url}/applications/{application.pk}/"
    for width in WIDTHS:
        at(page, width, url)
        expect(page.locator("[data-testid=do-start_review]")).to_be_disabled()
        expect(page.locator("[data-testid=unsigned-name]")).to_have_text([member.name])
        expect(page.locator("[data-testid=start-blocked]")).to_contain_text(
            "尚未签署" if language == "zh-hans" else "Not signed yet"
        )
    assigning.declaration_sign(actor=tcast.reviewer, application=application, reviewer=member)
    at(page, 390, url)
    expect(page.locator("[data-testid=start-blocked]")).to_have_count(0)
    expect(page.locator("[data-testid=do-start_review]")).to_be_enabled()


@pytest.mark.parametrize("language", LANGUAGES)
def test_findings_come_from_their_row_and_stack_into_cards_on_a_phone(
    tcast, login, live_server, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = make_tiered_version()
    application = application_in_review(tcast, version)
    onsite_findings.finding_add(
        actor=tcast.reviewer,
        application=application,
        kind="veto",
        text="二号车间配电箱未接地，" * 8,  # a long text wraps inside its card
        criterion=Criterion.objects.get(version=version, code="1.1"),
    )
    page = login(tcast.reviewer.username)
    speak(page, live_server, language)
    base = f"{live_server.url}/applications/{application.pk}/review/"
    for width in WIDTHS:
        at(page, width, base + "findings/")
        row = page.locator("[data-testid=finding]").first
        assert shown_as(row) == ("block" if width == 390 else "table-row")
        if width == 390:
            label = row.locator("td").first.evaluate(
                "cell => getComputedStyle(cell, '::before').content"
            )
            assert ("类型" if language == "zh-hans" else "Kind") in label
        expect(page.locator("[data-testid=finding-form]")).to_have_count(0)
        expect(page.locator("[data-testid=to-sheet]")).to_be_visible()

    # From the sheet's row 1.2 to the page, with that criterion and a deduction.
    at(page, 390, base)
    row = page.locator("[data-testid=review-row]").nth(1)
    row.locator("[data-testid=row-finding] summary").click()
    with page.expect_navigation():
        row.locator("[data-testid=row-finding-page]").click()
    assert sideways(page) <= 0
    expect(page.locator("[data-testid=finding-criterion]")).to_contain_text("1.2")
    expect(page.locator("#finding-kind")).to_have_value("deduction")
    page.fill("#finding-text", "安全生产台账缺失。")
    with page.expect_navigation():
        page.locator("[data-testid=add-finding]").click()
    expect(page.locator("[data-testid=finding]")).to_have_count(2)
    assert sideways(page) <= 0
    added = Finding.objects.get(text="安全生产台账缺失。")
    assert (added.criterion.code, added.kind) == ("1.2", "deduction")
