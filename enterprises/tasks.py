"""The registry's Celery tasks, for Celery's autodiscovery (it looks for
``<app>.tasks``); each lives beside the service it calls."""

from enterprises.importing.tasks import import_check_task, import_commit_task

__all__ = ["import_check_task", "import_commit_task"]
