"""Celery's autodiscovery looks for ``<app>.tasks``: the hazards app's tasks, each
defined beside what it runs."""

from hazards.selfreports.reminders import self_report_reminders_task
from hazards.selfreports.tables import build_table_task, quarterly_tables_task
from hazards.standardization import flag_overdue_major_task

__all__ = ["flag_overdue_major_task"]
__all__ += ["build_table_task", "quarterly_tables_task", "self_report_reminders_task"]
