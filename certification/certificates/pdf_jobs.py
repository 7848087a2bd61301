"""Report PDFs rendered by Celery, never in the web process.

WeasyPrint's time grows with what users typed (a long note in a table cell
took minutes), so a request only snapshots the report's HTML, after the
view's own access checks, and queues a ``PdfJob``; ``render_job`` renders it
in a worker under settings.PDF_RENDER_TIME_LIMIT. The same document (same
digest, the printing time left out) is rendered once: asking again returns
the job in progress or the finished file.

Renders whose message is lost (a worker killed with kill -9 on kombu's
filesystem broker, which does not deliver an unacknowledged message again)
stay pending: ``requeue_stalled`` (a periodic task) queues again jobs and
certificates pending for longer than settings.RENDER_STALLED_AFTER_SECONDS,
and gives up on a job after MAX_ATTEMPTS starts.
"""

from __future__ import annotations

import hashlib
import logging
import re

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.certificates.limits import time_limits
from certification.models import PdfJob
from certification.models.publicity import stalled_before
from portal import audit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# The line saying when the report was printed changes every minute.
_PRINTED_LINE = re.compile(r'<p[^>]*data-testid="report-date"[^>]*>.*?</p>', re.S)


def content_hash(kind: str, html: str) -> str:
    return hashlib.sha256(f"{kind}\n{_PRINTED_LINE.sub('', html)}".encode()).hexdigest()


def is_stalled(job: PdfJob) -> bool:
    return job.pending and job.queued_at < stalled_before()


def _enqueue(job_id: int) -> None:
    transaction.on_commit(lambda: render_pdf_job_task.apply_async((job_id,), **time_limits()))


def request_pdf(*, user, kind: str, object_id: int, html: str, filename: str) -> PdfJob:
    """The user's job for this document: the one in progress or done, a
    finished file of the same document shared, or a new job queued."""
    digest = content_hash(kind, html)
    same = PdfJob.objects.filter(kind=kind, object_id=object_id, content_hash=digest)
    with transaction.atomic():
        mine = (
            same.filter(requested_by=user)
            .exclude(status=PdfJob.Status.FAILED)
            .order_by("-created_at")
            .first()
        )
        if mine is not None:
            return mine
        now = timezone.now()
        done = (
            same.filter(status=PdfJob.Status.DONE).exclude(file="").order_by("-finished_at").first()
        )
        job = PdfJob(
            kind=kind,
            object_id=object_id,
            requested_by=user,
            content_hash=digest,
            filename=filename,
            queued_at=now,
        )
        if done is not None:  # another user's file of the very same document
            job.source.name, job.file.name = done.source.name, done.file.name
            job.status, job.started_at, job.finished_at = PdfJob.Status.DONE, now, now
            job.save()
        else:
            job.save()
            job.source.save(f"job-{job.pk}.html", ContentFile(html.encode("utf-8")), save=True)
            _enqueue(job.pk)
        audit.record(
            actor=user,
            action="pdf.requested",
            obj=job,
            after={"kind": kind, "object": object_id, "status": job.status},
        )
    return job


def _claim(job_id: int) -> bool:
    """Mark a pending job as rendering (one more attempt); False if it is
    finished already (a duplicate message)."""
    return bool(
        PdfJob.objects.filter(
            pk=job_id,
            status__in=[PdfJob.Status.QUEUED, PdfJob.Status.RENDERING],
        ).update(
            status=PdfJob.Status.RENDERING, started_at=timezone.now(), attempts=F("attempts") + 1
        )
    )


def _finish(job_id: int, **fields) -> None:
    PdfJob.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)


def render_job(job_id: int) -> bool:
    """Render a queued job (the Celery task); records the file or the error."""
    from celery.exceptions import SoftTimeLimitExceeded

    from certification.certificates import pdf

    if not _claim(job_id):
        return False
    job = PdfJob.objects.get(pk=job_id)
    try:
        with job.source.open("rb") as handle:
            html = handle.read().decode("utf-8")
        data = pdf.html_to_pdf(html, css=("report.css",))
    except SoftTimeLimitExceeded:
        _finish(
            job_id,
            status=PdfJob.Status.FAILED,
            error=_("The PDF took longer than %(seconds)d seconds to render.")
            % {"seconds": settings.PDF_RENDER_TIME_LIMIT},
        )
        return False
    except Exception as error:
        logger.exception("Rendering PDF job %s failed", job_id)
        _finish(
            job_id, status=PdfJob.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return False
    job.file.save(f"job-{job.pk}.pdf", ContentFile(data), save=False)
    _finish(job_id, status=PdfJob.Status.DONE, file=job.file.name, error="")
    return True


@shared_task(name="certification.render_pdf_job", acks_late=True, reject_on_worker_lost=True)
def render_pdf_job_task(job_id: int) -> bool:
    """Render a report PDF job (a finished or failed job is left alone)."""
    return render_job(job_id)
