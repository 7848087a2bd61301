"""Report PDFs rendered by Celery within a time limit (certification/certificates/pdf_jobs.py),
never in the web process; the job's page polls until the file is ready; the
same document is rendered once; stalled renders (jobs and certificates) are
queued again by a periodic task."""

from __future__ import annotations

import datetime

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certification.certificates import pdf, pdf_jobs, stalled
from certification.models import Certificate, PdfJob
from certification.tasks import render_pdf_job_task, requeue_stalled_renders_task
from portal.models import AuditEvent
from tests.certification.factories import reported_application, submitted_assessment
from tests.certification.test_certificate_pdf import announced


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(db):
    from tests.certification.factories import make_tiered_version

    return make_tiered_version()


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def renders(monkeypatch):
    """The report PDFs WeasyPrint renders (their HTML)."""
    real, calls = pdf.html_to_pdf, []

    def counting(html, **kwargs):
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    return calls


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """A request as outside a test transaction: what it queues runs (eager) when it commits."""

    def get(client, url):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(url)

    return get


def assessment_url(cast, version):
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    return reverse("certification:assessment_pdf", args=[assessment.pk])


def test_the_report_link_queues_a_job_instead_of_rendering_in_the_request(
    cast, version, en, renders
):
    url = assessment_url(cast, version)
    en.force_login(cast.enterprise)

    response = en.get(url)  # the test's transaction never commits: nothing runs

    assert response.status_code == 302
    job = PdfJob.objects.get()
    assert response.url == reverse("certification:pdf_job", args=[job.pk])
    assert (job.status, job.requested_by, renders) == ("queued", cast.enterprise, [])
    page = en.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'data-testid="pdf-job-pending"' in page
    assert "<script>" not in page.split("</head>", 1)[-1]
    assert AuditEvent.objects.filter(action="pdf.requested", object_id=job.pk).exists()


def test_the_job_page_shows_the_link_once_rendered_and_opening_again_renders_nothing(
    cast, version, en, renders, commit
):
    url = assessment_url(cast, version)
    en.force_login(cast.enterprise)

    first = commit(en, url)
    page = en.get(first.url).content.decode()
    job = PdfJob.objects.get()
    assert job.status == "done" and len(renders) == 1 and job.attempts == 1
    assert 'data-testid="pdf-job-download"' in page and "every 2s" not in page
    download = en.get(reverse("certification:pdf_job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    assert commit(en, url).url == first.url  # the same job, not rendered again
    assert len(renders) == 1

    # The district sees the same report: it gets its own job with the same file.
    en.force_login(cast.district)
    district = commit(en, url)
    assert district.url != first.url and len(renders) == 1
    theirs = PdfJob.objects.get(requested_by=cast.district)
    assert theirs.status == "done" and theirs.file.name == job.file.name


def test_a_job_is_for_its_requester_and_only_while_they_see_the_report(
    cast, version, client_for, commit
):
    url = assessment_url(cast, version)
    commit(client_for(cast.enterprise), url)
    job = PdfJob.objects.get()
    page = reverse("certification:pdf_job", args=[job.pk])
    download = reverse("certification:pdf_job_download", args=[job.pk])
    for who in ("other_enterprise", "other_district", "district"):
        client = client_for(getattr(cast, who))
        assert client.get(page).status_code == 404, who
        assert client.get(download).status_code == 404, who
    # The report leaves the requester's sight: so does the job.
    PdfJob.objects.filter(pk=job.pk).update(object_id=job.object_id + 10_000)
    assert client_for(cast.enterprise).get(page).status_code == 404


def test_the_review_report_job_runs_the_report_checks(cast, version, client_for, commit):
    application = reported_application(cast, version)
    url = reverse("certification:review_report_pdf", args=[application.pk])
    assert commit(client_for(cast.enterprise), url).status_code == 403
    assert commit(client_for(cast.other_district), url).status_code == 404
    assert not PdfJob.objects.exists()
    response = commit(client_for(cast.reviewer), url)
    job = PdfJob.objects.get()
    assert response.status_code == 302 and job.status == "done", job.error


def test_a_render_over_the_time_limit_fails_with_a_message(
    cast, version, en, monkeypatch, commit, settings
):
    settings.PDF_RENDER_TIME_LIMIT = 45
    queued = []
    real_apply_async = render_pdf_job_task.apply_async

    def apply_async(args, **options):
        queued.append(options)
        return real_apply_async(args, **options)

    def too_slow(html, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(render_pdf_job_task, "apply_async", apply_async)
    monkeypatch.setattr(pdf, "html_to_pdf", too_slow)
    en.force_login(cast.enterprise)
    url = assessment_url(cast, version)

    response = commit(en, url)

    assert queued == [{"soft_time_limit": 45, "time_limit": 75}]
    job = PdfJob.objects.get()
    assert job.status == "failed" and "longer than 45 seconds" in job.error
    page = en.get(response.url).content.decode()
    assert 'data-testid="pdf-job-error"' in page and "longer than 45 seconds" in page
    # Opening the link again tries once more.
    monkeypatch.undo()
    again = commit(en, url)
    assert again.url != response.url
    assert PdfJob.objects.get(pk=int(again.url.rstrip("/").rsplit("/", 1)[-1])).status == "done"


def test_a_stalled_job_shows_so_and_is_queued_again(
    cast, version, en, renders, settings, django_capture_on_commit_callbacks
):
    settings.RENDER_STALLED_AFTER_SECONDS = 60
    en.force_login(cast.enterprise)
    en.get(assessment_url(cast, version))  # queued; its message "lost"
    job = PdfJob.objects.get()
    PdfJob.objects.filter(pk=job.pk).update(
        status="rendering", attempts=1, queued_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    page = en.get(reverse("certification:pdf_job", args=[job.pk])).content.decode()
    assert 'data-status="stalled"' in page and 'data-testid="pdf-job-stalled"' in page

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stalled_renders_task.delay().get()["jobs"] == 1
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and len(renders) == 1


def test_a_job_that_keeps_stalling_is_given_up(cast, version, en, settings):
    settings.RENDER_STALLED_AFTER_SECONDS = 60
    en.force_login(cast.enterprise)
    en.get(assessment_url(cast, version))
    PdfJob.objects.update(
        status="rendering",
        attempts=pdf_jobs.MAX_ATTEMPTS,
        queued_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    assert stalled.requeue_stalled()["jobs_failed"] == 1
    job = PdfJob.objects.get()
    assert job.status == "failed" and "did not finish" in job.error


# --- stalled certificate renders -------------------------------------------------------------


def test_lost_certificate_renders_show_as_stalled_and_are_queued_again(
    cast, version, en, client, settings
):
    settings.RENDER_STALLED_AFTER_SECONDS = 60
    batch, certificates = announced(cast, version, count=2)  # their render messages "lost"
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
        render_queued_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    batch.pdfs_total = 2
    batch.save(update_fields=["pdfs_total"])
    en.force_login(cast.district)

    page = en.get(reverse("certification:announcements")).content.decode()
    assert "0 of 2" in page and 'data-testid="pdf-stalled"' in page and "2 stalled" in page
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(cast.district)
    assert api.get(f"/api/v1/announcements/{batch.pk}/pdfs/").json()["stalled"] == 2

    assert requeue_stalled_renders_task.delay().get()["certificates"] == 2
    batch.refresh_from_db()
    assert (batch.pdfs_done, batch.pdfs_failed, batch.pdfs_stalled) == (2, 0, 0)
    page = en.get(reverse("certification:announcements")).content.decode()
    assert "2 of 2" in page and "stalled" not in page


def test_recently_queued_renders_are_not_stalled(cast, version, settings):
    settings.RENDER_STALLED_AFTER_SECONDS = 600
    batch, certificates = announced(cast, version)
    Certificate.objects.update(render_queued_at=timezone.now())
    batch.pdfs_total = 1
    assert batch.pdfs_stalled == 0
    assert stalled.requeue_stalled()["certificates"] == 0


def test_the_beat_schedule_queues_stalled_renders_again():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stalled-renders"]
    assert entry["task"] == requeue_stalled_renders_task.name
