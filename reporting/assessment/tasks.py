"""Celery tasks of the assessment (re-exported by reporting/tasks.py for autodiscovery)."""

from __future__ import annotations

from celery import shared_task

from portal.db_router import reads_from_replica
from reporting.assessment import services

__all__: list[str] = [
    "assessment_after_close_task",
    "render_report_task",
    "requeue_stalled_runs_task",
    "run_reports_task",
]


@shared_task(
    name="reporting.assessment_run",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    default_retry_delay=60,
)
@reads_from_replica()  # after its claim, only once the replica has it (portal/db_router.py)
def run_reports_task(self, run_id: int) -> bool:
    """Build and render the reports of a run; a failure is retried (a re-run writes
    only what is missing)."""
    try:
        return services.run_reports(run_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            from reporting.assessment.models import ReportRun

            ReportRun.objects.filter(pk=run_id).update(
                status=ReportRun.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
            )
            raise
        raise self.retry(exc=error) from None


@shared_task(name="reporting.assessment_render", acks_late=True, reject_on_worker_lost=True)
@reads_from_replica()
def render_report_task(report_id: int) -> bool:
    """Render a report version's PDF and xlsx (a rendered version is left alone)."""
    return services.render_report(report_id)


@shared_task(name="reporting.assessment_after_close")
def assessment_after_close_task() -> list[int]:
    """CELERY_BEAT_SCHEDULE "reporting-assessment-after-close": the reports of the
    quarter and year that closed, once their snapshot is frozen."""
    return [run.pk for run in services.start_after_close()]


@shared_task(name="reporting.assessment_requeue_stalled")
def requeue_stalled_runs_task() -> int:
    """CELERY_BEAT_SCHEDULE "reporting-assessment-requeue-stalled": runs whose message
    was lost with a killed worker are queued again."""
    return services.requeue_stalled_runs()
