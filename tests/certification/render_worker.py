"""A real Celery worker process for tests/certification/test_render_worker_killed.py.

Run as ``python tests/certification/render_worker.py`` with the test's
settings module and, in the environment:

- PORTAL_TEST_DB_NAME: the test database (the SQLite file or PostgreSQL name);
- PORTAL_TEST_MEDIA_ROOT: where the test keeps its files;
- PORTAL_TEST_BROKER_DIR: the filesystem broker's folder (unless the broker is Redis);
- PORTAL_TEST_RENDER_DELAY: seconds each certificate render waits first, after
  touching PORTAL_TEST_STARTED (so the test knows a render is under way).

One process (solo pool): kill -9 of its pid kills the render with it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")

from django.conf import settings  # noqa: E402

settings.DATABASES["default"]["NAME"] = os.environ["PORTAL_TEST_DB_NAME"]
settings.MEDIA_ROOT = Path(os.environ["PORTAL_TEST_MEDIA_ROOT"])

import django  # noqa: E402

django.setup()

from certification.certificates import rendering as certificate_pdf  # noqa: E402
from portal.celery import app  # noqa: E402

delay = float(os.environ.get("PORTAL_TEST_RENDER_DELAY", "0"))
if delay:
    real = certificate_pdf.render_certificate_pdfs

    def slow(certificate):
        Path(os.environ["PORTAL_TEST_STARTED"]).touch()
        time.sleep(delay)
        return real(certificate)

    certificate_pdf.render_certificate_pdfs = slow

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
        f"render-test-{os.getpid()}@%h",
    ]
)
