"""Celery tasks of reporting/worklists/ (re-exported by reporting/tasks.py for autodiscovery)."""

from __future__ import annotations

from celery import shared_task

from reporting.worklists.escalation import escalate

__all__ = ["escalate_worklists"]


@shared_task(name="reporting.escalate_worklists")
def escalate_worklists() -> int:
    """The nightly escalation (beat: portal/settings.py); safe to run twice."""
    return sum(escalate().values())
