"""/api/v1/assessments/ holds self-assessments only: the reviewers' sheet (an
assessment of kind "review") is neither listed, shown, changed, submitted nor
copied there by anyone. It is reached through /api/v1/applications/<id>/review/,
which shows its scores by certification/onsite.may_see_scores."""

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

URL = "/api/v1/assessments/"


@pytest.fixture
def version(db):
    return make_tiered_version()


def sheet_of(application) -> Assessment:
    return onsite.review_for(application).assessment


def test_the_enterprise_cannot_read_rewrite_or_submit_the_review_sheet(cast, api_for, version):
    application = application_in_review(cast, version)
    sheet = sheet_of(application)
    row = sheet.rows.order_by("criterion__position").first()
    before = (row.result, row.deduction, row.revision)
    client = api_for(cast.enterprise)

    listed = client.get(URL).json()
    ids = [item["id"] for item in listed["results"]]
    assert sheet.pk not in ids and application.assessment_id in ids
    assert client.get(f"{URL}?status=draft").json()["count"] == 0
    own = client.get(f"{URL}{application.assessment_id}/").json()
    assert own["kind"] == "self"

    base = f"{URL}{sheet.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}rows/").status_code == 404
    assert client.get(f"{base}rows/{row.pk}/").status_code == 404
    assert (
        client.patch(
            f"{base}rows/{row.pk}/",
            {"result": "non_compliant", "revision": row.revision},
            format="json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{base}answers/",
            [
                {
                    "criterion": row.criterion.code,
                    "result": "non_compliant",
                    "revision": row.revision,
                }
            ],
            format="json",
        ).status_code
        == 404
    )
    assert client.patch(base, {"team_leader": "冒名"}, format="json").status_code == 404
    assert client.post(f"{base}submit/", format="json").status_code == 404
    # Nor can it copy the reviewers' answers into a new self-assessment.
    copied = client.post(URL, {"version": version.pk, "copy_from": sheet.pk}, format="json")
    assert copied.status_code == 400 and "copy_from" in copied.json()

    row.refresh_from_db()
    sheet.refresh_from_db()
    assert (row.result, row.deduction, row.revision) == before
    assert sheet.status == Assessment.Status.DRAFT and sheet.team_leader != "冒名"
    assert Assessment.objects.filter(enterprise=cast.ent).count() == 2

    # The review unit still scores it through the on-site endpoint.
    unit = api_for(cast.reviewer)
    saved = unit.patch(
        f"/api/v1/applications/{application.pk}/review/rows/{row.pk}/",
        {"result": "non_compliant", "revision": row.revision},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert unit.get(base).status_code == 404


@pytest.mark.parametrize(
    "who", ["group", "enterprise", "district", "regulator", "city", "reviewer"]
)
def test_the_review_sheet_is_on_no_generic_assessment_url(cast, api_for, version, who):
    application = reported_application(cast, version)
    sheet = sheet_of(application)
    assert sheet.status == Assessment.Status.SUBMITTED
    client = api_for(getattr(cast, who))
    ids = [item["id"] for item in client.get(f"{URL}?status=submitted").json()["results"]]
    assert sheet.pk not in ids
    for path in ("", "rows/"):
        assert client.get(f"{URL}{sheet.pk}/{path}").status_code == 404, (who, path)


def test_the_group_reads_the_review_scores_only_once_the_report_is_verified(cast, api_for, version):
    application = reported_application(cast, version)
    sheet = sheet_of(application)
    review_url = f"/api/v1/applications/{application.pk}/review/"
    for user in (cast.group, cast.enterprise):
        client = api_for(user)
        for path in ("", "rows/"):
            assert client.get(f"{URL}{sheet.pk}/{path}").status_code == 404
        hidden = client.get(review_url)
        assert hidden.status_code == 200
        assert not hidden.json()["may_see_scores"] and hidden.json()["score"] is None

    Application.objects.filter(pk=application.pk).update(status=Status.VERIFIED)
    for user in (cast.group, cast.enterprise):
        shown = api_for(user).get(review_url).json()
        assert shown["may_see_scores"] and shown["score"] == str(
            onsite.review_for(application).score
        )
        assert all(r["review"] is not None for r in shown["rows"])
