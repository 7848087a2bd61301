"""Celery tasks of reporting/snapshots/ (re-exported by reporting/tasks.py for autodiscovery)."""

__all__: list[str] = []
