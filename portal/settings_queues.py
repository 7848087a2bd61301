"""Celery's queues per kind of work and every task's route (star-imported by
portal/settings.py, like settings_rules.py)."""

from __future__ import annotations

from typing import Any

# One queue per kind of work, each consumed by its own workers (docs/deployment.md), so
# that an announcement's certificate PDFs never wait behind a night's reports. Every task
# is routed (tests/portal/test_task_routes.py): to its kind's queue, or ("") to the
# default queue: the short periodic checks, which queue any long work elsewhere. A worker
# started without -Q consumes every queue (the embedded mode, scripts/run).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_WORK_QUEUES = ("certificates", "reports", "imports", "notifications")
CELERY_TASK_KINDS = {
    "certification.render_certificate": "certificates",
    "certification.issue_announcement_pdfs": "certificates",
    "certification.render_pdf_job": "certificates",  # the assessments' report PDFs
    "reporting.assessment_run": "reports",
    "reporting.assessment_render": "reports",
    "reporting.assessment_after_close": "reports",
    "reporting.snapshot_nightly": "reports",
    "reporting.standing_nightly": "reports",  # the warning list and the tiers
    "reporting.refresh_statistics_table": "reports",  # a kept table past its time
    "reporting.refresh_worklist_counts": "reports",  # the dashboards' kept counts
    "hazards.build_quarterly_table": "reports",
    "hazards.quarterly_tables": "reports",
    "enterprises.import_check": "imports",
    "enterprises.import_commit": "imports",
    "portal.send_daily_digests": "notifications",
    "certification.send_reminders": "notifications",
    "hazards.self_report_reminders": "notifications",
    "certification.run_clocks": "",
    "certification.run_lifecycle": "",
    "certification.requeue_stalled_renders": "",
    "hazards.flag_overdue_major": "",
    "reporting.escalate_worklists": "",
    "reporting.assessment_requeue_stalled": "",
}


def celery_routing(default_queue: str, prefix: str = "") -> tuple[dict[str, Any], list[Any]]:
    """CELERY_TASK_ROUTES and CELERY_TASK_QUEUES; the work queues' names start with
    ``prefix`` (the tests: one set of queues per process, portal/settings_test.py)."""
    from kombu import Exchange, Queue

    def queue(name: str) -> Queue:
        return Queue(name, Exchange(name), routing_key=name)

    routes = {
        name: {"queue": f"{prefix}{kind}" if kind else default_queue}
        for name, kind in CELERY_TASK_KINDS.items()
    }
    return routes, [queue(default_queue), *(queue(prefix + kind) for kind in CELERY_WORK_QUEUES)]


CELERY_TASK_ROUTES, CELERY_TASK_QUEUES = celery_routing(CELERY_TASK_DEFAULT_QUEUE)
