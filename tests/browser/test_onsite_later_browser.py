"""A 120-row on-site sheet in Chromium: the page carries its first elements and loads
the later ones as the reviewer reaches them, and every way through the sheet ("next
unchecked row", a save in a later element, "only differing rows", scrolling, a link to
a row) works on rows that were not in the page when it opened."""

from __future__ import annotations

from playwright.sync_api import expect

from certification.onsite import confirmation
from certification.onsite import rules as onsite
from certification.onsite.sheet import ROWS_FIRST
from reviews.models import AssessmentRow
from tests.certification.factories import application_in_review
from tests.reviews.test_assessment_pages import fresh_specs, make_version  # noqa: F401


def test_the_later_elements_of_the_sheet_load_as_the_reviewer_reaches_them(
    tcast, login, live_server
):
    # 8 A elements of 15 rows: 1 and 2 in the page, 3 to 8 loaded when reached.
    application = application_in_review(tcast, make_version(n_criteria=120, code="long-onsite"))
    review = onsite.review_for(application)
    rows = {r.criterion.code: r.pk for r in review.assessment.rows.select_related("criterion")}
    # Elements 1 to 5 checked on site; 6.1.1 and 8.1.1 scored differently from the
    # enterprise's 符合.
    confirmation.review_rows_confirm(
        actor=tcast.reviewer,
        application=application,
        rows=[pk for code, pk in rows.items() if int(code.split(".")[0]) <= 5],
    )
    AssessmentRow.objects.filter(pk__in=[rows["6.1.1"], rows["8.1.1"]]).update(
        result="non_compliant"
    )

    page = login(tcast.reviewer.username)
    page.set_viewport_size({"width": 768, "height": 900})  # a tablet, as reviewers use
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    url = f"{live_server.url}/applications/{application.pk}/review/"
    page.goto(url)
    assert page.locator("[data-testid=review-row]").count() == ROWS_FIRST
    differs = page.locator("[data-testid=differs-count]")
    expect(differs).to_have_text("2")
    counter = page.locator("[data-testid=bar-confirmed]")  # the bar kept in view
    expect(counter).to_have_text("75")

    # "Next unchecked row" reaches into element 6, which was not in the page.
    assert page.locator(f"#row-{rows['6.1.1']}").count() == 0
    page.locator("[data-action=next-unconfirmed]:visible").first.click()
    row = page.locator(f"#row-{rows['6.1.1']}")
    expect(row).to_be_in_viewport()

    # Its answer saves like any other; the counts take in the elements not loaded yet.
    row.locator(f"label[for='r{rows['6.1.1']}-compliant']").click()
    expect(row.locator("[data-testid=row-status]")).to_contain_text("Saved")
    expect(differs).to_have_text("1")  # 8.1.1, in an element still not loaded
    expect(counter).to_have_text("76")
    assert AssessmentRow.objects.get(pk=rows["6.1.1"]).result == "compliant"

    # Only the differing rows: the rows of an element loaded later follow.
    page.locator("#only-differs").check()
    expect(row).to_be_hidden()
    page.locator("#only-differs").uncheck()
    expect(row).to_be_visible()

    # Scrolling to the last element loads its rows.
    page.locator("#element-8").scroll_into_view_if_needed()
    expect(page.locator("#element-8 [data-testid=review-row]")).to_have_count(15)
    expect(page.locator(f"#row-{rows['8.1.1']}")).to_have_attribute("data-differs", "1")

    # A page opened at a row of a later element shows it.
    page.goto(f"{url}#row-{rows['7.2.3']}")
    expect(page.locator(f"#row-{rows['7.2.3']}")).to_be_in_viewport()
