"""PDFs of reports rendered in the background (certification/certificates/pdf_jobs.py).

A page that offers a report as PDF keeps its access checks, snapshots the
report's HTML and queues a job; the Celery task renders it within a time
limit. A job belongs to the user who asked for it; its page and download
check again that this user still sees the report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import BoundedTextField


def pdf_job_path(job: PdfJob, filename: str) -> str:
    return f"pdf-jobs/{timezone.now():%Y/%m}/{filename}"


class PdfJob(models.Model):
    class Kind(models.TextChoices):
        ASSESSMENT_REPORT = "assessment_report", _("Self-assessment report")
        REVIEW_REPORT = "review_report", _("On-site review report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The report's HTML as the user saw it, and its digest without the
    # printing time: the same digest is the same document, rendered once.
    source = models.FileField(upload_to=pdf_job_path, max_length=300)
    content_hash = models.CharField(max_length=64)
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=pdf_job_path, max_length=300, blank=True)
    error = BoundedTextField(max_length=2000, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "object_id", "content_hash"], name="pdfjob_content_idx"),
            models.Index(fields=["status", "queued_at"], name="pdfjob_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)
