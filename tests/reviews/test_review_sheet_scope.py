"""The reviewers' sheet (an assessment of kind "review") is not a
self-assessment: the self-assessment pages neither list nor show nor change
it, for anyone. The review unit scores it through the on-site pages; the
enterprise and its group see its scores there once the receiver has verified
the report (certification/onsite.may_see_scores)."""

from __future__ import annotations

import pytest

from certification.models import Application, Status
from certification.onsite import rules as onsite
from reviews.models import Assessment
from tests.certification.factories import (
    application_in_review,
    make_tiered_version,
    reported_application,
)


@pytest.fixture
def version(db):
    return make_tiered_version()


def sheet_of(application) -> Assessment:
    return onsite.review_for(application).assessment


def first_row(sheet: Assessment):
    return sheet.rows.order_by("criterion__position").first()


def generic_urls(sheet: Assessment) -> list[str]:
    return [f"/assessments/{sheet.pk}/", f"/assessments/{sheet.pk}/print/"]


def test_the_enterprise_cannot_rewrite_or_submit_the_review_sheet(cast, client_for, version):
    application = application_in_review(cast, version)
    sheet = sheet_of(application)
    row = first_row(sheet)
    before = (row.result, row.deduction, row.revision)
    client = client_for(cast.enterprise)

    listed = client.get("/assessments/").content.decode()
    assert f"/assessments/{sheet.pk}/" not in listed
    assert f"/assessments/{application.assessment_id}/" in listed  # its own self-assessment
    for url in generic_urls(sheet):
        assert client.get(url).status_code == 404, url
    saved = client.post(
        f"/assessments/{sheet.pk}/rows/{row.pk}/",
        {"result": "non_compliant", "revision": row.revision},
    )
    assert saved.status_code == 404
    team = client.post(
        f"/assessments/{sheet.pk}/team/",
        {
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "team_leader": "冒名",
            "team_members": "",
            "deaths_last_year": 0,
        },
    )
    assert team.status_code == 404
    assert client.post(f"/assessments/{sheet.pk}/submit/").status_code == 404

    row.refresh_from_db()
    sheet.refresh_from_db()
    assert (row.result, row.deduction, row.revision) == before
    assert sheet.status == Assessment.Status.DRAFT and sheet.team_leader != "冒名"
    # The review unit still scores it on the on-site page.
    unit = client_for(cast.reviewer)
    response = unit.post(
        f"/applications/{application.pk}/review/rows/{row.pk}/",
        {"result": "non_compliant", "revision": row.revision},
    )
    assert response.status_code in (200, 302)
    row.refresh_from_db()
    assert row.result == "non_compliant"


@pytest.mark.parametrize(
    "who", ["group", "enterprise", "district", "regulator", "city", "reviewer"]
)
def test_nobody_reaches_the_review_sheet_through_the_self_assessment_pages(
    cast, client_for, version, who
):
    application = reported_application(cast, version)
    sheet = sheet_of(application)
    assert sheet.status == Assessment.Status.SUBMITTED
    client = client_for(getattr(cast, who))
    assert f"/assessments/{sheet.pk}/" not in client.get("/assessments/").content.decode()
    for url in generic_urls(sheet):
        assert client.get(url).status_code == 404, (who, url)


def test_the_group_sees_the_reviewers_scores_only_once_the_report_is_verified(
    cast, client_for, version
):
    application = reported_application(cast, version)
    sheet = sheet_of(application)
    client = client_for(cast.group)
    review_page = f"/applications/{application.pk}/review/"
    assert client.get(review_page).status_code == 403
    for url in generic_urls(sheet):
        assert client.get(url).status_code == 404

    # The receiver's decision (verification itself is tested in test_verification.py).
    Application.objects.filter(pk=application.pk).update(status=Status.VERIFIED)
    for user in (cast.group, cast.enterprise):
        client = client_for(user)
        page = client.get(review_page)
        assert page.status_code == 200
        assert str(onsite.review_for(application).score) in page.content.decode()
        # The generic pages stay closed: the on-site pages are the one way in.
        for url in generic_urls(sheet):
            assert client.get(url).status_code == 404
