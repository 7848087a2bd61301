"""/api/v1/applications/<id>/review/…: the on-site review over the API —
who sees the reviewers' answers, saving a row with its revision (409 on a
conflict), findings and photos, the report and its sign-offs, rectification
evidence; scope (404) and role (403) for each endpoint."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certification.models import Application, Finding, ReportSignoff, ReviewFile, Status
from certification.onsite import findings as onsite_findings
from certification.onsite import rules as onsite
from portal.models import Organisation, OrganisationKind
from tests.cast import make_user
from tests.certification.factories import (
    PDF,
    application_in_review,
    make_tiered_version,
    review_team,
)

URL = "/api/v1/applications/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def in_review(cast, version):
    return application_in_review(cast, version)


def first_row(application):
    return onsite.review_for(application).assessment.rows.order_by("criterion__position")[0]


def test_the_review_summary_hides_scores_from_the_enterprise_until_verified(
    cast, in_review, api_for
):
    row = first_row(in_review)
    onsite.review_row_save(
        actor=cast.reviewer,
        application=in_review,
        row=row,
        result="partial",
        deduction="12",
        notes="评审员备注",
        revision=row.revision,
    )
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="deduction", text="培训记录不全。"
    )
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="suggestion", text="建议完善。"
    )
    reviewer = api_for(cast.reviewer).get(f"{URL}{in_review.pk}/review/")
    assert reviewer.status_code == 200
    body = reviewer.json()
    assert body["may_see_scores"] and body["may_edit"]
    assert (
        body["score"] == "88.0" and body["grade"] == "3"
    )  # level 2 by score, capped at the level 3 applied for
    assert body["rows"][0]["self_answer"]["result"] == "compliant"
    assert body["rows"][0]["review"] == {
        "result": "partial",
        "deduction": "12.0",
        "na_reason": "",
        "notes": "评审员备注",
        # Neither an itemised deduction nor the extra-deduction condition was entered.
        "occurrences": None,
        "extra_condition": False,
    }
    assert len(body["findings"]) == 2 and len(body["signoffs"]) == 2

    enterprise = api_for(cast.enterprise).get(f"{URL}{in_review.pk}/review/")
    assert enterprise.status_code == 200
    hidden = enterprise.json()
    assert not hidden["may_see_scores"] and not hidden["may_edit"]
    assert hidden["score"] is None and hidden["grade"] is None and hidden["summary"] is None
    assert all(r["review"] is None and "revision" not in r for r in hidden["rows"])
    assert hidden["rows"][0]["self_answer"]["result"] == "compliant"
    assert [f["kind"] for f in hidden["findings"]] == ["deduction"]
    assert "评审员备注" not in enterprise.content.decode()

    Application.objects.filter(pk=in_review.pk).update(status=Status.VERIFIED)
    shown = api_for(cast.enterprise).get(f"{URL}{in_review.pk}/review/").json()
    assert shown["may_see_scores"] and shown["score"] == "88.0"
    assert shown["rows"][0]["review"]["notes"] == "评审员备注"


def test_patch_a_row_with_its_revision(cast, in_review, api_for):
    row = first_row(in_review)
    client = api_for(cast.reviewer)
    url = f"{URL}{in_review.pk}/review/rows/{row.pk}/"
    saved = client.patch(
        url,
        {"result": "non_compliant", "notes": "现场未见记录", "revision": row.revision},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["review"]["result"] == "non_compliant"
    assert saved.json()["revision"] == row.revision + 1
    stale = client.patch(url, {"result": "compliant", "revision": row.revision}, format="json")
    assert stale.status_code == 409
    assert stale.json()["conflict"] and stale.json()["row"]["review"]["notes"] == "现场未见记录"
    bad = client.patch(
        url, {"result": "partial", "deduction": "99", "revision": row.revision + 1}, format="json"
    )
    assert bad.status_code == 400 and "deduction" in bad.json()
    unknown = client.patch(url, {"result": "compliant", "revision": 1, "score": 5}, format="json")
    assert unknown.status_code == 400
    for user in (cast.district, cast.enterprise):
        assert (
            api_for(user)
            .patch(url, {"result": "compliant", "revision": row.revision + 1}, format="json")
            .status_code
            == 403
        )
    own = in_review.assessment.rows.first()
    assert (
        client.patch(
            f"{URL}{in_review.pk}/review/rows/{own.pk}/",
            {"result": "compliant", "revision": 0},
            format="json",
        ).status_code
        == 404
    )


def test_findings_and_photos(cast, in_review, api_for, version):
    client = api_for(cast.reviewer)
    criterion = version.criteria.first()
    added = client.post(
        f"{URL}{in_review.pk}/review/findings/",
        {"kind": "veto", "text": "无证上岗。", "criterion": criterion.pk},
        format="json",
    )
    assert added.status_code == 201, added.content
    finding_id = added.json()["id"]
    assert added.json()["criterion_code"] == criterion.code and added.json()["must_rectify"]
    photo = client.post(
        f"{URL}{in_review.pk}/review/findings/{finding_id}/photos/",
        {"file": SimpleUploadedFile("现场.png", PNG)},
        format="multipart",
    )
    assert photo.status_code == 201 and photo.json()["content_type"] == "image/png"
    not_photo = client.post(
        f"{URL}{in_review.pk}/review/findings/{finding_id}/photos/",
        {"file": SimpleUploadedFile("x.png", PDF)},
        format="multipart",
    )
    assert not_photo.status_code == 400 and "file" in not_photo.json()
    download = api_for(cast.enterprise).get(photo.json()["download"])
    assert download.status_code == 200
    other = make_tiered_version("other").criteria.first()
    wrong = client.post(
        f"{URL}{in_review.pk}/review/findings/",
        {"kind": "deduction", "text": "x", "criterion": other.pk},
        format="json",
    )
    assert wrong.status_code == 400 and "criterion" in wrong.json()
    assert (
        api_for(cast.enterprise)
        .post(
            f"{URL}{in_review.pk}/review/findings/",
            {"kind": "deduction", "text": "x"},
            format="json",
        )
        .status_code
        == 403
    )
    assert (
        api_for(cast.district)
        .delete(f"{URL}{in_review.pk}/review/findings/{finding_id}/")
        .status_code
        == 403
    )
    assert client.delete(f"{URL}{in_review.pk}/review/findings/{finding_id}/").status_code == 204
    assert Finding.objects.count() == 0 and ReviewFile.objects.count() == 0


def test_report_and_sign(cast, in_review, api_for):
    team = review_team(cast)
    client = api_for(cast.reviewer)
    written = client.patch(
        f"{URL}{in_review.pk}/review/report/",
        {"summary": "符合要求。", "technical_head": "赵工"},
        format="json",
    )
    assert written.status_code == 200
    assert written.json()["summary"] == "符合要求。"
    assert (
        api_for(cast.district)
        .patch(f"{URL}{in_review.pk}/review/report/", {"summary": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_for(cast.district)
        .post(f"{URL}{in_review.pk}/review/sign/", {"reviewer": team["leader"].pk}, format="json")
        .status_code
        == 403
    )
    for reviewer in [team["leader"], *team["members"]]:
        signed = client.post(
            f"{URL}{in_review.pk}/review/sign/", {"reviewer": reviewer.pk}, format="json"
        )
        assert signed.status_code == 200
    signoffs = signed.json()["signoffs"]
    assert [s["certificate_no"] for s in signoffs] == ["AQBZ-T-0001", "AQBZ-T-0002"]
    assert all(s["signed_by"] == "t-reviewer" for s in signoffs)
    again = client.post(
        f"{URL}{in_review.pk}/review/sign/", {"reviewer": team["leader"].pk}, format="json"
    )
    assert again.status_code == 409 and "王建" in again.json()["detail"]
    # Not before every row copied from the self-assessment is checked on site.
    refused = client.post(f"{URL}{in_review.pk}/submit-report/", {}, format="json")
    assert refused.status_code == 400 and "not been checked on site" in str(refused.json())
    unchecked = [r["id"] for r in client.get(f"{URL}{in_review.pk}/review/").json()["rows"]]
    client.post(f"{URL}{in_review.pk}/review/confirm/", {"rows": unchecked}, format="json")
    reported = client.post(f"{URL}{in_review.pk}/submit-report/", {}, format="json")
    assert reported.status_code == 200 and reported.json()["status"] == Status.REPORTED
    summary = client.get(f"{URL}{in_review.pk}/review/").json()
    # 100 points reach level 1, but the grade proposed is the level 3 applied for.
    assert summary["score"] == "100.0" and summary["grade"] == "3"
    assert summary["reported_at"] and not summary["may_edit"]
    late = client.patch(f"{URL}{in_review.pk}/review/report/", {"summary": "改"}, format="json")
    assert late.status_code == 409
    assert ReportSignoff.objects.count() == 2


def test_rectification_over_the_api(cast, in_review, api_for):
    reviewer, enterprise = api_for(cast.reviewer), api_for(cast.enterprise)
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="deduction", text="台账不全。"
    )
    no_deadline = reviewer.post(
        f"{URL}{in_review.pk}/request-rectification/", {"comment": "整改。"}, format="json"
    )
    assert no_deadline.status_code == 400 and "deadline" in no_deadline.json()
    past = reviewer.post(
        f"{URL}{in_review.pk}/request-rectification/",
        {"comment": "整改。", "deadline": "2020-01-01"},
        format="json",
    )
    assert past.status_code == 400 and "deadline" in past.json()
    deadline = timezone.localdate() + datetime.timedelta(days=15)
    requested = reviewer.post(
        f"{URL}{in_review.pk}/request-rectification/",
        {"comment": "整改。", "deadline": deadline.isoformat()},
        format="json",
    )
    assert requested.status_code == 200 and requested.json()["due_on"] == deadline.isoformat()
    summary = enterprise.get(f"{URL}{in_review.pk}/review/").json()
    assert summary["rectification_deadline"] == deadline.isoformat()
    assert (
        enterprise.post(f"{URL}{in_review.pk}/submit-rectification/", {}, format="json").status_code
        == 400
    )
    assert (
        reviewer.post(
            f"{URL}{in_review.pk}/review/rectification-evidence/",
            {"file": SimpleUploadedFile("r.pdf", PDF)},
            format="multipart",
        ).status_code
        == 403
    )
    uploaded = enterprise.post(
        f"{URL}{in_review.pk}/review/rectification-evidence/",
        {"file": SimpleUploadedFile("整改.pdf", PDF), "note": "已整改。"},
        format="multipart",
    )
    assert uploaded.status_code == 201 and uploaded.json()["purpose"] == "rectification"
    submitted = enterprise.post(f"{URL}{in_review.pk}/submit-rectification/", {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == Status.ON_SITE_REVIEW
    late = enterprise.post(
        f"{URL}{in_review.pk}/review/rectification-evidence/",
        {"file": SimpleUploadedFile("r2.pdf", PDF)},
        format="multipart",
    )
    assert late.status_code == 409


def test_outsiders_get_404_everywhere(cast, in_review, api_for):
    unit = Organisation.objects.create(
        name="北京另一评审机构有限公司", kind=OrganisationKind.REVIEW_UNIT
    )
    outsider_unit = make_user("t-other-unit", unit)
    row = first_row(in_review)
    finding = onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="deduction", text="x"
    )
    photo = onsite_findings.finding_photo_add(
        actor=cast.reviewer,
        application=in_review,
        finding=finding,
        upload=SimpleUploadedFile("p.png", PNG),
    )
    base = f"{URL}{in_review.pk}/review/"
    for user in (cast.other_district, cast.other_enterprise, outsider_unit, cast.other_regulator):
        client = api_for(user)
        assert client.get(base).status_code == 404
        assert client.get(f"{base}files/{photo.pk}/").status_code == 404
        assert (
            client.patch(
                f"{base}rows/{row.pk}/", {"result": "compliant", "revision": 0}, format="json"
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"{base}findings/", {"kind": "veto", "text": "x"}, format="json"
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"{base}findings/{finding.pk}/photos/",
                {"file": SimpleUploadedFile("p.png", PNG)},
                format="multipart",
            ).status_code
            == 404
        )
        assert client.delete(f"{base}findings/{finding.pk}/").status_code == 404
        assert client.patch(f"{base}report/", {"summary": "x"}, format="json").status_code == 404
        assert client.post(f"{base}sign/", {"reviewer": 1}, format="json").status_code == 404
        assert (
            client.post(
                f"{base}rectification-evidence/",
                {"file": SimpleUploadedFile("r.pdf", PDF)},
                format="multipart",
            ).status_code
            == 404
        )
    assert Finding.objects.count() == 1


def test_no_review_yet_is_404(cast, version, api_for):
    from tests.certification.factories import submitted_application

    application = submitted_application(cast, version)
    assert api_for(cast.district).get(f"{URL}{application.pk}/review/").status_code == 404


def test_a_lower_grade_is_proposed(cast, version, api_for):
    application = application_in_review(cast, version, "2")
    row = first_row(application)
    client = api_for(cast.reviewer)
    client.patch(
        f"{URL}{application.pk}/review/rows/{row.pk}/",
        {"result": "partial", "deduction": "30", "revision": row.revision},
        format="json",
    )
    client.patch(
        f"{URL}{application.pk}/review/report/",
        {"summary": "扣分较多。", "technical_head": "赵工"},
        format="json",
    )
    team = review_team(cast)
    for reviewer in [team["leader"], *team["members"]]:
        client.post(f"{URL}{application.pk}/review/sign/", {"reviewer": reviewer.pk}, format="json")
    rows = [r["id"] for r in client.get(f"{URL}{application.pk}/review/").json()["rows"]]
    client.post(f"{URL}{application.pk}/review/confirm/", {"rows": rows}, format="json")
    assert (
        client.post(f"{URL}{application.pk}/submit-report/", {}, format="json").status_code == 200
    )
    body = api_for(cast.association).get(f"{URL}{application.pk}/review/").json()
    assert (body["score"], body["grade"]) == ("70.0", "3")
    assert onsite.review_for(application).score == Decimal("70.0")
