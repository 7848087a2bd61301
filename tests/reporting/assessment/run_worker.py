"""A real Celery worker process for tests/reporting/assessment/test_run_worker_killed.py
(the same set-up as tests/certification/render_worker.py).

Environment: PORTAL_TEST_DB_NAME, PORTAL_TEST_MEDIA_ROOT, PORTAL_TEST_BROKER_DIR as
there; PORTAL_TEST_RENDER_DELAY: seconds the second report's render of a run waits
first, after touching PORTAL_TEST_STARTED (so the test kills the worker mid-batch,
one report done)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")

from django.conf import settings  # noqa: E402

settings.DATABASES["default"]["NAME"] = os.environ["PORTAL_TEST_DB_NAME"]
settings.MEDIA_ROOT = Path(os.environ["PORTAL_TEST_MEDIA_ROOT"])

import django  # noqa: E402

django.setup()

from portal.celery import app  # noqa: E402
from reporting.assessment import services  # noqa: E402

delay = float(os.environ.get("PORTAL_TEST_RENDER_DELAY", "0"))
if delay:
    real = services.render
    rendered: list[int] = []

    def slow(report):
        rendered.append(report.pk)
        if len(rendered) == 2:
            Path(os.environ["PORTAL_TEST_STARTED"]).touch()
            time.sleep(delay)
        return real(report)

    services.render = slow

app.conf.task_always_eager = False
if app.conf.broker_url.startswith("filesystem://"):
    folder = Path(os.environ["PORTAL_TEST_BROKER_DIR"])
    app.conf.broker_transport_options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
        "control_folder": str(folder / "control"),
    }
app.worker_main(
    [
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--loglevel=WARNING",
        "-Q",
        ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES),  # this process's
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        "-n",
        f"assessment-test-{os.getpid()}@%h",
    ]
)
