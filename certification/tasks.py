"""Celery tasks of applications: they call a service; running one twice does
nothing the second time (the service claims each reminder first)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="certification.send_reminders")
def send_reminders_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind due and overdue steps."""
    from certification.applications.reminders import send_reminders

    return send_reminders()


# --- certificate PDFs (certification/certificates/rendering.py) --------------------------------
# Late acknowledgement: with Redis a message whose worker was killed before
# acknowledging it is delivered again after the broker's visibility_timeout.
# kombu's filesystem broker (the embedded mode) removes a message when a
# worker takes it, so a killed worker loses it: the render stays pending until
# the periodic requeue_stalled task below queues it again. Rendering twice is
# harmless (the same two file names are overwritten; the batch counters move
# only when the certificate's state changes). Every PDF task gets Celery's
# soft and hard time limits from pdf_jobs.time_limits() when queued.


@shared_task(
    name="certification.render_certificate",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    default_retry_delay=10,
)
def render_certificate_task(self, certificate_id: int, force: bool = False) -> bool:
    """Render one certificate's PDF and plaque; retried with exponential
    backoff (10 s, 20 s, 40 s … at most 10 minutes) when it fails."""
    from certification.certificates import rendering as certificate_pdf
    from certification.models import Certificate

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return False
    if not force and certificate_pdf.is_rendered(certificate):
        return False
    try:
        certificate_pdf.render_certificate(certificate_id)
    except Exception as error:
        if self.request.is_eager:  # tests and CELERY_TASK_ALWAYS_EAGER: no waiting
            raise
        countdown = min(600, 10 * 2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from error
    return True


@shared_task(
    name="certification.issue_announcement_pdfs", acks_late=True, reject_on_worker_lost=True
)
def issue_announcement_pdfs_task(announcement_id: int) -> int:
    """Fan out one render task per certificate of the announcement not
    rendered yet (enqueued when an announcement commits; safe to run again)."""
    from certification.certificates.rendering import issue_announcement_pdfs

    return issue_announcement_pdfs(announcement_id)


# --- report PDFs and stalled renders (certification/certificates/pdf_jobs.py) -------------------------


@shared_task(name="certification.render_pdf_job", acks_late=True, reject_on_worker_lost=True)
def render_pdf_job_task(job_id: int) -> bool:
    """Render a report PDF job (a finished or failed job is left alone)."""
    from certification.certificates.pdf_jobs import render_job

    return render_job(job_id)


@shared_task(name="certification.requeue_stalled_renders")
def requeue_stalled_renders_task() -> dict:
    """Every few minutes (CELERY_BEAT_SCHEDULE "requeue-stalled-renders"):
    queue again the PDF renders whose message was lost."""
    from certification.certificates.pdf_jobs import requeue_stalled

    return requeue_stalled()


# --- certificate lifecycle (certification/lifecycle/rules.py) ---------------------------------


@shared_task(name="certification.run_lifecycle")
def run_lifecycle_task() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE "certificate-lifecycle"): annual
    self-assessments fulfilled, overdue recorded, expiry, reminders, renewal
    notices. Each step claims its rows: a second run the same day does nothing."""
    from certification.lifecycle.daily import run_daily

    return run_daily()
