"""Report runs on the hand-built world: the scores, ranks and changes, the PDF's text
and the xlsx's cells, idempotent re-runs, an interrupted batch run again, the
bulletin, the notification, and Celery beat across a quarter's close."""

from __future__ import annotations

import datetime
import io

import pypdf
import pytest
import time_machine
from django.utils import timezone, translation
from openpyxl import load_workbook

from portal.models import Notification
from reporting.assessment import services, tasks
from reporting.assessment.models import AssessmentReport, Bulletin, ReportRun

pytestmark = pytest.mark.django_db


def run(actor, code, capture, level="city", region=None):
    with capture(execute=True):
        started = services.start_run(
            actor=actor, level=level, region=region, period_kind="quarter", period_code=code
        )
    started.refresh_from_db()
    return started


def pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        return "".join(page.extract_text() for page in pypdf.PdfReader(handle).pages)


def report_of(key, code="2024-Q2"):
    return (
        AssessmentReport.objects.filter(unit_key=key, period_code=code).order_by("-version").first()
    )


def test_a_quarter_scores_ranks_and_renders_each_district(
    world, cast, django_capture_on_commit_callbacks
):
    run(cast.city, "2024-Q1", django_capture_on_commit_callbacks)
    done = run(cast.city, "2024-Q2", django_capture_on_commit_callbacks)
    assert (done.status, done.done, done.total) == ("done", 2, 2)
    chaoyang, haidian = report_of("110105"), report_of("110108")
    assert (str(chaoyang.total), chaoyang.rank, chaoyang.rank_change) == ("61.50", 1, 1)
    assert (str(haidian.total), haidian.rank, haidian.rank_change) == ("59.50", 2, -1)
    assert [s["score"] for s in chaoyang.data["scores"]] == ["24.00", "22.50", "15.00", "0.00"]

    text = pdf_text(chaoyang)
    assert "朝阳区2024-Q2安全生产标准化工作季度考核报告" in text
    for heading in (
        "基本情况",
        "目标完成",
        "达标创建",
        "证书动态",
        "隐患排查治理",
        "评审质量",
        "事故",
        "工作保障",
        "得分与排名",
        "问题与建议",
    ):
        assert heading in text
    assert "总分 / 名次 61.50 / 第1名（共2）" in text
    assert "隐患整改率 95.0 30.00 22.50" in text
    assert "1 朝阳区 61.50 +1" in text
    # The street breakdown's chart, drawn as SVG with Chinese labels.
    assert "各街道（乡镇）达标率（%）" in text and "建外街道" in text
    # The unscored manual indicator is named among the problems.
    assert "宣传培训得分0.00（满分10），未录入评分" in text

    book = load_workbook(io.BytesIO(chaoyang.xlsx.open("rb").read()))
    assert book.sheetnames[:3] == ["报告", "基本情况", "目标完成"]
    cover = {row[0]: row[1] for row in book["报告"].iter_rows(values_only=True)}
    assert cover["总分"] == 61.5 and cover["名次"] == 1 and cover["状态"] == "草稿"
    ranking = list(book["得分与排名"].iter_rows(values_only=True))
    assert ("合计", None, 100, 61.5) in [tuple(r[:4]) for r in ranking]
    assert (1, "朝阳区", 61.5, "+1") in [tuple(r[:4]) for r in ranking]
    basic = {r[0]: r[1:3] for r in book["基本情况"].iter_rows(values_only=True) if r}
    assert basic["达标率（%）"] == (80, 60)

    bulletin = Bulletin.objects.get(period_code="2024-Q2")
    with bulletin.pdf.open("rb") as handle:
        bulletin_text = "".join(p.extract_text() for p in pypdf.PdfReader(handle).pages)
    assert "2024-Q2各区及行业部门安全生产标准化工作考核情况通报" in bulletin_text
    assert "1 朝阳区 61.50 上升1" in bulletin_text
    assert "2 海淀区 59.50 下降1" in bulletin_text


def test_the_assessed_district_is_told_its_draft_is_ready(
    world, cast, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        run(cast.city, "2024-Q2", django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=cast.district)
    # Stored in the portal's language, read in the reader's.
    assert "朝阳区2024-Q2安全生产标准化工作季度考核报告" in note.text
    with translation.override("en"):
        assert "朝阳区: quarterly work-safety standardization assessment, 2024-Q2" in note.render()
        assert "comment or object by" in note.render()
    assert note.url == f"/assessment-reports/reports/{report_of('110105').pk}/"
    assert not Notification.objects.filter(
        recipient=cast.other_district, text__contains="朝阳区"
    ).exists()


def test_running_again_writes_nothing_new(world, cast, django_capture_on_commit_callbacks):
    run(cast.city, "2024-Q2", django_capture_on_commit_callbacks)
    files = {r.pk: (r.pdf.name, r.xlsx.name) for r in AssessmentReport.objects.all()}
    again = run(cast.city, "2024-Q2", django_capture_on_commit_callbacks)
    assert again.status == "done"
    assert {r.pk: (r.pdf.name, r.xlsx.name) for r in AssessmentReport.objects.all()} == files
    assert Bulletin.objects.count() == 1
    assert Notification.objects.filter(recipient=cast.district).count() == 1


def test_an_interrupted_batch_run_again_writes_every_report_once(
    world, cast, django_capture_on_commit_callbacks, monkeypatch
):
    real_render = services.render
    calls = []

    def crash_on_the_second(report):
        calls.append(report.unit_key)
        if len(calls) == 2:
            raise SystemExit("worker killed")  # not an Exception: no retry, as with kill -9
        return real_render(report)

    monkeypatch.setattr(services, "render", crash_on_the_second)
    with pytest.raises(SystemExit):
        run(cast.city, "2024-Q2", django_capture_on_commit_callbacks)
    started = ReportRun.objects.get()
    assert (started.status, started.done, started.total) == ("running", 1, 2)
    assert AssessmentReport.objects.count() == 2  # the second drafted, not rendered
    assert AssessmentReport.objects.filter(pdf="").count() == 1

    monkeypatch.setattr(services, "render", real_render)
    tasks.run_reports_task.delay(started.pk)  # the message delivered again
    started.refresh_from_db()
    assert (started.status, started.done, started.total) == ("done", 2, 2)
    rows = list(AssessmentReport.objects.values_list("unit_key", "version"))
    assert sorted(rows) == [("110105", 1), ("110108", 1)]
    assert not AssessmentReport.objects.filter(pdf="").exists()


def test_a_period_not_yet_closed_or_without_a_snapshot_is_refused(world, cast):
    with translation.override("en"):
        with pytest.raises(services.AssessmentError, match="has not closed yet"):
            services.start_run(
                actor=cast.city,
                level="city",
                region=None,
                period_kind="quarter",
                period_code=f"{timezone.localdate().year}-Q4",
            )
        with pytest.raises(services.AssessmentError, match="Unknown period"):
            services.start_run(
                actor=cast.city,
                level="city",
                region=None,
                period_kind="quarter",
                period_code="2024-Q5",
            )
        with pytest.raises(services.AssessmentError, match="no assessment scheme for 2019"):
            services.start_run(
                actor=cast.city,
                level="city",
                region=None,
                period_kind="quarter",
                period_code="2019-Q1",
            )
    assert not ReportRun.objects.exists()


def test_a_district_assesses_only_its_own_streets(world, cast, django_capture_on_commit_callbacks):
    done = run(
        cast.district, "2024-Q2", django_capture_on_commit_callbacks, "district", cast.chaoyang
    )
    assert (done.status, done.total) == ("done", 2)
    streets = AssessmentReport.objects.filter(unit_kind="street").order_by("rank")
    assert [(r.unit_name, r.rank) for r in streets] == [("建外街道", 1), ("朝外街道", 2)]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.start_run(
            actor=cast.other_district,
            level="district",
            region=cast.chaoyang,
            period_kind="quarter",
            period_code="2024-Q2",
        )
    assert ReportRun.objects.count() == 1


def test_celery_beat_starts_the_reports_once_the_quarter_has_closed_and_frozen(
    world, cast, django_capture_on_commit_callbacks
):
    with time_machine.travel(
        datetime.datetime(2024, 6, 30, 3, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert tasks.assessment_after_close_task() == []
    with time_machine.travel(datetime.datetime(2024, 7, 1, 3, 30, tzinfo=datetime.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            started = tasks.assessment_after_close_task()
        assert len(started) == 2  # the city's, and 朝阳区's of its streets
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.assessment_after_close_task() == []  # once
    assert set(ReportRun.objects.values_list("level", "status", "period_code")) == {
        ("city", "done", "2024-Q2"),
        ("district", "done", "2024-Q2"),
    }
    assert AssessmentReport.objects.filter(period_code="2024-Q2").count() == 4
