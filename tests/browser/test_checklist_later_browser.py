"""A 120-criterion self-assessment in Chromium: the page carries its first elements
and loads the later ones as the person reaches them, and every way through the list
(submit refused, "next unanswered", "only unanswered", a suggestion's link, scrolling)
finds the rows of an element that has not loaded yet."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reviews import services
from reviews.models import AssessmentRow
from reviews.views.checklist_page import ROWS_FIRST
from tests.reviews.test_assessment_pages import fresh_specs, make_version  # noqa: F401


@pytest.mark.parametrize("width", [1280, 390])
def test_later_elements_load_when_the_person_reaches_them(tcast, login, live_server, width):
    version = make_version(n_criteria=120, code="long-browser")
    assessment = services.assessment_create(
        actor=tcast.enterprise, enterprise=tcast.ent, version=version, team_leader="张伟"
    )
    rows = {r.criterion.code: r.pk for r in assessment.rows.select_related("criterion")}
    # Everything met but 3.1.1 and 6.1.1 (unanswered) and 8.1.1 (not met).
    AssessmentRow.objects.filter(assessment=assessment).exclude(
        pk__in=[rows["3.1.1"], rows["6.1.1"]]
    ).update(result="compliant")
    AssessmentRow.objects.filter(pk=rows["8.1.1"]).update(result="non_compliant")
    page = login(tcast.enterprise.username)
    page.set_viewport_size({"width": width, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")

    assert page.locator("article.criterion").count() == ROWS_FIRST
    bar = page.locator("[data-testid=checklist-bar]")
    expect(bar.locator("[data-testid=bar-unanswered]")).to_have_text("2 unanswered")

    # Submit: refused, and the first unanswered criterion (element 3, not loaded) shows.
    bar.locator("[data-testid=bar-submit]").click()
    expect(page.locator("[data-testid=submit-refused]")).to_have_text(
        "Not submitted: 2 criteria are still unanswered. The first is shown below."
    )
    expect(page.locator(f"#row-{rows['3.1.1']}")).to_be_in_viewport()

    # It saves like any other row.
    page.locator(f"label[for='r{rows['3.1.1']}-compliant']").click()
    expect(bar.locator("[data-testid=bar-unanswered]")).to_have_text("1 unanswered")

    # "Next unanswered" reaches into element 6, which has not loaded yet.
    assert page.locator(f"#row-{rows['6.1.1']}").count() == 0
    bar.locator("[data-testid=next-unanswered]").click()
    expect(page.locator(f"#row-{rows['6.1.1']}")).to_be_in_viewport()

    # Only unanswered hides the answered rows of an element loaded later, too.
    page.locator("#only-unanswered").check()
    expect(page.locator(f"#row-{rows['6.1.2']}")).to_be_hidden()
    expect(page.locator(f"#row-{rows['6.1.1']}")).to_be_visible()
    page.locator("#only-unanswered").uncheck()

    # Scrolling to the last element loads its rows.
    page.locator("#element-8").scroll_into_view_if_needed()
    expect(page.locator("#element-8 article.criterion")).to_have_count(15)
    assert AssessmentRow.objects.get(pk=rows["3.1.1"]).result == "compliant"

    # A suggestion's link to a row of an element not loaded yet (8.1.1, not met).
    if width >= 992:  # the totals panel is beside the list at this width
        page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
        assert page.locator(f"#row-{rows['8.1.1']}").count() == 0
        page.locator(f"[data-testid=totals] a[href='#row-{rows['8.1.1']}']").click()
        expect(page.locator(f"#row-{rows['8.1.1']}")).to_be_in_viewport()
