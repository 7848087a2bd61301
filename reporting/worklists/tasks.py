"""Celery tasks of reporting/worklists/ (re-exported by reporting/tasks.py for autodiscovery)."""

__all__: list[str] = []
