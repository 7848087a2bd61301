"""The flow on the pages and the API: the district reads and downloads its draft and
comments, the city office scores a manual indicator and finalises; a final report
cannot be changed; outsiders see nothing; bad input changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from portal.models import AuditEvent
from reporting.assessment import flow, services
from reporting.assessment.models import AssessmentReport, ManualScore, ReportRun, Scheme
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def drafted(world, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.start_run(
            actor=cast.city, level="city", region=None, period_kind="quarter", period_code="2024-Q2"
        )
    return AssessmentReport.objects.get(unit_key="110105", period_code="2024-Q2")


def state():
    return (
        list(
            AssessmentReport.objects.order_by("pk").values_list("pk", "status", "comment", "total")
        ),
        ManualScore.objects.count(),
    )


def test_the_district_downloads_comments_and_the_city_finalises(
    drafted, cast, django_capture_on_commit_callbacks
):
    district, city = client_of(cast.district), client_of(cast.city)
    page = district.get(reverse("assessment:index"))
    assert page.status_code == 200 and "朝阳区" in page.content.decode()
    assert "海淀区" not in page.content.decode()
    detail = district.get(reverse("assessment:report", args=[drafted.pk])).content.decode()
    assert 'data-testid="comment-form"' in detail and 'data-testid="finalise"' not in detail
    pdf = district.get(reverse("assessment:report_pdf", args=[drafted.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = district.get(reverse("assessment:report_xlsx", args=[drafted.pk]))
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert book["报告"]["B6"].value == 61.5

    # Finalising before the unit commented, within the window: refused, nothing changes.
    before = state()
    refused = city.post(reverse("assessment:report_finalise", args=[drafted.pk]), follow=True)
    assert "may comment until" in refused.content.decode()
    assert state() == before

    district.post(
        reverse("assessment:report_comment", args=[drafted.pk]),
        {"comment": "目标完成数据有误，请核实。", "objection": "1"},
    )
    drafted.refresh_from_db()
    assert drafted.objects_to_scores and drafted.comment == "目标完成数据有误，请核实。"

    with django_capture_on_commit_callbacks(execute=True):
        done = city.post(reverse("assessment:report_finalise", args=[drafted.pk]))
    final = AssessmentReport.objects.get(unit_key="110105", status="final")
    assert done["Location"] == reverse("assessment:report", args=[final.pk])
    assert (final.version, str(final.total), len(final.signature)) == (2, "61.50", 64)
    assert final.pdf and final.xlsx  # rendered by the worker
    assert AuditEvent.objects.filter(action="assessment.report_finalised").count() == 1
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(final.pdf.open("rb")).pages)
    assert "定稿" in text and final.signature[:16] in text
    assert "被考核单位异议：目标完成数据有误，请核实。" in text
    # The draft's files stay as they were (kept per version).
    drafted.refresh_from_db()
    assert drafted.pdf and drafted.pdf.name != final.pdf.name


def test_a_final_report_cannot_be_changed(drafted, cast, django_capture_on_commit_callbacks):
    flow.comment(actor=cast.district, report=drafted, text="同意。", objection=False)
    with django_capture_on_commit_callbacks(execute=True):
        final = flow.finalise(actor=cast.city, report=drafted)
    district, city = client_of(cast.district), client_of(cast.city)
    before = state()
    for client, url, data in (
        (district, "assessment:report_comment", {"comment": "改"}),
        (city, "assessment:report_manual", {"indicator": "training", "score": "5"}),
        (city, "assessment:report_finalise", {}),
    ):
        response = client.post(reverse(url, args=[final.pk]), data, follow=True)
        assert "This report is final and can no longer be changed." in response.content.decode()
    # The draft it came from is no longer the latest either.
    response = district.post(
        reverse("assessment:report_comment", args=[drafted.pk]), {"comment": "改"}, follow=True
    )
    assert "A newer version of this report exists" in response.content.decode()
    api = client_of(cast.district).post(
        f"/api/v1/assessment/reports/{final.pk}/comment/",
        {"comment": "改"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "final" in api.json()["detail"]
    assert state() == before


def test_a_manual_score_needs_evidence_and_a_score_within_the_weight(
    drafted, cast, django_capture_on_commit_callbacks
):
    city = client_of(cast.city)
    url = reverse("assessment:report_manual", args=[drafted.pk])
    before = state()
    for data, message in (
        ({"indicator": "training", "score": "11"}, "The score must lie between 0 and 10.00."),
        ({"indicator": "training", "score": "abc"}, "The score must lie between 0 and 10.00."),
        ({"indicator": "rate", "score": "5"}, "Unknown manual indicator: rate."),
        ({"indicator": "training", "score": "8"}, "Attach the evidence for the score."),
    ):
        response = city.post(url, data, follow=True)
        assert message in response.content.decode()
    html = SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script></html>")
    response = city.post(
        url, {"indicator": "training", "score": "8", "evidence": html}, follow=True
    )
    assert "is not a PDF, JPG, PNG, DOCX or XLSX file" in response.content.decode()
    assert state() == before
    flow.comment(actor=cast.district, report=drafted, text="请核实培训得分。", objection=True)
    evidence = SimpleUploadedFile(
        "培训记录.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"
    )
    with django_capture_on_commit_callbacks(execute=True):
        city.post(
            url, {"indicator": "training", "score": "8", "note": "培训4次", "evidence": evidence}
        )
    # Totals and ranks change: a new draft version for both districts.
    newest = AssessmentReport.objects.get(unit_key="110105", version=2)
    assert str(newest.total) == "69.50"
    assert ManualScore.objects.get(report=newest).note == "培训4次"
    assert AssessmentReport.objects.get(unit_key="110108", version=2).rank == 2
    # The assessed unit downloads the evidence; another district does not.
    evidence_url = reverse(
        "assessment:report_evidence",
        args=[newest.pk, ManualScore.objects.get(report=newest).pk],
    )
    download = client_of(cast.district).get(evidence_url)
    assert b"".join(download.streaming_content) == b"%PDF-1.4 evidence"
    assert client_of(cast.other_district).get(evidence_url).status_code == 404
    # The new version keeps the unit's objection, so the office may finalise it.
    assert newest.comment == "请核实培训得分。" and newest.commented_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        final = flow.finalise(actor=cast.city, report=newest)
    assert (final.version, str(final.total)) == (3, "69.50")


def test_outsiders_and_other_roles_see_nothing(drafted, cast):
    for user, status in (
        (cast.other_district, 404),
        (cast.street, 404),
        (cast.regulator, 404),
        (cast.enterprise, 403),
        (cast.reviewer, 403),
    ):
        client = client_of(user)
        assert client.get(reverse("assessment:report", args=[drafted.pk])).status_code == status
        assert client.get(reverse("assessment:report_pdf", args=[drafted.pk])).status_code == status
        assert client.get(f"/api/v1/assessment/reports/{drafted.pk}/").status_code == status
    # A district cannot comment on another district's report, nor finalise its own.
    before = state()
    assert (
        client_of(cast.other_district)
        .post(reverse("assessment:report_comment", args=[drafted.pk]), {"comment": "x"})
        .status_code
        == 404
    )
    assert (
        client_of(cast.district)
        .post(reverse("assessment:report_finalise", args=[drafted.pk]))
        .status_code
        == 403
    )
    assert state() == before


def test_the_street_reads_only_its_own_report(world, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.start_run(
            actor=cast.district,
            level="district",
            region=cast.chaoyang,
            period_kind="quarter",
            period_code="2024-Q2",
        )
    rows = client_of(cast.street).get("/api/v1/assessment/reports/").json()["results"]
    assert [r["unit_name"] for r in rows] == ["建外街道"]
    rows = client_of(cast.district).get("/api/v1/assessment/reports/").json()["results"]
    assert sorted(r["unit_name"] for r in rows) == ["建外街道", "朝外街道"]


def test_the_report_list_reads_a_fixed_number_of_queries(
    drafted, cast, django_assert_max_num_queries
):
    client = client_of(cast.city)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessment:index")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/assessment/reports/").status_code == 200


def test_the_run_page_shows_the_progress_and_bad_periods_get_a_message(drafted, cast):
    city = client_of(cast.city)
    run = ReportRun.objects.get()
    page = city.get(reverse("assessment:run_detail", args=[run.pk])).content.decode()
    assert 'data-testid="run-done">2<' in page and 'data-testid="run-total">2<' in page
    response = city.post(reverse("assessment:run"), {"period": "quarter:2031-Q1"}, follow=True)
    assert "has not closed yet" in response.content.decode()
    api = city.post(
        "/api/v1/assessment/runs/",
        {"period_kind": "quarter", "period_code": "Q9"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "Unknown period" in api.json()["detail"]
    assert ReportRun.objects.count() == 1
    assert (
        client_of(cast.street)
        .post(reverse("assessment:run"), {"period": "quarter:2024-Q2"})
        .status_code
        == 403
    )


def test_a_scheme_whose_weights_do_not_add_up_is_refused_on_the_page(world, cast):
    city = client_of(cast.city)
    count = Scheme.objects.count()
    import json

    from tests.reporting.assessment.world import SCHEME

    bad = json.loads(json.dumps(SCHEME))
    bad["indicators"][0]["weight"] = 30
    response = city.post(
        reverse("assessment:schemes"),
        {"year": "2031", "level": "city", "definition": json.dumps(bad)},
    )
    assert response.status_code == 400
    assert "The weights add up to 90, not 100." in response.content.decode()
    assert Scheme.objects.count() == count
    response = city.post(
        reverse("assessment:schemes"),
        {"year": "2031", "level": "city", "definition": json.dumps(SCHEME)},
    )
    assert response.status_code == 302 and Scheme.objects.filter(year=2031).exists()


def test_a_published_summary_is_public(drafted, cast, django_capture_on_commit_callbacks):
    flow.comment(actor=cast.district, report=drafted, text="同意。", objection=False)
    with django_capture_on_commit_callbacks(execute=True):
        final = flow.finalise(actor=cast.city, report=drafted)
    anonymous = Client()
    assert "朝阳区" not in anonymous.get(reverse("assessment:public")).content.decode()
    client_of(cast.city).post(reverse("assessment:report_publish", args=[final.pk]))
    page = anonymous.get(reverse("assessment:public")).content.decode()
    assert "朝阳区" in page and "61.50" in page and "海淀区" not in page
