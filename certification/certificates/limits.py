"""How long a PDF rendering may take (setting PDF_RENDER_TIME_LIMIT). When a queued
one counts as stalled is certification.models.publicity.stalled_before."""

from __future__ import annotations

from django.conf import settings


def time_limits() -> dict:
    """Celery's soft limit (the task fails with a message) and hard limit
    (the worker process is killed) of one PDF rendering."""
    soft = settings.PDF_RENDER_TIME_LIMIT
    return {"soft_time_limit": soft, "time_limit": soft + 30}
