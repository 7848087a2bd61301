"""Celery's autodiscovery looks for ``<app>.tasks``: the hazards app's tasks, each
defined beside what it runs."""

from hazards.standardization import flag_overdue_major_task

__all__ = ["flag_overdue_major_task"]
