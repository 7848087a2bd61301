"""The reviewers' sheet tells "copied from the self-assessment" from "checked on
site": every copied row is unconfirmed until a reviewer saves or confirms it,
the counter counts confirmed rows, and the report is refused while any row is
unconfirmed (page, service and API). Findings are recorded from their row (a
deduction unless said otherwise) and the enterprise's evidence files are shown
beside its answers."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from certification import engine
from certification.models import Finding, Status
from certification.onsite import confirmation
from certification.onsite import rules as onsite
from portal.errors import ServiceError
from portal.models import AuditEvent
from reviews import services as review_services
from reviews.models import Assessment, AssessmentRow
from tests.certification.factories import (
    application_in_review,
    make_tiered_version,
    review_team,
)
from tests.certification.test_onsite import answer, other_review_unit_user, rows_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def in_review(cast):
    return application_in_review(cast, make_tiered_version())


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return api


def write_and_sign(cast, application):
    onsite.report_update(
        actor=cast.reviewer, application=application, summary="符合要求。", technical_head="赵工"
    )
    team = review_team(cast)
    for reviewer in [team["leader"], *team["members"]]:
        onsite.report_sign(actor=cast.reviewer, application=application, reviewer=reviewer)


def test_copied_rows_start_unconfirmed_and_the_page_says_so(cast, in_review, client_for):
    assert all(row.confirmed_at is None for row in rows_of(in_review))
    page = english(client_for(cast.reviewer)).get(f"/applications/{in_review.pk}/review/")
    text = page.content.decode()
    assert 'data-testid="confirmed-count">0</span> / 2' in text
    assert text.count('data-confirmed="0"') == 2
    assert "Copied from the self-assessment, not checked on site yet" in text
    assert text.count('data-testid="confirm-row"') == 2
    # The Chinese page (the default) carries the same counter and marks.
    client = client_for(cast.reviewer)
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    chinese = client.get(f"/applications/{in_review.pk}/review/")
    text = chinese.content.decode()
    assert 'lang="zh-CN"' in text and text.count('data-confirmed="0"') == 2
    assert 'data-testid="confirmed-count">0</span> / 2' in text


def test_saving_a_row_confirms_it_and_the_counter_follows(cast, in_review, client_for):
    first, second = rows_of(in_review)
    client = english(client_for(cast.reviewer))
    saved = client.post(
        f"/applications/{in_review.pk}/review/rows/{first.pk}/",
        {"result": "compliant", "revision": first.revision},
        HTTP_ACCEPT="application/json",
    )
    assert saved.status_code == 200
    body = saved.json()
    assert body["row"]["confirmed"] is True
    assert (body["totals"]["confirmed"], body["totals"]["unconfirmed"]) == (1, 1)
    first.refresh_from_db()
    assert first.confirmed_by == cast.reviewer and first.confirmed_at is not None
    second.refresh_from_db()
    assert second.confirmed_at is None


def test_confirming_a_row_as_it_stands_keeps_its_answer(cast, in_review, client_for):
    first, second = rows_of(in_review)
    before = (second.result, second.deduction, second.revision)
    client = english(client_for(cast.reviewer))
    answered = client.post(
        f"/applications/{in_review.pk}/review/confirm/",
        {"row": [second.pk]},
        HTTP_ACCEPT="application/json",
    )
    assert answered.status_code == 200
    assert answered.json()["confirmed"] == [second.pk]
    assert answered.json()["totals"]["confirmed"] == 1
    second.refresh_from_db()
    assert (second.result, second.deduction, second.revision) == before
    assert second.confirmed_by == cast.reviewer
    logged = AuditEvent.objects.get(action="application.review.confirm")
    assert logged.after == {"criteria": [second.criterion.code]}
    # Confirming again changes nothing and logs nothing.
    client.post(f"/applications/{in_review.pk}/review/confirm/", {"row": [second.pk]})
    assert AuditEvent.objects.filter(action="application.review.confirm").count() == 1
    # Without JavaScript: back to the row.
    redirected = client.post(f"/applications/{in_review.pk}/review/confirm/", {"row": [first.pk]})
    assert redirected.status_code == 302 and redirected.url.endswith(f"#row-{first.pk}")
    page = client.get(f"/applications/{in_review.pk}/review/").content.decode()
    assert 'data-testid="confirmed-count">2</span> / 2' in page


def test_bad_confirmations_are_refused_and_change_nothing(cast, in_review, client_for):
    first, _second = rows_of(in_review)
    # The enterprise's own self-assessment row is not a row of the reviewers' sheet.
    foreign = in_review.assessment.rows.first()
    client = english(client_for(cast.reviewer))
    url = f"/applications/{in_review.pk}/review/confirm/"
    for posted in ({}, {"row": ["x"]}, {"row": [foreign.pk]}, {"row": [first.pk, foreign.pk]}):
        refused = client.post(url, posted, HTTP_ACCEPT="application/json")
        assert refused.status_code == 422, posted
        assert refused.json()["error"]
    assert not AssessmentRow.objects.filter(confirmed_at__isnull=False).exists()
    # Another review unit: 403; the enterprise may not even see the sheet: 403.
    outsider = other_review_unit_user()
    assert client_for(outsider).post(url, {"row": [first.pk]}).status_code in (403, 404)
    assert client_for(cast.enterprise).post(url, {"row": [first.pk]}).status_code == 403
    assert not AssessmentRow.objects.filter(confirmed_at__isnull=False).exists()


def test_the_report_is_refused_while_rows_are_unconfirmed(cast, in_review):
    first, second = rows_of(in_review)
    answer(cast, in_review, first, "compliant")
    write_and_sign(cast, in_review)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        engine.perform(actor=cast.reviewer, application=in_review, transition="submit_report")
    assert refused.value.message == (
        "1 row copied from the self-assessment has not been checked on site yet."
    )
    in_review.refresh_from_db()
    assert in_review.status == Status.ON_SITE_REVIEW
    assert onsite.review_for(in_review).assessment.status == Assessment.Status.DRAFT
    confirmation.review_rows_confirm(actor=cast.reviewer, application=in_review, rows=[second])
    engine.perform(actor=cast.reviewer, application=in_review, transition="submit_report")
    in_review.refresh_from_db()
    assert in_review.status == Status.REPORTED
    # Reported: no more confirmations.
    with pytest.raises(engine.TransitionConflict):
        confirmation.review_rows_confirm(actor=cast.reviewer, application=in_review, rows=[first])


def test_the_api_confirms_rows_and_refuses_the_report_with_the_count(cast, in_review):
    api = api_for(cast.reviewer)
    base = f"/api/v1/applications/{in_review.pk}/review/"
    review = api.get(base).json()
    assert review["unconfirmed"] == 2
    assert [row["confirmed"] for row in review["rows"]] == [False, False]
    write_and_sign(cast, in_review)
    refused = api.post(f"/api/v1/applications/{in_review.pk}/submit-report/")
    assert refused.status_code == 400
    assert "2 rows copied from the self-assessment" in str(refused.json())
    first, second = (row["id"] for row in review["rows"])
    assert api.post(f"{base}confirm/", {"rows": []}, format="json").status_code == 400
    assert api.post(f"{base}confirm/", {"rows": [999999]}, format="json").status_code == 400
    confirmed = api.post(f"{base}confirm/", {"rows": [first]}, format="json")
    assert confirmed.status_code == 200
    assert [row["confirmed"] for row in confirmed.json()] == [True]
    assert api.get(base).json()["unconfirmed"] == 1
    # The enterprise in scope may not confirm (403) and does not see the flag.
    enterprise = api_for(cast.enterprise)
    assert enterprise.post(f"{base}confirm/", {"rows": [second]}, format="json").status_code == 403
    seen = enterprise.get(base).json()
    assert seen["unconfirmed"] is None and "confirmed" not in seen["rows"][0]
    api.post(f"{base}confirm/", {"rows": [second]}, format="json")
    assert api.post(f"/api/v1/applications/{in_review.pk}/submit-report/").status_code == 200


# --- findings from their row ----------------------------------------------------------


def test_a_finding_is_recorded_from_its_row_as_a_deduction(cast, in_review, client_for):
    first, _second = rows_of(in_review)
    client = english(client_for(cast.reviewer))
    page = client.get(f"/applications/{in_review.pk}/review/").content.decode()
    assert 'data-testid="row-finding"' in page
    assert '<option value="deduction" selected>' in page
    back = client.post(
        f"/applications/{in_review.pk}/review/rows/{first.pk}/finding/",
        {"text": "安全培训记录不全。", "must_rectify": "1"},
    )
    assert back.status_code == 302 and back.url.endswith(f"#row-{first.pk}")
    finding = Finding.objects.get()
    assert (finding.kind, finding.criterion_id, finding.must_rectify) == (
        "deduction",
        first.criterion_id,
        True,
    )
    # Refused input changes nothing and says why.
    refused = client.post(
        f"/applications/{in_review.pk}/review/rows/{first.pk}/finding/", {"text": " "}, follow=True
    )
    assert "Describe the finding." in refused.content.decode()
    assert Finding.objects.count() == 1
    # Not the review unit: no finding.
    assert (
        client_for(cast.enterprise)
        .post(f"/applications/{in_review.pk}/review/rows/{first.pk}/finding/", {"text": "x"})
        .status_code
        == 403
    )
    assert Finding.objects.count() == 1


def test_the_findings_page_defaults_to_a_deduction(cast, in_review, client_for):
    first, _second = rows_of(in_review)
    page = client_for(cast.reviewer).get(
        f"/applications/{in_review.pk}/review/findings/", {"criterion": first.criterion_id}
    )
    assert '<option value="deduction" selected>' in page.content.decode()


def test_the_api_records_a_finding_from_a_row(cast, in_review):
    first, _second = rows_of(in_review)
    api = api_for(cast.reviewer)
    base = f"/api/v1/applications/{in_review.pk}/review/rows/"
    made = api.post(f"{base}{first.pk}/findings/", {"text": "记录不全。"}, format="json")
    assert made.status_code == 201
    assert made.json()["kind"] == "deduction"
    assert Finding.objects.get().criterion_id == first.criterion_id
    veto = api.post(
        f"{base}{first.pk}/findings/", {"text": "无证上岗。", "kind": "veto"}, format="json"
    )
    assert veto.status_code == 201 and veto.json()["kind"] == "veto"
    assert api.post(f"{base}999999/findings/", {"text": "x"}, format="json").status_code == 404
    assert api.post(f"{base}{first.pk}/findings/", {"text": ""}, format="json").status_code == 400
    assert (
        api_for(cast.enterprise)
        .post(f"{base}{first.pk}/findings/", {"text": "x"}, format="json")
        .status_code
        == 403
    )
    assert Finding.objects.count() == 2


# --- the enterprise's evidence beside its answers -------------------------------------


def test_the_enterprise_evidence_is_shown_beside_its_answers(
    cast, in_review, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    own = in_review.assessment
    own_row = own.rows.select_related("criterion", "assessment").order_by("criterion__position")[0]
    # Attached while the self-assessment was a draft.
    Assessment.objects.filter(pk=own.pk).update(status=Assessment.Status.DRAFT)
    own_row.assessment.status = Assessment.Status.DRAFT
    evidence = review_services.evidence_add(
        actor=cast.enterprise, row=own_row, upload=SimpleUploadedFile("培训记录.png", PNG)
    )
    Assessment.objects.filter(pk=own.pk).update(status=Assessment.Status.SUBMITTED)
    client = english(client_for(cast.reviewer))
    page = client.get(f"/applications/{in_review.pk}/review/").content.decode()
    link = f"/applications/{in_review.pk}/review/evidence/{evidence.pk}/"
    assert f'href="{link}"' in page and "培训记录.png" in page
    assert page.count('data-testid="no-self-evidence"') == 1
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    # The enterprise may not see the reviewers' sheet before the verification.
    assert client_for(cast.enterprise).get(link).status_code == 403
    assert client_for(other_review_unit_user()).get(link).status_code in (403, 404)


def test_the_report_pdf_is_marked_as_a_draft_until_submitted(cast, in_review, rf):
    from django.template.loader import render_to_string

    from certification.certificates.views import _review_report_context

    def report_html() -> str:
        request = rf.get("/")
        request.user = cast.reviewer
        with translation.override("en"):
            return render_to_string(
                "pdf/review_report.html", _review_report_context(request, in_review.pk), request
            )

    draft = report_html()
    assert 'data-testid="draft-mark"' in draft
    assert "DRAFT: the report has not been submitted" in draft
    confirmation.review_rows_confirm(
        actor=cast.reviewer,
        application=in_review,
        rows=confirmation.unconfirmed_ids(onsite.review_for(in_review)),
    )
    write_and_sign(cast, in_review)
    engine.perform(actor=cast.reviewer, application=in_review, transition="submit_report")
    assert 'data-testid="draft-mark"' not in report_html()


def test_the_sheets_totals_follow_each_save_as_the_save_reports_them(cast, in_review, client_for):
    """The page scores the rows it has read; a save scores them afresh: both agree."""
    first, second = rows_of(in_review)
    client = english(client_for(cast.reviewer))
    saved = client.post(
        f"/applications/{in_review.pk}/review/rows/{first.pk}/",
        {"result": "non_compliant", "revision": first.revision},
        HTTP_ACCEPT="application/json",
    )
    assert saved.status_code == 200
    reported = saved.json()["totals"]
    page = client.get(f"/applications/{in_review.pk}/review/").context["totals"]
    assert {key: page[key] for key in reported} == reported
    assert (page["confirmed"], page["unconfirmed"]) == (1, 1)
    assert page["score"] != "100.0"
