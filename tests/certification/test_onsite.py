"""The on-site review (certification/onsite/rules.py and its pages): the baseline
copied from the self-assessment, the reviewers' answers and who sees them,
findings with photos, the report and its sign-offs, the rectification loop
with its paused clock, and sending the report back."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from certification import engine
from certification.applications import services
from certification.assignment import rules as assigning
from certification.models import (
    Application,
    ApplicationEvent,
    Finding,
    OnSiteReview,
    ReportSignoff,
    ReviewFile,
    Status,
)
from certification.onsite import confirmation
from certification.onsite import findings as onsite_findings
from certification.onsite import rectification as rectifying
from certification.onsite import rules as onsite
from portal import workdays
from portal.errors import ServiceError
from portal.models import AuditEvent, Organisation, OrganisationKind
from reviews import services as review_services
from reviews.models import Assessment, AssessmentRow, Criterion, Element
from reviews.scoring_data import score_assessment
from tests.cast import make_user
from tests.certification.factories import (
    PDF,
    add_all_materials,
    application_in_review,
    make_tiered_version,
    reported_application,
    review_team,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def rows_of(application) -> list[AssessmentRow]:
    return list(
        onsite.review_for(application)
        .assessment.rows.select_related("criterion")
        .order_by("criterion__position")
    )


def answer(cast, application, row, result, deduction=None, **kw):
    row.refresh_from_db()
    return onsite.review_row_save(
        actor=cast.reviewer,
        application=application,
        row=row,
        result=result,
        deduction=deduction,
        revision=row.revision,
        **kw,
    )


def write_and_sign(cast, application):
    # Every row checked on site: the rows the test left as copied are confirmed.
    confirmation.review_rows_confirm(
        actor=cast.reviewer,
        application=application,
        rows=confirmation.unconfirmed_ids(onsite.review_for(application)),
    )
    onsite.report_update(
        actor=cast.reviewer,
        application=application,
        summary="现场评审基本符合要求。",
        technical_head="赵工",
    )
    team = review_team(cast)
    for reviewer in [team["leader"], *team["members"]]:
        onsite.report_sign(actor=cast.reviewer, application=application, reviewer=reviewer)


def other_review_unit_user():
    unit = Organisation.objects.create(
        name="北京另一评审机构有限公司", kind=OrganisationKind.REVIEW_UNIT
    )
    return make_user("t-other-unit", unit)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- the baseline ----------------------------------------------------------------------


def test_start_review_copies_the_self_assessment_as_the_baseline(cast, version):
    application = application_in_review(cast, version, lose=Decimal("20"))
    review = onsite.review_for(application)
    scores = review.assessment
    own = application.assessment
    assert scores.kind == Assessment.Kind.REVIEW and scores.status == Assessment.Status.DRAFT
    assert scores.enterprise_id == cast.ent.pk and scores.version_id == own.version_id
    assert (scores.team_leader, scores.team_members) == ("王建", "李明")
    assert scores.created_by == cast.reviewer
    copied = list(
        scores.rows.order_by("criterion__position").values_list(
            "criterion_id", "result", "deduction", "na_reason", "notes"
        )
    )
    original = list(
        own.rows.order_by("criterion__position").values_list(
            "criterion_id", "result", "deduction", "na_reason"
        )
    )
    assert [row[:4] for row in copied] == original
    assert [row[4] for row in copied] == ["", ""]
    assert copied[0][1:3] == ("partial", Decimal("20"))
    # Started again (sent back or restarted): the same review, not a second one.
    onsite.finish_start_review(
        SimpleNamespace(application=application, actor=cast.reviewer, details={})
    )
    assert OnSiteReview.objects.filter(application=application).count() == 1
    assert Assessment.objects.filter(kind=Assessment.Kind.REVIEW).count() == 1


# --- answers ------------------------------------------------------------------------


def test_the_reviewers_answers_score_with_the_scoring_function(cast, version):
    """Applied for level 2 with a perfect self-assessment; the reviewers find
    30 points missing: the proposed grade is level 3."""
    application = application_in_review(cast, version, "2")
    first, second = rows_of(application)
    answer(cast, application, first, "partial", "30")
    write_and_sign(cast, application)
    engine.perform(actor=cast.reviewer, application=application, transition="submit_report")
    application.refresh_from_db()
    review = onsite.review_for(application)
    assert application.status == Status.REPORTED
    expected = score_assessment(review.assessment)
    assert review.score == expected.score == Decimal("70.0")
    assert review.proposed_tier == expected.grade == "3"
    assert review.reported_at is not None
    scores = review.assessment
    assert scores.status == Assessment.Status.SUBMITTED
    assert (scores.submitted_score, scores.submitted_grade) == (Decimal("70.0"), "3")
    assert scores.submitted_by == cast.reviewer
    logged = AuditEvent.objects.filter(action="application.submit_report").get()
    assert logged.after["score"] == "70.0" and logged.after["proposed_tier"] == "3"
    # Locked: no more answers.
    with pytest.raises(engine.TransitionConflict):
        answer(cast, application, first, "compliant")


def test_the_proposed_grade_never_exceeds_the_grade_applied_for(cast, version):
    """A perfect review (level 1 by score) of a level 3 application proposes level 3."""
    application = application_in_review(cast, version, "3")
    write_and_sign(cast, application)
    engine.perform(actor=cast.reviewer, application=application, transition="submit_report")
    review = onsite.review_for(application)
    assert score_assessment(review.assessment).grade == "1"
    assert review.score == Decimal("100.0") and review.proposed_tier == "3"


def test_no_grade_reached_proposes_none(cast, version):
    application = application_in_review(cast, version)
    first, second = rows_of(application)
    answer(cast, application, first, "non_compliant")
    write_and_sign(cast, application)
    engine.perform(actor=cast.reviewer, application=application, transition="submit_report")
    review = onsite.review_for(application)
    assert review.score == Decimal("40.0") and review.proposed_tier == ""


def test_only_the_assigned_unit_answers(cast, in_review):
    row = rows_of(in_review)[0]
    for user in (cast.district, cast.enterprise, other_review_unit_user()):
        with pytest.raises(engine.TransitionForbidden):
            onsite.review_row_save(
                actor=user, application=in_review, row=row, result="non_compliant", revision=0
            )
    # A row of another assessment (the self-assessment) is refused.
    own_row = in_review.assessment.rows.first()
    with pytest.raises(ServiceError) as refused:
        onsite.review_row_save(
            actor=cast.reviewer,
            application=in_review,
            row=own_row,
            result="compliant",
            revision=own_row.revision,
        )
    assert refused.value.field == "row"


def test_concurrent_edits_of_a_row_conflict(cast, in_review):
    row = rows_of(in_review)[0]
    start = row.revision
    onsite.review_row_save(
        actor=cast.reviewer,
        application=in_review,
        row=row,
        result="non_compliant",
        revision=start,
        notes="第一位评审员",
    )
    with pytest.raises(review_services.EditConflict) as conflict:
        onsite.review_row_save(
            actor=cast.reviewer, application=in_review, row=row, result="compliant", revision=start
        )
    assert conflict.value.row.result == "non_compliant"
    assert conflict.value.row.notes == "第一位评审员"
    row.refresh_from_db()
    assert row.result == "non_compliant" and row.revision == start + 1


def test_the_page_saves_a_row_and_shows_the_other_version_on_conflict(cast, in_review, client_for):
    row = rows_of(in_review)[0]
    client = english(client_for(cast.reviewer))
    url = f"/applications/{in_review.pk}/review/rows/{row.pk}/"
    saved = client.post(
        url,
        {"result": "partial", "deduction": "15", "revision": row.revision},
        HTTP_ACCEPT="application/json",
    )
    assert saved.status_code == 200
    body = saved.json()
    assert body["row"]["revision"] == row.revision + 1 and body["differs"] is True
    assert body["totals"]["score"] == "85.0"
    stale = client.post(
        url, {"result": "compliant", "revision": row.revision}, HTTP_ACCEPT="application/json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["conflict"] and body["row"]["result"] == "partial"
    assert body["row"]["deduction"] == "15" and "t-reviewer" in body["error"]
    bad = client.post(
        url,
        {"result": "partial", "deduction": "99", "revision": row.revision + 1},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "deduction"
    # Without JavaScript the form posts and comes back to the row.
    plain = client.post(url, {"result": "compliant", "revision": row.revision + 1})
    assert plain.status_code == 302 and plain["Location"].endswith(f"#row-{row.pk}")
    row.refresh_from_db()
    assert row.result == "compliant"


# --- who sees the reviewers' answers ---------------------------------------------------


def test_reviewer_answers_are_hidden_from_the_enterprise_until_verified(
    cast, in_review, client_for
):
    first = rows_of(in_review)[0]
    answer(cast, in_review, first, "partial", "12", notes="评审员备注：记录缺失")
    for user in (cast.enterprise, cast.enterprise_staff, cast.group):
        client = english(client_for(user))
        assert client.get(f"/applications/{in_review.pk}/review/").status_code == 403
        assert client.get(f"/applications/{in_review.pk}/review/report/").status_code == 403
        detail = client.get(f"/applications/{in_review.pk}/")
        assert detail.status_code == 200
        page = detail.content.decode()
        assert 'data-testid="onsite-scores-hidden"' in page
        assert "88.0" not in page and "评审员备注" not in page
    # The receiver and the city office see them during the review.
    for user in (cast.district, cast.city):
        page = client_for(user).get(f"/applications/{in_review.pk}/review/")
        assert page.status_code == 200
        assert "评审员备注" in page.content.decode()
        assert 'data-testid="review-answer-form"' not in page.content.decode()
    # A regulator in scope waits for the report.
    assert (
        client_for(cast.regulator).get(f"/applications/{in_review.pk}/review/").status_code == 403
    )

    Application.objects.filter(pk=in_review.pk).update(status=Status.VERIFIED)
    for user in (cast.enterprise, cast.group, cast.regulator):
        page = client_for(user).get(f"/applications/{in_review.pk}/review/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "评审员备注" in text and 'data-testid="read-only"' in text
        assert 'data-testid="review-answer-form"' not in text
        assert (
            'data-testid="onsite-score"'
            in client_for(user).get(f"/applications/{in_review.pk}/").content.decode()
        )


def test_the_review_pages_are_out_of_scope_for_outsiders(cast, in_review, client_for):
    outsider_unit = other_review_unit_user()
    review = onsite.review_for(in_review)
    row = rows_of(in_review)[0]
    finding = onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="deduction", text="培训记录不全。"
    )
    photo = onsite_findings.finding_photo_add(
        actor=cast.reviewer,
        application=in_review,
        finding=finding,
        upload=SimpleUploadedFile("现场.png", PNG),
    )
    base = f"/applications/{in_review.pk}/"
    gets = ["review/", "review/findings/", "review/report/", f"review/files/{photo.pk}/"]
    posts = [
        f"review/rows/{row.pk}/",
        "review/findings/",
        f"review/findings/{finding.pk}/photos/",
        f"review/findings/{finding.pk}/delete/",
        "review/report/",
        "review/sign/",
        "rectification/evidence/",
    ]
    for user in (cast.other_district, cast.other_enterprise, outsider_unit, cast.other_regulator):
        client = client_for(user)
        for url in gets:
            assert client.get(base + url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(base + url, {"reviewer": 1}).status_code == 404, (user, url)
    assert ReviewFile.objects.filter(review=review).count() == 1


def test_in_scope_users_without_the_right_get_403(cast, in_review, client_for):
    row = rows_of(in_review)[0]
    finding = onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="suggestion", text="建议完善台账。"
    )
    photo = onsite_findings.finding_photo_add(
        actor=cast.reviewer,
        application=in_review,
        finding=finding,
        upload=SimpleUploadedFile("a.jpg", JPG),
    )
    base = f"/applications/{in_review.pk}/"
    leader = review_team(cast)["leader"]
    for user in (cast.district, cast.enterprise):
        client = client_for(user)
        assert (
            client.post(
                base + f"review/rows/{row.pk}/", {"result": "compliant", "revision": row.revision}
            ).status_code
            == 403
        )
        assert (
            client.post(base + "review/findings/", {"kind": "deduction", "text": "x"}).status_code
            == 403
        )
        assert client.post(base + f"review/findings/{finding.pk}/delete/").status_code == 403
        assert (
            client.post(
                base + f"review/findings/{finding.pk}/photos/",
                {"photos": SimpleUploadedFile("b.png", PNG)},
            ).status_code
            == 403
        )
    assert (
        client_for(cast.district)
        .post(base + "review/report/", {"summary": "x", "technical_head": "y"})
        .status_code
        == 403
    )
    assert (
        client_for(cast.district).post(base + "review/sign/", {"reviewer": leader.pk}).status_code
        == 403
    )
    # The enterprise sees no suggestion (nor its photo) before verification.
    enterprise = client_for(cast.enterprise)
    assert enterprise.get(base + f"review/files/{photo.pk}/").status_code == 403
    findings = enterprise.get(base + "review/findings/")
    assert findings.status_code == 200 and "建议完善台账" not in findings.content.decode()
    # The reviewers upload no rectification evidence.
    assert (
        client_for(cast.reviewer)
        .post(base + "rectification/evidence/", {"file": SimpleUploadedFile("r.pdf", PDF)})
        .status_code
        == 403
    )
    assert Finding.objects.count() == 1 and ReviewFile.objects.count() == 1


def test_review_page_queries_are_bounded(cast, client_for, django_assert_max_num_queries):
    """The checklist with 40 criteria costs the same queries as with 2."""
    version = make_tiered_version("big")
    element = Element.objects.get(version=version)
    Criterion.objects.filter(version=version).update(points=Decimal("1"))
    for position in range(2, 40):
        Criterion.objects.create(
            version=version,
            element=element,
            a_element=element,
            code=f"1.{position + 1}",
            position=position,
            requirement="要求",
            method="方法",
            points=Decimal("1"),
        )
    version.full_marks = Decimal("40")
    version.save(update_fields=["full_marks"])
    own = review_services.assessment_create(
        actor=cast.enterprise, enterprise=cast.ent, version=version, team_leader="张伟"
    )
    own.rows.update(result="compliant")
    own = review_services.assessment_submit(actor=cast.enterprise, assessment=own)
    application = services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=own, tier="3"
    )
    add_all_materials(cast.enterprise, application)
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    for name, user in (("submit", cast.enterprise), ("accept", cast.district)):
        engine.perform(actor=user, application=application, transition=name)
    team = review_team(cast)
    engine.perform(actor=cast.district, application=application, transition="assign", **team)
    for reviewer in [team["leader"], *team["members"]]:
        assigning.declaration_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    engine.perform(actor=cast.reviewer, application=application, transition="start_review")
    client = client_for(cast.reviewer)
    with django_assert_max_num_queries(20):
        page = client.get(f"/applications/{application.pk}/review/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="review-row"') == 40
    with django_assert_max_num_queries(20):
        assert client.get(f"/applications/{application.pk}/review/findings/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/applications/{application.pk}/review/report/").status_code == 200


def test_the_filter_shows_rows_that_differ(cast, in_review, client_for):
    first, second = rows_of(in_review)
    answer(cast, in_review, second, "partial", "5")
    page = client_for(cast.reviewer).get(f"/applications/{in_review.pk}/review/?show=differs")
    text = page.content.decode()
    assert text.count('data-testid="review-row"') == 1 and f'id="row-{second.pk}"' in text
    everything = client_for(cast.reviewer).get(f"/applications/{in_review.pk}/review/")
    assert everything.content.decode().count('data-differs="1"') == 1


# --- findings and photos -------------------------------------------------------------


def test_findings_with_photos(cast, in_review, client_for, version):
    client = english(client_for(cast.reviewer))
    criterion = Criterion.objects.filter(version=version).first()
    added = client.post(
        f"/applications/{in_review.pk}/review/findings/",
        {
            "kind": "veto",
            "text": "特种作业人员无证上岗。",
            "criterion": criterion.pk,
            "must_rectify": "on",
            "photos": [SimpleUploadedFile("1.jpg", JPG), SimpleUploadedFile("2.png", PNG)],
        },
    )
    assert added.status_code == 302
    finding = Finding.objects.get()
    assert (finding.kind, finding.criterion, finding.must_rectify) == ("veto", criterion, True)
    photos = list(finding.files.all())
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    assert all(len(p.sha256) == 64 for p in photos)
    # A PDF is not a photo: the finding and its photos are not recorded at all.
    refused = client.post(
        f"/applications/{in_review.pk}/review/findings/",
        {
            "kind": "deduction",
            "text": "记录不全。",
            "photos": [SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile("x.png", PDF)],
        },
    )
    assert refused.status_code == 400
    assert "not a JPG or PNG photo" in refused.content.decode()
    assert Finding.objects.count() == 1 and ReviewFile.objects.count() == 2
    # The enterprise receives the list, with the photos.
    enterprise = client_for(cast.enterprise)
    listing = enterprise.get(f"/applications/{in_review.pk}/review/findings/")
    assert "特种作业人员无证上岗" in listing.content.decode()
    assert (
        enterprise.get(f"/applications/{in_review.pk}/review/files/{photos[0].pk}/").status_code
        == 200
    )
    panel = enterprise.get(f"/applications/{in_review.pk}/").content.decode()
    assert 'data-testid="onsite-finding"' in panel and "特种作业人员无证上岗" in panel


def test_finding_rules(cast, in_review):
    other = make_tiered_version("other")
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        onsite_findings.finding_add(
            actor=cast.reviewer,
            application=in_review,
            kind="deduction",
            text="x",
            criterion=other.criteria.first(),
        )
    assert refused.value.field == "criterion"
    with pytest.raises(ServiceError):
        onsite_findings.finding_add(
            actor=cast.reviewer, application=in_review, kind="odd", text="x"
        )
    with pytest.raises(ServiceError):
        onsite_findings.finding_add(
            actor=cast.reviewer, application=in_review, kind="veto", text=" "
        )
    suggestion = onsite_findings.finding_add(
        actor=cast.reviewer,
        application=in_review,
        kind="suggestion",
        text="建议。",
        must_rectify=True,
    )
    assert suggestion.must_rectify is False
    finding = onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="deduction", text="扣分。"
    )
    with pytest.raises(ServiceError):
        onsite_findings.finding_photo_add(
            actor=cast.reviewer,
            application=in_review,
            finding=finding,
            upload=SimpleUploadedFile("a.pdf", PDF),
        )
    onsite_findings.finding_delete(actor=cast.reviewer, application=in_review, finding=finding)
    assert list(Finding.objects.all()) == [suggestion]
    assert AuditEvent.objects.filter(action="application.review.finding.delete").exists()


# --- the report ------------------------------------------------------------------------


def test_report_sign_off(cast, in_review, client_for):
    team = review_team(cast)
    client = english(client_for(cast.reviewer))
    saved = client.post(
        f"/applications/{in_review.pk}/review/report/",
        {"summary": "现场评审符合要求。", "technical_head": "赵工"},
    )
    assert saved.status_code == 302
    signed = client.post(
        f"/applications/{in_review.pk}/review/sign/", {"reviewer": team["leader"].pk}
    )
    assert signed.status_code == 302
    signoff = ReportSignoff.objects.get()
    assert signoff.certificate_no == "AQBZ-T-0001" and signoff.signed_by == cast.reviewer
    again = client.post(
        f"/applications/{in_review.pk}/review/sign/", {"reviewer": team["leader"].pk}
    )
    assert again.status_code == 409
    assert "王建 already signed the report: t-reviewer at" in again.content.decode()
    page = client.get(f"/applications/{in_review.pk}/review/report/").content.decode()
    assert "AQBZ-T-0001" in page and "AQBZ-T-0002" in page
    assert f'data-testid="sign-report-{team["members"][0].pk}"' in page
    assert f'data-testid="sign-report-{team["leader"].pk}"' not in page


def test_a_reviewer_with_a_login_signs_personally(cast, in_review):
    team = review_team(cast)
    own_login = make_user("t-wangjian", cast.reviewer.organisation)
    team["leader"].user = own_login
    team["leader"].save(update_fields=["user"])
    with pytest.raises(engine.TransitionForbidden):
        onsite.report_sign(actor=cast.reviewer, application=in_review, reviewer=team["leader"])
    signoff = onsite.report_sign(actor=own_login, application=in_review, reviewer=team["leader"])
    assert signoff.signed_by == own_login


@pytest.mark.parametrize("missing", ["row", "signoff", "summary", "technical_head"])
def test_submit_report_refusals_change_nothing(cast, in_review, missing):
    confirmation.review_rows_confirm(
        actor=cast.reviewer,
        application=in_review,
        rows=confirmation.unconfirmed_ids(onsite.review_for(in_review)),
    )
    if missing == "row":
        answer(cast, in_review, rows_of(in_review)[0], "")
    onsite.report_update(
        actor=cast.reviewer,
        application=in_review,
        summary="" if missing == "summary" else "符合要求。",
        technical_head="" if missing == "technical_head" else "赵工",
    )
    team = review_team(cast)
    signers = [team["leader"]] if missing == "signoff" else [team["leader"], *team["members"]]
    for reviewer in signers:
        onsite.report_sign(actor=cast.reviewer, application=in_review, reviewer=reviewer)
    events, audits = ApplicationEvent.objects.count(), AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.reviewer, application=in_review, transition="submit_report")
    assert refused.value.field == {"row": "rows", "signoff": "signoffs"}.get(missing, missing)
    if missing == "signoff":
        assert "李明" in refused.value.message
    in_review.refresh_from_db()
    review = onsite.review_for(in_review)
    assert in_review.status == Status.ON_SITE_REVIEW
    assert review.assessment.status == Assessment.Status.DRAFT
    assert review.reported_at is None and review.score is None
    assert (ApplicationEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def test_send_back_voids_the_sign_offs(cast, version):
    application = reported_application(cast, version)
    assert ReportSignoff.objects.count() == 2
    engine.perform(
        actor=cast.district,
        application=application,
        transition="send_back",
        comment="请补充现场照片。",
    )
    application.refresh_from_db()
    review = onsite.review_for(application)
    assert application.status == Status.ON_SITE_REVIEW
    assert ReportSignoff.objects.count() == 0 and review.reported_at is None
    assert review.assessment.status == Assessment.Status.DRAFT
    assert application.due_on == workdays.add_working_days(
        timezone.localdate(), review.review_days_left
    )
    # The reviewers can change the answers again and must sign again.
    answer(cast, application, rows_of(application)[0], "partial", "10")
    with pytest.raises(ServiceError):
        engine.perform(actor=cast.reviewer, application=application, transition="submit_report")
    write_and_sign_again = review_team(cast)
    for reviewer in [write_and_sign_again["leader"], *write_and_sign_again["members"]]:
        onsite.report_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    engine.perform(actor=cast.reviewer, application=application, transition="submit_report")
    assert onsite.review_for(application).score == Decimal("90.0")


# --- rectification -------------------------------------------------------------------


def test_the_rectification_loop_pauses_the_review_clock(cast, version):
    start = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        application = application_in_review(cast, version)
        first_due = application.due_on
        onsite_findings.finding_add(
            actor=cast.reviewer, application=application, kind="deduction", text="培训记录不全。"
        )
    with time_machine.travel(start + datetime.timedelta(days=14), tick=False):
        today = timezone.localdate()
        days_left = workdays.working_days_between(today, first_due)
        deadline = today + datetime.timedelta(days=30)
        engine.perform(
            actor=cast.reviewer,
            application=application,
            transition="request_rectification",
            comment="请补全培训记录。",
            deadline=deadline,
        )
        application.refresh_from_db()
        review = onsite.review_for(application)
        assert application.status == Status.RECTIFICATION
        assert application.due_on == deadline and not application.due_is_estimated
        assert review.rectification_deadline == deadline
        assert review.review_days_left == days_left > 0
    # The enterprise takes 25 days; the review still has the days it had left.
    with time_machine.travel(start + datetime.timedelta(days=39), tick=False):
        with pytest.raises(ServiceError) as refused:
            engine.perform(
                actor=cast.enterprise, application=application, transition="submit_rectification"
            )
        assert refused.value.field == "evidence"
        with pytest.raises(engine.TransitionForbidden):
            rectifying.rectification_evidence_add(
                actor=cast.reviewer,
                application=application,
                upload=SimpleUploadedFile("r.pdf", PDF),
            )
        rectifying.rectification_evidence_add(
            actor=cast.enterprise,
            application=application,
            upload=SimpleUploadedFile("整改报告.pdf", PDF),
            note="已补全培训记录。",
        )
        engine.perform(
            actor=cast.enterprise, application=application, transition="submit_rectification"
        )
        application.refresh_from_db()
        assert application.status == Status.ON_SITE_REVIEW
        assert application.due_on == workdays.add_working_days(timezone.localdate(), days_left)
        assert onsite.review_for(application).rectification_note == "已补全培训记录。"
    # A second round needs new evidence: the earlier file does not count.
    with time_machine.travel(start + datetime.timedelta(days=40), tick=False):
        engine.perform(
            actor=cast.reviewer,
            application=application,
            transition="request_rectification",
            comment="仍需整改。",
            deadline=timezone.localdate() + datetime.timedelta(days=10),
        )
    with (
        time_machine.travel(start + datetime.timedelta(days=41), tick=False),
        pytest.raises(ServiceError),
    ):
        engine.perform(
            actor=cast.enterprise, application=application, transition="submit_rectification"
        )


@pytest.mark.parametrize("deadline", [None, "", "yesterday", "today", "not a date"])
def test_request_rectification_needs_a_future_deadline(cast, in_review, deadline):
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="veto", text="无证。"
    )
    today = timezone.localdate()
    value = {"yesterday": today - datetime.timedelta(days=1), "today": today}.get(
        deadline, deadline
    )
    with pytest.raises(ServiceError) as refused:
        engine.perform(
            actor=cast.reviewer,
            application=in_review,
            transition="request_rectification",
            comment="整改。",
            deadline=value,
        )
    assert refused.value.field == "deadline"
    in_review.refresh_from_db()
    assert in_review.status == Status.ON_SITE_REVIEW
    assert onsite.review_for(in_review).rectification_deadline is None


def test_request_rectification_needs_a_finding_to_rectify(cast, in_review):
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="suggestion", text="建议。"
    )
    with pytest.raises(ServiceError) as refused:
        engine.perform(
            actor=cast.reviewer,
            application=in_review,
            transition="request_rectification",
            comment="整改。",
            deadline=timezone.localdate() + datetime.timedelta(days=10),
        )
    assert refused.value.field == "findings"
    in_review.refresh_from_db()
    assert in_review.status == Status.ON_SITE_REVIEW


def test_the_rectification_form_shows_a_missing_or_past_deadline(cast, in_review, client_for):
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="veto", text="无证。"
    )
    client = english(client_for(cast.reviewer))
    url = f"/applications/{in_review.pk}/act/request_rectification/"
    missing = client.post(url, {"comment": "请整改。"})
    assert missing.status_code == 400
    assert "Set the deadline for the rectification." in missing.content.decode()
    past = client.post(url, {"comment": "请整改。", "deadline": "2020-01-01"})
    assert past.status_code == 400
    assert "The deadline must be after today." in past.content.decode()
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    done = client.post(url, {"comment": "请整改。", "deadline": deadline.isoformat()})
    assert done.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.RECTIFICATION and in_review.due_on == deadline


def test_the_enterprise_uploads_evidence_from_the_panel(cast, in_review, client_for):
    onsite_findings.finding_add(
        actor=cast.reviewer, application=in_review, kind="deduction", text="台账不全。"
    )
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    engine.perform(
        actor=cast.reviewer,
        application=in_review,
        transition="request_rectification",
        comment="请整改。",
        deadline=deadline,
    )
    client = english(client_for(cast.enterprise))
    page = client.get(f"/applications/{in_review.pk}/").content.decode()
    assert 'data-testid="rectification-request"' in page and deadline.isoformat() in page
    assert 'data-testid="rectification-upload"' in page and "台账不全" in page
    bad = client.post(
        f"/applications/{in_review.pk}/rectification/evidence/",
        {"file": SimpleUploadedFile("x.txt", b"hello")},
    )
    assert bad.status_code == 400 and 'data-testid="rectification-error"' in bad.content.decode()
    done = client.post(
        f"/applications/{in_review.pk}/rectification/evidence/",
        {"file": SimpleUploadedFile("整改.pdf", PDF), "note": "已整改。"},
    )
    assert done.status_code == 302
    stored = ReviewFile.objects.get(purpose=ReviewFile.Purpose.RECTIFICATION)
    assert client.get(f"/applications/{in_review.pk}/review/files/{stored.pk}/").status_code == 200
    assert (
        client_for(cast.district)
        .get(f"/applications/{in_review.pk}/")
        .content.decode()
        .count('data-testid="rectification-file"')
        == 1
    )
    # The district does not upload for the enterprise.
    assert (
        client_for(cast.district)
        .post(
            f"/applications/{in_review.pk}/rectification/evidence/",
            {"file": SimpleUploadedFile("d.pdf", PDF)},
        )
        .status_code
        == 403
    )


def test_the_panel_shows_the_score_to_the_receiver(cast, version, client_for):
    application = reported_application(cast, version, lose=Decimal("20"))
    page = english(client_for(cast.district)).get(f"/applications/{application.pk}/")
    text = page.content.decode()
    assert 'data-testid="onsite-score"' in text and "80.0" in text
    enterprise = english(client_for(cast.enterprise)).get(f"/applications/{application.pk}/")
    assert (
        "80.0"
        not in enterprise.content.decode()
        .split('data-testid="onsite-panel"')[1]
        .split("</section>")[0]
    )
