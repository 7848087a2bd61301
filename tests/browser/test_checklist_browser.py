"""Long checklists in Chromium at 1280, 768 and 390 px: what a person sees.

The enterprise's self-assessment keeps its counts and the submit button in view
wherever it scrolls, finds the next unanswered criterion, folds elements, and a
submit with unanswered criteria says how many and shows the first before any
question. The reviewers' sheet counts the rows checked on site, confirms a
copied row in place, and offers the finding when a row is scored 不符合.
Neither page scrolls sideways.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from certification.models import Finding
from certification.onsite import rules as onsite
from reviews import services
from tests.certification.factories import application_in_review, make_tiered_version
from tests.reviews.test_assessment_pages import fresh_specs, make_version  # noqa: F401

WIDTHS = [1280, 768, 390]


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_self_assessment_checklist_is_navigable_at_every_width(
    tcast, login, live_server, width
):
    version = make_version(n_criteria=10)
    assessment = services.assessment_create(
        actor=tcast.enterprise, enterprise=tcast.ent, version=version, team_leader="张伟"
    )
    rows = {r.criterion.code: r.pk for r in assessment.rows.select_related("criterion")}
    page = login(tcast.enterprise.username)
    page.set_viewport_size({"width": width, "height": 800})
    english(page, live_server)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")

    bar = page.locator("[data-testid=checklist-bar]")
    expect(bar.locator("[data-testid=bar-unanswered]")).to_have_text("10 unanswered")
    page.locator(f"label[for='r{rows['1.1.1']}-compliant']").click()
    expect(bar.locator("[data-testid=bar-unanswered]")).to_have_text("9 unanswered")
    assert no_sideways_scroll(page)

    # At the bottom of the page the counts and the submit button are still in view.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(bar.locator("[data-testid=bar-submit]")).to_be_visible()
    assert in_view(page, bar.locator("[data-testid=bar-submit]"))
    assert in_view(page, bar.locator("[data-testid=bar-unanswered]"))

    # Submitting now says how many are left and shows the first; no question asked.
    bar.locator("[data-testid=bar-submit]").click()
    refused = page.locator("[data-testid=submit-refused]")
    expect(refused).to_have_text(
        "Not submitted: 9 criteria are still unanswered. The first is shown below."
    )
    first = page.locator(f"#row-{rows['1.1.2']}")
    expect(first).to_be_in_viewport()
    assert dialogs == []
    assessment.refresh_from_db()
    assert assessment.status == "draft"

    # The contents give answered/total per element.
    bar.locator("[data-testid=toc] summary").click()
    expect(
        bar.locator("[data-testid=toc-link][data-code='1'] [data-testid=toc-count]")
    ).to_have_text("1/5")
    bar.locator("[data-testid=toc-link][data-code='2']").click()
    expect(page.locator("#element-2")).to_be_in_viewport()

    # "Next unanswered" from the top lands on an unanswered criterion.
    page.evaluate("window.scrollTo(0, 0)")
    bar.locator("[data-testid=next-unanswered]").click()
    expect(page.locator("article.criterion[data-answered='0']").first).to_be_in_viewport()

    # Only unanswered: the answered criterion goes out of the way.
    # (check() clicks the switch and waits until it reads checked.)
    page.locator("#only-unanswered").check()
    expect(page.locator(f"#row-{rows['1.1.1']}")).to_be_hidden()
    expect(first).to_be_visible()
    page.locator("#only-unanswered").uncheck()

    # An element folds from its heading.
    page.locator("#element-1 [data-testid=element-toggle]").click()
    expect(first).to_be_hidden()
    page.locator("#element-1 [data-testid=element-toggle]").click()
    expect(first).to_be_visible()
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reviewers_sheet_counts_rows_checked_on_site_at_every_width(
    tcast, login, live_server, width
):
    application = application_in_review(tcast, make_tiered_version())
    review = onsite.review_for(application)
    first, second = review.assessment.rows.order_by("criterion__position")
    page = login(tcast.reviewer.username)
    page.set_viewport_size({"width": width, "height": 800})
    english(page, live_server)
    page.goto(f"{live_server.url}/applications/{application.pk}/review/")
    assert no_sideways_scroll(page)

    # The counter in view: the side panel on a wide screen, the bar on a tablet or phone.
    counter = (
        page.locator("[data-testid=confirmed-count]")
        if width >= 992
        else page.locator("[data-testid=bar-confirmed]")
    )
    expect(counter).to_have_text("0")
    row = page.locator(f"#row-{first.pk}")
    expect(row.locator("[data-testid=unconfirmed]")).to_be_visible()
    row.locator("[data-testid=confirm-row]").click()
    expect(row.locator("[data-testid=confirmed]")).to_be_visible()
    expect(counter).to_have_text("1")
    expect(row.locator("[data-testid=confirm-row]")).to_be_hidden()

    # The next row still to check.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("[data-action=next-unconfirmed]:visible").click()
    other = page.locator(f"#row-{second.pk}")
    expect(other).to_be_in_viewport()

    # Scored 不符合: the row offers its finding, a deduction unless changed.
    other.locator(f"label[for='r{second.pk}-non_compliant']").click()
    expect(other.locator("[data-testid=row-status]")).to_contain_text("Saved")
    expect(counter).to_have_text("2")
    finding = other.locator("[data-testid=row-finding]")
    expect(finding.locator(".finding-prompt")).to_be_visible()
    expect(finding.locator("select[name=kind]")).to_have_value("deduction")
    finding.locator("textarea[name=text]").fill("现场安全标志缺失。")
    finding.locator("[data-testid=row-finding-button]").click()
    expect(page.locator(".alert-success").first).to_contain_text("Finding recorded")
    recorded = Finding.objects.get()
    assert (recorded.kind, recorded.criterion_id) == ("deduction", second.criterion_id)
    assert no_sideways_scroll(page)
