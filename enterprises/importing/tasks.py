"""Celery tasks of the import: they take ids and call a service; running one
twice does nothing the second time (the services claim the job first)."""

from __future__ import annotations

from celery import shared_task

from enterprises.importing.service import import_job_check, import_job_write


@shared_task(name="enterprises.import_check")
def import_check_task(job_id: int) -> None:
    import_job_check(job_id=job_id)


@shared_task(name="enterprises.import_commit")
def import_commit_task(job_id: int) -> None:
    import_job_write(job_id=job_id)
