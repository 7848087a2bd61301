"""An enterprise completes a small self-assessment in the browser: the score
changes as it answers (no reload), it attaches a file and submits."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from certification.certificates import pdf_jobs
from certification.models import PdfJob
from reviews.models import Assessment, Evidence
from tests.reviews.test_assessment_pages import fresh_specs, make_version  # noqa: F401
from tests.reviews.test_evidence import PNG


def test_an_enterprise_completes_a_self_assessment(
    tcast, login, live_server, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = make_version()
    evidence_file = tmp_path / "安全生产目标管理制度.png"
    evidence_file.write_bytes(PNG)
    page = login(tcast.enterprise.username)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])

    # Start from the navigation.
    page.goto(f"{live_server.url}/")
    page.locator("[data-testid=nav] a[href='/assessments/']").click()
    page.check(f'input[name=version][value="{version.pk}"]')
    page.fill("input[name=team_leader]", "张伟")
    page.locator("[data-testid=start-more] summary").click()  # the optional fields fold away
    page.fill("textarea[name=team_members]", "李娜 安全员")
    page.locator("[data-testid=start-button]").click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+/$"))
    assessment = Assessment.objects.get()
    rows = {r.criterion.code: str(r.pk) for r in assessment.rows.select_related("criterion")}
    score = page.locator("#totals [data-testid=score]")
    expect(score).to_have_text("0.0")
    # A marker that a reload would wipe out.
    page.evaluate("window.__noReload = true")

    def choose(code: str, value: str):
        page.locator(f"label[for='r{rows[code]}-{value}']").click()

    choose("1.1.1", "compliant")
    expect(score).to_have_text("10.0")
    expect(page.locator(f"#answer-{rows['1.1.1']} [data-testid=saved]")).to_be_visible()

    # Partly compliant waits for the deduction; a bad one is explained in place.
    choose("2.1.2", "partial")
    deduction = page.locator(f"#d{rows['2.1.2']}")
    expect(deduction).to_be_visible()
    expect(deduction).to_be_focused()
    deduction.fill("11")
    deduction.press("Tab")
    expect(page.locator(f"#answer-{rows['2.1.2']} [data-testid=row-error]")).to_contain_text(
        "at most the criterion's 10.0 points"
    )
    expect(score).to_have_text("10.0")
    page.locator(f"#d{rows['2.1.2']}").fill("2.5")
    page.locator(f"#d{rows['2.1.2']}").press("Tab")
    expect(score).to_have_text("17.5")
    expect(page.locator(f"#answer-{rows['2.1.2']} [data-testid=row-error]")).to_have_count(0)

    # Typing on while the previous change is still saving loses nothing.
    choose("2.2.1", "compliant")
    page.locator(f"#answer-{rows['2.2.1']} details.notes summary").click()
    notes = page.locator(f"#n{rows['2.2.1']}")
    notes.fill("检查记录齐全")
    notes.press("Tab")
    expect(page.locator(f"#rev-{rows['2.2.1']}")).to_have_value("2")
    saved = assessment.rows.get(pk=rows["2.2.1"])
    assert (saved.result, saved.notes) == ("compliant", "检查记录齐全")

    # Not applicable leaves the denominator: 17.5 of 90.
    choose("1.2.1", "na")
    reason = page.locator(f"#na{rows['1.2.1']}")
    reason.fill("本企业无此类设备")
    reason.press("Tab")
    expect(score).to_have_text("30.6")  # 27.5 of 90

    # Evidence, attached without leaving the page.
    page.set_input_files(f"#f{rows['1.1.1']}", str(evidence_file))
    expect(page.locator(f"#evidence-{rows['1.1.1']} [data-testid=evidence-file]")).to_have_text(
        "安全生产目标管理制度.png"
    )

    for code in rows:
        if code not in ("1.1.1", "2.1.2", "1.2.1", "2.2.1"):
            choose(code, "compliant")
            expect(page.locator(f"#answer-{rows[code]} [data-testid=saved]")).to_be_visible()
    expect(score).to_have_text("97.2")  # 87.5 of 90
    expect(page.locator("#totals [data-testid=grade]")).to_have_text("Level 1")
    assert page.evaluate("window.__noReload") is True

    # Submitting asks first (static/js/assessment.js: no inline handler under the CSP);
    # answering no leaves the assessment open.
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.locator("[data-testid=submit-button]").click()
    expect(page.locator("[data-testid=answer-form]").first).to_be_visible()
    assert questions == ["Submit the self-assessment? It can no longer change afterwards."]
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.locator("[data-testid=submit-button]").click()
    expect(page.locator("[data-testid=assessment-status]")).to_have_attribute(
        "data-status", "submitted"
    )
    expect(page.locator("[data-testid=read-only]")).to_be_visible()
    expect(page.locator("[data-testid=answer-form]")).to_have_count(0)
    expect(page.locator("[data-testid=evidence-input]")).to_have_count(0)
    expect(page.locator("[data-testid=answer-readonly]")).to_have_count(10)
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and str(assessment.submitted_score) == "97.2"
    assert Evidence.objects.get().original_name == "安全生产目标管理制度.png"
    assert len(questions) == 2

    # The report as PDF: rendered in the background, the job page updates by itself.
    queued = []  # the broker: the worker below takes the job when the page shows it
    monkeypatch.setattr(
        pdf_jobs.render_pdf_job_task, "apply_async", lambda args, **options: queued.append(args)
    )
    page.locator("[data-testid=print-link]").click()
    page.locator("[data-testid=download-pdf]").click()
    expect(page).to_have_url(re.compile(r"/pdfs/\d+/$"))
    job = page.locator("[data-testid=pdf-job]")
    expect(job).to_have_attribute("data-status", "queued")
    assert queued == [(PdfJob.objects.get().pk,)]
    assert pdf_jobs.render_job(*queued[0])  # what the Celery worker does
    expect(job).to_have_attribute("data-status", "done", timeout=10_000)  # no reload
    with page.expect_download() as download_info:
        page.locator("[data-testid=pdf-job-download]").click()
    pdf_path = tmp_path / "report.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
