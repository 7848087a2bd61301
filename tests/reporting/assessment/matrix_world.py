"""The assessment objects of the URL matrix (tests/portal/test_url_matrix.py): 朝阳区's
draft report of 2024-Q2 on the city's example scheme, with files, the city's run and
bulletin. Made on first use with get_or_create (each matrix test rolls its own writes
back), with no rendering."""

from __future__ import annotations

from django.core.files.base import ContentFile

from reporting.assessment.models import AssessmentReport, Bulletin, ReportRun, Scheme

DATA = {
    "scheme": {"id": 0, "title": "示例", "year": 2026, "example": True},
    "unit": {"kind": "district", "key": "110105", "name": "朝阳区"},
    "period": {
        "kind": "quarter",
        "code": "2024-Q2",
        "start": "2024-04-01",
        "end": "2024-06-30",
        "previous": "2024-Q1",
    },
    "as_of": "2024-06-30",
    "scores": [],
    "total": "50.00",
    "rank": 1,
    "ranking": [],
    "problems": [],
}


def matrix_report(w) -> dict:
    report = AssessmentReport.objects.filter(unit_key="110105", period_code="2024-Q2").first()
    if report is None:
        report = AssessmentReport.objects.create(
            scheme=Scheme.objects.get(year=2026, level="city", region=None),
            unit_kind="district",
            unit_key="110105",
            unit_name="朝阳区",
            region_id="110105",
            period_kind="quarter",
            period_code="2024-Q2",
            data=DATA,
            content_hash="0" * 64,
            total=50,
            rank=1,
        )
        report.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
        report.xlsx.save("matrix.xlsx", ContentFile(b"PK matrix"), save=False)
        report.save()
    return {"pk": report.pk}


def matrix_run(w) -> dict:
    run, _created = ReportRun.objects.get_or_create(
        level="city", period_kind="quarter", period_code="2024-Q2", defaults={"status": "done"}
    )
    return {"pk": run.pk}


def matrix_bulletin(w) -> dict:
    bulletin = Bulletin.objects.filter(period_code="2024-Q2", level="city").first()
    if bulletin is None:
        bulletin = Bulletin(
            level="city", period_kind="quarter", period_code="2024-Q2", content_hash="0"
        )
        bulletin.pdf.save("matrix-bulletin.pdf", ContentFile(b"%PDF-1.4 bulletin"), save=True)
    return {"pk": bulletin.pk}


def matrix_scheme(w) -> dict:
    return {"pk": Scheme.objects.get(year=2026, level="city", region=None).pk}


def matrix_evidence(w) -> dict:
    from portal.models import User
    from reporting.assessment.models import Indicator, ManualScore

    report = AssessmentReport.objects.get(pk=matrix_report(w)["pk"])
    score = ManualScore.objects.filter(report=report).first()
    if score is None:
        score = ManualScore(
            report=report,
            indicator=Indicator.objects.get(scheme=report.scheme, code="training"),
            score=3,
            entered_by=User.objects.get(username="t-city"),
        )
        score.evidence.save("evidence.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    return {"pk": report.pk, "score_id": score.pk}
