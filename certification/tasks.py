"""Celery's autodiscovery looks for ``<app>.tasks``: the certification app's tasks,
each defined beside the service it calls (so a service that queues work and the
task that does it never import each other in a circle). Running a task twice
does nothing the second time: each service claims its rows first."""

from certification.applications.clocks import run_clocks_task
from certification.applications.reminders import send_reminders_task
from certification.certificates.pdf_jobs import render_pdf_job_task
from certification.certificates.rendering import (
    issue_announcement_pdfs_task,
    render_certificate_task,
)
from certification.certificates.stalled import requeue_stalled_renders_task
from certification.lifecycle.daily import run_lifecycle_task

__all__ = [
    "issue_announcement_pdfs_task",
    "render_certificate_task",
    "render_pdf_job_task",
    "requeue_stalled_renders_task",
    "run_clocks_task",
    "run_lifecycle_task",
    "send_reminders_task",
]
