"""Celery tasks of reporting/worklists/ (re-exported by reporting/tasks.py for autodiscovery)."""

from __future__ import annotations

from celery import shared_task

from reporting.worklists.escalation import escalate
from reporting.worklists.registry import recount

__all__ = ["escalate_worklists", "refresh_worklist_counts"]


@shared_task(name="reporting.escalate_worklists")
def escalate_worklists() -> int:
    """The nightly escalation (beat: portal/settings.py); safe to run twice."""
    return sum(escalate().values())


@shared_task(name="reporting.refresh_worklist_counts")
def refresh_worklist_counts(user_id: int, day: str) -> None:
    """Count an organisation's worklists again once its kept counts' time is up."""
    recount(user_id, day)
