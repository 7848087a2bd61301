"""Renders whose Celery message was lost (a worker killed mid-render: kombu's
filesystem broker does not deliver the message again) are queued again by a
periodic job (CELERY_BEAT_SCHEDULE "requeue-stalled-renders")."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.certificates import rendering as certificate_pdf
from certification.certificates.pdf_jobs import MAX_ATTEMPTS, _enqueue, _finish
from certification.models import PdfJob
from certification.models.publicity import stalled_before

logger = logging.getLogger(__name__)


def requeue_stalled() -> dict:
    """Queue again what has been pending longer than the setting: PDF jobs
    (failed after MAX_ATTEMPTS starts) and certificate renders."""
    cutoff = stalled_before()
    requeued = given_up = 0
    stalled = list(
        PdfJob.objects.filter(
            status__in=[PdfJob.Status.QUEUED, PdfJob.Status.RENDERING],
            queued_at__lt=cutoff,
        ).values_list("pk", "attempts")
    )
    for job_id, attempts in stalled:
        with transaction.atomic():
            if attempts >= MAX_ATTEMPTS:
                _finish(
                    job_id,
                    status=PdfJob.Status.FAILED,
                    error=_("The PDF did not finish after %(n)d attempts.") % {"n": attempts},
                )
                given_up += 1
                continue
            PdfJob.objects.filter(pk=job_id).update(
                status=PdfJob.Status.QUEUED, queued_at=timezone.now()
            )
            _enqueue(job_id)
            requeued += 1
    certificates = certificate_pdf.requeue_stalled(cutoff)
    if requeued or given_up or certificates:
        logger.warning(
            "Stalled renders queued again: %d PDF job(s), %d certificate(s); %d job(s) given up",
            requeued,
            certificates,
            given_up,
        )
    return {"jobs": requeued, "jobs_failed": given_up, "certificates": certificates}


@shared_task(name="certification.requeue_stalled_renders")
def requeue_stalled_renders_task() -> dict:
    """Every few minutes (CELERY_BEAT_SCHEDULE "requeue-stalled-renders"):
    queue again the PDF renders whose message was lost."""
    return requeue_stalled()
