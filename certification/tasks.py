"""Celery tasks of applications: they call a service; running one twice does
nothing the second time (the service claims each reminder first)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="certification.send_reminders")
def send_reminders_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind due and overdue steps."""
    from certification.reminders import send_reminders

    return send_reminders()
