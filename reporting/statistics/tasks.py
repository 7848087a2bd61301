"""Celery tasks of reporting/statistics/ (re-exported by reporting/tasks.py for autodiscovery)."""

from __future__ import annotations

from celery import shared_task

from reporting.statistics import kept

__all__ = ["refresh_statistics_table"]


@shared_task(name="reporting.refresh_statistics_table")
def refresh_statistics_table(
    table_name: str, user_id: int, query: dict[str, str], day: str, language: str
) -> None:
    """Compute a kept statistics table again once its time is up (kept.table)."""
    kept.refresh(table_name, user_id, query, day, language)
