"""The whole workflow path in the browser, with four logins live at once.

A level-3 machinery application of cast.ent (朝阳区) goes from the enterprise's
application through acceptance and assignment by its district, the review
unit's on-site review with a rectification round, the report, verification
with its spot check, the district's approval as level 3's grading authority,
publicity with an anonymous objection, to the
announcement; a district official watches the timeline, and the path ends on
the public announcement page. Each login has its own browser context, so the
enterprise, the district, the review unit and the watcher stay logged in side
by side (plus a fifth context, never logged in, for the public pages).
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings as django_settings
from django.utils import timezone, translation
from playwright.sync_api import expect

from certification.models import Application, Certificate, PublicityBatch, Status
from certification.models.applications import REQUIRED_MATERIALS
from reviews.models import Criterion
from tests.cast import PASSWORD
from tests.certification.factories import (
    PDF,
    make_tiered_version,
    review_team,
    submitted_assessment,
)

FINDING = "配电柜接地线松动，未定期检查"
RECTIFY = "请整改配电柜接地并补充检查记录"
RECTIFIED = "接地线已紧固，检查记录已补充"
SUMMARY = "现场评审基本符合三级要求，整改已完成。"
OBJECTION = "该企业去年曾发生未上报的轻伤事故"
RESOLUTION = "经核实，该事故已按规定上报，异议不成立"
CERTIFICATE = re.compile(r"^京AQBJXⅢ\d{9}$")
# Every move of the path, in order: the timeline the watcher reads.
PATH = [
    "submit",
    "accept",
    "assign",
    "start_review",
    "request_rectification",
    "submit_rectification",
    "submit_report",
    "verify",
    "approve",
    "start_publicity",
    "announce",
]


def click_and_wait(page, selector, timeout: float | None = None) -> None:
    locator = page.locator(selector) if isinstance(selector, str) else selector
    with page.expect_navigation(timeout=timeout):
        locator.click(timeout=timeout)


def test_an_application_goes_the_whole_way_to_the_public_announcement(
    tcast, new_context, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = make_tiered_version()
    assessment = submitted_assessment(tcast.enterprise, tcast.ent, version)
    team = review_team(tcast)  # the unit's level-3 qualification and two reviewers
    leader, member = team["leader"], team["members"][0]
    criterion = Criterion.objects.get(version=version, code="1.2")
    pdf = tmp_path / "evidence.pdf"
    pdf.write_bytes(PDF)
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=14)
    base = live_server.url

    prompts = []  # the sign and confirm questions (static/portal/portal.js, onsite.js)

    def agree(dialog):
        prompts.append(dialog.message)
        dialog.accept()

    def browser_for(user=None):
        """A page in a browser context of its own, logged in as ``user`` (or anonymous)."""
        page = new_context().new_page()
        page.set_default_timeout(15_000)
        page.on("dialog", agree)
        if user is not None:
            page.goto(f"{base}/accounts/login/")
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", PASSWORD)
            click_and_wait(page, "form:has(input[name=password]) [type=submit]")
            expect(page.locator("[data-testid=nav]")).to_be_visible()
        return page

    enterprise = browser_for(tcast.enterprise)
    district = browser_for(tcast.district)
    reviewer = browser_for(tcast.reviewer)
    watcher = browser_for(tcast.district_staff)

    def detail(page, pk):
        page.goto(f"{base}/applications/{pk}/")
        expect(page.locator("[data-testid=timeline]")).to_be_visible()
        return page

    def buttons(page):
        return page.locator("[data-testid=actions] button[data-testid^=do-]")

    # 1. The enterprise applies for level 3 from its submitted self-assessment,
    #    uploads the five materials, confirms the declaration and submits.
    enterprise.locator("[data-testid=nav] a[href='/applications/']").click()
    click_and_wait(enterprise, "[data-testid=new-application]")
    enterprise.select_option("select[name=assessment]", str(assessment.pk))
    enterprise.select_option("select[name=tier]", "3")
    enterprise.fill("input[name=deaths_last_year]", "0")
    enterprise.fill("input[name=serious_injuries_last_year]", "0")
    click_and_wait(enterprise, "[data-testid=create-application]")
    expect(enterprise).to_have_url(re.compile(r"/applications/\d+/$"))
    application = Application.objects.get()
    pk = application.pk
    assert application.receiver == tcast.district.organisation
    for kind in REQUIRED_MATERIALS:
        enterprise.set_input_files(f"#file-{kind}", str(pdf))
        click_and_wait(enterprise, f"[data-testid=upload-{kind}]")
        expect(
            enterprise.locator(f"[data-testid=material-{kind}] [data-testid=material-link]")
        ).to_have_text(pdf.name)
    enterprise.check("#id_declaration_confirmed")
    click_and_wait(enterprise, "[data-testid=save-declaration]")
    click_and_wait(enterprise, "[data-testid=do-submit]")
    expect(buttons(enterprise)).to_have_count(1)  # withdrawing is all it can do now
    expect(enterprise.locator("[data-testid=do-withdraw]")).to_be_visible()

    # 2. The district accepts (the button is its own) and assigns the review unit
    #    with the leader and a member.
    detail(district, pk)
    expect(district.locator("[data-testid=do-withdraw]")).to_have_count(0)
    click_and_wait(district, "[data-testid=do-accept]")
    expect(district.locator("[data-testid=assign]")).to_be_visible()
    assert Application.objects.get(pk=pk).status == Status.ACCEPTED
    click_and_wait(
        district,
        f"[data-testid=suggestion][data-unit='{team['unit'].pk}'] [data-testid=choose-unit]",
    )
    district.select_option("#assign-leader", str(leader.pk))
    district.check(f"#member-{member.pk}")
    click_and_wait(district, "[data-testid=do-assign]")
    expect(district.locator("[data-testid=assigned-unit]")).to_contain_text(team["unit"].name)
    expect(district.locator("[data-testid=member]")).to_have_count(2)
    # The district signs no declaration and does not start the review.
    expect(district.locator("[data-testid^=sign-]")).to_have_count(0)
    expect(district.locator("[data-testid=do-start_review]")).to_have_count(0)

    detail(enterprise, pk)  # no signing and no starting for the enterprise either
    expect(enterprise.locator("[data-testid=unsigned]")).to_have_count(2)
    expect(enterprise.locator("[data-testid^=sign-]")).to_have_count(0)
    expect(enterprise.locator("[data-testid=do-start_review]")).to_have_count(0)

    # 3. The review unit signs both declarations, starts the review, changes one
    #    answer on the scoring page, records a finding and asks for rectification.
    detail(reviewer, pk)
    expect(reviewer.locator("[data-testid=do-start_review]")).to_be_visible()
    asked = len(prompts)
    for who in (leader, member):
        click_and_wait(reviewer, f"[data-testid=sign-{who.pk}]")
        expect(
            reviewer.locator(f"[data-testid=member][data-reviewer='{who.pk}'] [data-testid=signed]")
        ).to_be_visible()
    assert len(prompts) == asked + 2  # each signature was asked for
    click_and_wait(reviewer, "[data-testid=do-start_review]")
    expect(reviewer.locator("[data-testid=onsite-panel]")).to_be_visible()

    reviewer.goto(f"{base}/applications/{pk}/review/")
    expect(reviewer.locator("[data-testid=review-score]")).to_have_text(
        re.compile(r"^100(\.0+)?$")
    )  # the self-assessment's answers to start from
    row = reviewer.locator("[data-testid=review-row]").nth(1)  # criterion 1.2, 40 points
    row.locator("label[for$='-partial']").click()
    deduction = row.locator("input[name=deduction]")
    expect(deduction).to_be_focused()  # "partly compliant" waits for the points deducted
    deduction.fill("15")
    deduction.press("Tab")  # the change event saves the row
    expect(row.locator("[data-testid=row-status]")).to_have_text(re.compile("✓"))
    expect(row).to_have_attribute("data-differs", "1")
    expect(reviewer.locator("[data-testid=review-score]")).to_have_text(re.compile(r"^85(\.0+)?$"))
    expect(reviewer.locator("[data-testid=differs-count]")).to_have_text("1")
    reviewer.reload()  # saved on the server, not just on the page
    expect(reviewer.locator("[data-testid=review-score]")).to_have_text(re.compile(r"^85(\.0+)?$"))
    # The row left as copied from the self-assessment is confirmed as checked on site.
    reviewer.locator(
        "[data-testid=review-row][data-confirmed='0'] [data-testid=confirm-row]"
    ).click()
    expect(reviewer.locator("[data-testid=confirmed-count]")).to_have_text("2")

    # The finding is recorded for its criterion (the row's link brings ?criterion=).
    reviewer.goto(f"{base}/applications/{pk}/review/findings/?criterion={criterion.pk}")
    expect(reviewer.locator("#finding-kind")).to_have_value("deduction")
    reviewer.fill("#finding-text", FINDING)
    expect(reviewer.locator("#finding-rectify")).to_be_checked()
    click_and_wait(reviewer, "[data-testid=add-finding]")
    expect(reviewer.locator("[data-testid=finding]")).to_contain_text(FINDING)

    detail(reviewer, pk)
    reviewer.fill("#comment-request_rectification", RECTIFY)
    reviewer.fill("#deadline-request_rectification", deadline.isoformat())
    click_and_wait(reviewer, "[data-testid=do-request_rectification]")
    expect(reviewer.locator("[data-testid=rectification-request]")).to_contain_text(
        deadline.isoformat()
    )
    expect(buttons(reviewer)).to_have_count(0)  # now the enterprise's turn

    # The watcher sees the step in the timeline and has nothing to do.
    detail(watcher, pk)
    expect(watcher.locator("[data-testid=timeline] [data-testid=event]").last).to_have_attribute(
        "data-transition", "request_rectification"
    )
    expect(watcher.locator("[data-testid=actions]")).to_have_count(0)

    # 4. The enterprise sees the finding and the deadline, not the reviewers'
    #    score; it uploads its evidence and submits the rectification.
    detail(enterprise, pk)
    panel = enterprise.locator("[data-testid=onsite-panel]")
    expect(panel.locator("[data-testid=rectification-request]")).to_contain_text(
        deadline.isoformat()
    )
    expect(panel.locator("[data-testid=onsite-finding]")).to_contain_text(FINDING)
    expect(panel.locator("[data-testid=onsite-scores-hidden]")).to_be_visible()
    expect(panel.locator("[data-testid=onsite-score]")).to_have_count(0)
    expect(panel.locator("[data-testid=review-link]")).to_have_count(0)
    expect(enterprise.locator("[data-testid=timeline]")).to_contain_text(RECTIFY)
    assert enterprise.request.get(f"{base}/applications/{pk}/review/").status == 403
    enterprise.set_input_files("#rect-file", str(pdf))
    enterprise.fill("#rect-note", RECTIFIED)
    click_and_wait(enterprise, "[data-testid=upload-rectification]")
    expect(enterprise.locator("[data-testid=rectification-file]")).to_have_text(pdf.name)
    expect(buttons(enterprise)).to_have_count(1)
    click_and_wait(enterprise, "[data-testid=do-submit_rectification]")
    expect(enterprise.locator("[data-testid=actions]")).to_have_count(0)
    expect(enterprise.locator("[data-testid=rectification-upload]")).to_have_count(0)

    # 5. The review unit writes the report; both members sign; it submits the report.
    reviewer.goto(f"{base}/applications/{pk}/review/report/")
    reviewer.fill("#report-summary", SUMMARY)
    reviewer.fill("#report-head", "赵工")
    click_and_wait(reviewer, "[data-testid=save-report]")
    expect(reviewer.locator("#report-summary")).to_have_value(SUMMARY)
    asked = len(prompts)
    for who in (leader, member):
        click_and_wait(reviewer, f"[data-testid=sign-report-{who.pk}]")
        expect(
            reviewer.locator(
                f"[data-testid=signoff][data-reviewer='{who.pk}'] [data-testid=report-signed]"
            )
        ).to_be_visible()
    assert len(prompts) == asked + 2
    detail(watcher, pk)  # while the unit reviews, the watcher has nothing to do
    expect(watcher.locator("[data-testid=actions]")).to_have_count(0)
    detail(district, pk)
    expect(district.locator("[data-testid=do-submit_report]")).to_have_count(0)
    detail(reviewer, pk)
    click_and_wait(reviewer, "[data-testid=do-submit_report]")
    expect(reviewer.locator("[data-testid=onsite-score]")).to_contain_text("85")
    expect(reviewer.locator("[data-testid=actions]")).to_have_count(0)

    # 6. The district makes a verification batch, records the drawn spot check as
    #    passed, approves the report and publishes the application.
    detail(district, pk)
    expect(district.locator("[data-testid=verification-unbatched]")).to_be_visible()
    detail(enterprise, pk)  # approving is not the enterprise's to do
    expect(enterprise.locator("[data-testid=do-verify]")).to_have_count(0)
    expect(enterprise.locator("[data-testid=onsite-scores-hidden]")).to_be_visible()
    district.goto(f"{base}/applications/verification/")
    expect(
        district.locator(
            f"[data-testid=candidate][data-application='{pk}'] input[name=applications]"
        )
    ).to_be_checked()
    click_and_wait(district, "[data-testid=do-create]")
    item = district.locator(f"[data-testid=item][data-application='{pk}']")
    expect(item).to_have_attribute("data-required", "yes")  # one of one: drawn
    expect(district.locator("[data-testid=repeat-ok]")).to_be_visible()
    item.locator("label[for^=passed-]").click()
    item.locator("textarea[name=notes]").fill("现场复核与评审报告一致")
    click_and_wait(district, item.locator("button[data-testid^=do-record-]"))
    expect(item).to_have_attribute("data-result", "passed")

    detail(district, pk)
    expect(district.locator("[data-testid=verification-check]")).to_have_attribute(
        "data-result", "passed"
    )
    expect(district.locator("[data-testid=verification-drawn]")).to_be_visible()
    click_and_wait(district, "[data-testid=do-verify]")
    expect(district.locator("[data-testid=granted-tier]")).to_be_visible()
    # 朝阳区 is level 3's grading authority: it approves before it publishes.
    expect(district.locator("[data-testid=authority]")).to_have_text(
        tcast.district.organisation.name
    )
    expect(district.locator("[data-testid=publicity-next]")).to_have_count(0)
    click_and_wait(district, "[data-testid=do-approve]")
    click_and_wait(district, "[data-testid=publicity-next]")
    expect(district).to_have_url(re.compile(r"/applications/publicity/$"))
    district.check(f"#pub-{pk}")
    click_and_wait(district, "[data-testid=do-publish]")
    expect(district.locator("[data-testid=batch]")).to_contain_text(tcast.ent.name)
    batch = PublicityBatch.objects.get()

    # 7. A visitor without a login objects on the public publicity page; the
    #    district dismisses the objection with its reasons.
    public = browser_for()
    public.goto(f"{base}/public/publicity/")
    click_and_wait(public, public.locator("[data-testid=current-batches] a", has_text=batch.title))
    expect(public.locator("[data-testid=publicity-items]")).to_contain_text(tcast.ent.name)
    public.select_option("#id_item", label=tcast.ent.name)
    public.fill("#id_name", "张三")
    public.fill("#id_contact", "13800000000")
    public.fill("#id_text", OBJECTION)
    click_and_wait(public, "[data-testid=objection-form] button")
    expect(public.locator(".alert-success")).to_be_visible()
    expect(public.locator("body")).not_to_contain_text(OBJECTION)  # objections stay private

    detail(enterprise, pk)  # the enterprise reads the objection, without who sent it
    expect(enterprise.locator("[data-testid=panel-objection]")).to_contain_text(OBJECTION)
    expect(enterprise.locator("[data-testid=objector]")).to_have_count(0)
    expect(enterprise.locator("[data-testid^=resolve-]")).to_have_count(0)
    detail(district, pk)
    objection = district.locator("[data-testid=panel-objection]")
    expect(objection.locator("[data-testid=objector]")).to_contain_text("13800000000")
    objection.locator("input[value=dismissed]").check()
    objection.locator("textarea[name=resolution]").fill(RESOLUTION)
    click_and_wait(district, objection.locator("form button"))
    expect(district).to_have_url(re.compile(rf"/applications/{pk}/$"))
    expect(objection).to_contain_text(RESOLUTION)
    expect(objection.locator("form")).to_have_count(0)

    # 8. Time passes. The publicity window (seven working days) is moved into the
    #    past directly in the database: waiting is not the subject of this test.
    PublicityBatch.objects.filter(pk=batch.pk).update(
        starts_on=today - datetime.timedelta(days=14), ends_on=today - datetime.timedelta(days=1)
    )

    # 9. The district announces; the watcher reads every step in the timeline;
    #    the enterprise now sees the review score.
    district.goto(f"{base}/applications/announcements/")
    district.check(f"#ann-{pk}")
    # Tests run Celery eagerly: the certificate's PDF is rendered within this request.
    click_and_wait(district, "[data-testid=do-announce]", timeout=90_000)
    number = district.locator("[data-testid=announcement] [data-testid=certificate-number]")
    expect(number).to_have_text(CERTIFICATE)
    certificate = Certificate.objects.get(application_id=pk)
    assert certificate.valid_from == today
    assert CERTIFICATE.match(certificate.number)

    detail(watcher, pk)
    expect(watcher.locator("[data-testid=status]")).to_be_visible()
    steps = watcher.locator("[data-testid=timeline] [data-testid=event]")
    expect(steps).to_have_count(len(PATH))
    assert [steps.nth(i).get_attribute("data-transition") for i in range(len(PATH))] == PATH
    actors = {
        "submit": tcast.ent.name,
        "accept": tcast.district.organisation.name,
        "start_review": team["unit"].name,
        "submit_rectification": tcast.ent.name,
        "submit_report": team["unit"].name,
        "announce": tcast.district.organisation.name,
    }
    for transition, organisation in actors.items():
        expect(steps.nth(PATH.index(transition))).to_contain_text(organisation)
    expect(steps.nth(PATH.index("request_rectification"))).to_contain_text(RECTIFY)
    expect(watcher.locator("[data-testid=actions]")).to_have_count(0)
    expect(watcher.locator("[data-testid=assign]")).to_have_count(0)
    expect(watcher.locator("[data-testid=certificate]")).to_contain_text(certificate.number)

    detail(enterprise, pk)
    expect(enterprise.locator("[data-testid=onsite-score]")).to_contain_text("85")
    expect(enterprise.locator("[data-testid=onsite-scores-hidden]")).to_have_count(0)
    expect(enterprise.locator("[data-testid=certificate]")).to_contain_text(certificate.number)
    expect(enterprise.locator("[data-testid=actions]")).to_have_count(0)

    # 10. The public announcement page, without a login.
    public.goto(f"{base}/public/announcements/")
    click_and_wait(
        public,
        public.locator("[data-testid=announcements] a", has_text=certificate.announcement.title),
    )
    listed = public.locator("[data-testid=certificates] tbody tr", has_text=tcast.ent.name)
    expect(listed).to_have_count(1)
    with translation.override(django_settings.LANGUAGE_CODE):
        grade = str(Application.Tier("3").label)
    expect(listed.locator("td").nth(1)).to_have_text(grade)
    expect(listed.locator("td").nth(4)).to_have_text(CERTIFICATE)
    expect(listed.locator("td").nth(5)).to_have_text(certificate.valid_from.isoformat())
    expect(listed.locator("td").nth(6)).to_have_text(certificate.valid_until.isoformat())
    assert certificate.valid_until.year == today.year + 3  # three years, to the day before
