"""Celery tasks of reporting/snapshots/ (re-exported by reporting/tasks.py for autodiscovery)."""

from __future__ import annotations

from celery import shared_task

from reporting.snapshots.store import snapshot_nightly

__all__: list[str] = ["snapshot_nightly_task"]


@shared_task(name="reporting.snapshot_nightly")
def snapshot_nightly_task() -> dict[str, int]:
    """CELERY_BEAT_SCHEDULE "reporting-snapshot-nightly": freeze the ended periods'
    rows, write the open periods' with today's figures."""
    return snapshot_nightly()
