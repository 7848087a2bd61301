"""A worker killed with kill -9 in the middle of a batch of reports: one report is
written, the next is drafted but not rendered, the message is gone; the periodic
re-queue sends the run again once it has been pending RENDER_STALLED_AFTER_SECONDS,
and a new worker finishes it: every report exactly once, each with its files."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from reporting.assessment import services
from reporting.assessment.models import AssessmentReport, ReportRun
from tests.certification.test_render_worker_killed import broker, stop, wait_until  # noqa: F401

WORKER = Path(__file__).with_name("run_worker.py")


def start_worker(tmp_path, broker_dir, *, delay: float) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings_test",
        "PORTAL_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "PORTAL_TEST_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "PORTAL_TEST_BROKER_DIR": str(broker_dir or ""),
        "PORTAL_TEST_RENDER_DELAY": str(delay),
        "PORTAL_TEST_STARTED": str(tmp_path / "render-started"),
        "PYTEST_XDIST_WORKER": os.environ.get("PYTEST_XDIST_WORKER", "main"),
    }
    log = open(tmp_path / f"worker-{time.monotonic_ns()}.log", "wb")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, str(WORKER)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=str(WORKER.parents[3]),
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_batch_killed_mid_way_is_queued_again_and_writes_every_report_once(
    tmp_path,
    broker,  # noqa: F811
    settings,
):
    from tests.cast import build_cast
    from tests.reporting.assessment.world import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_STALLED_AFTER_SECONDS = 600
    cast = build_cast()
    build_world()
    run = services.start_run(
        actor=cast.city, level="city", region=None, period_kind="quarter", period_code="2024-Q2"
    )

    worker = start_worker(tmp_path, broker, delay=60)
    try:
        wait_until((tmp_path / "render-started").exists, 150, "rendering the second report")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        stop(worker)
    if broker is not None:  # the filesystem broker has nothing left to deliver
        assert [p for p in broker.iterdir() if p.is_file()] == []
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == ("running", 1, 2)
    assert AssessmentReport.objects.count() == 2
    assert AssessmentReport.objects.filter(pdf="").count() == 1

    assert services.requeue_stalled_runs() == 0  # not stalled yet
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=601), tick=False):
        assert services.requeue_stalled_runs() == 1
    worker = start_worker(tmp_path, broker, delay=0)
    try:
        wait_until(lambda: ReportRun.objects.filter(pk=run.pk, status="done").exists(), 90, "done")
    finally:
        stop(worker)
    run.refresh_from_db()
    assert (run.done, run.total, run.attempts) == (2, 2, 2)
    assert sorted(AssessmentReport.objects.values_list("unit_key", "version")) == [
        ("110105", 1),
        ("110108", 1),
    ]
    assert not AssessmentReport.objects.filter(pdf="").exists()
    assert not AssessmentReport.objects.filter(xlsx="").exists()
