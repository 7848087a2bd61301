"""A district uploads a file with one bad row and sees that row's problem."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from enterprises.models import Enterprise
from tests.enterprises.test_import import good_row, make_xlsx, media_in_tmp  # noqa: F401


def test_an_import_with_one_bad_row_shows_that_rows_problem(tcast, login, live_server, tmp_path):
    rows = [good_row(1), good_row(2), good_row(3, employees="abc"), good_row(4)]
    path = tmp_path / "朝阳区企业.xlsx"
    path.write_bytes(make_xlsx(rows))
    page = login(tcast.district.username)
    # Messages in English, whatever the translations say.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])

    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("input[name=file]", str(path))
    page.locator("[data-testid=import-form] button").click()

    expect(page).to_have_url(re.compile(r"/enterprises/import/\d+/$"))
    status = page.locator("[data-testid=job-status]")
    expect(status).to_have_attribute("data-status", "failed_validation")
    problem = page.locator("[data-testid=problem]")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("4")
    expect(problem.locator("td").nth(1)).to_have_text("从业人数")
    expect(problem.locator("td").nth(2)).to_contain_text("“abc” is not a whole number")
    expect(page.locator("[data-testid=commit-button]")).to_have_count(0)
    assert not Enterprise.objects.filter(uscc__in=[row["uscc"] for row in rows]).exists()
