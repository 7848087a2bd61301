"""A worker killed with kill -9 in the middle of a certificate render: the
message is gone (kombu's filesystem broker never delivers it again; Redis
would only after its visibility_timeout), the batch's progress says
"stalled" once the render has been pending longer than the setting, the
periodic re-queue puts it back, and a new worker renders it."""

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

from certification.certificates import rendering as certificate_pdf
from certification.certificates import stalled
from certification.models import AnnouncementBatch, Certificate
from certification.publicity import rules as publicity
from tests.certification.test_publicity import AFTER, MONDAY, published

WORKER = Path(__file__).with_name("render_worker.py")


def _drop_broker_connections(app) -> None:
    # Pools made with the old broker options are forgotten (as after a fork).
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path):
    """The project's Celery app publishing for real: to a filesystem broker
    in a tmp folder, or to the Redis of CELERY_BROKER_URL (CI on PostgreSQL)."""
    from portal.celery import app

    folder = tmp_path / "broker"
    (folder / "processed").mkdir(parents=True)
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_transport_options")}
    app.conf.task_always_eager = False
    if app.conf.broker_url.startswith("filesystem://"):
        app.conf.broker_transport_options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        }
    else:
        channel = app.connection_for_write().default_channel
        for queue in django_settings.CELERY_TASK_QUEUES:  # this process's queues
            channel.queue_purge(queue.name)
    _drop_broker_connections(app)
    try:
        yield folder if app.conf.broker_url.startswith("filesystem://") else None
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        _drop_broker_connections(app)


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
        cwd=str(WORKER.parents[2]),
    )


def wait_until(test, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(0.1)
    raise AssertionError(f"not {what} after {timeout} s")


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.kill()
    worker.wait(10)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_render_lost_with_its_killed_worker_is_shown_stalled_and_queued_again(
    tmp_path, broker, settings, monkeypatch
):
    from tests.cast import build_cast
    from tests.certification.factories import make_tiered_version

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_STALLED_AFTER_SECONDS = 30
    cast = build_cast()
    version = make_tiered_version()
    with time_machine.travel(MONDAY):
        _, apps = published(cast, version, count=1)
    # The announcement's own fan-out runs here and queues nothing: the test
    # queues the one render message itself.
    from portal.celery import app

    app.conf.task_always_eager = True
    try:
        with monkeypatch.context() as held:
            held.setattr(certificate_pdf, "enqueue_renders", lambda ids: None)
            with time_machine.travel(AFTER):
                batch = publicity.announcement_create(actor=cast.district, applications=apps)
    finally:
        app.conf.task_always_eager = False
    pending = certificate_pdf.pending_certificates(batch.pk)
    assert certificate_pdf.issue_announcement_pdfs(batch.pk) == 1
    certificate = pending.get()

    worker = start_worker(tmp_path, broker, delay=60)
    try:
        wait_until((tmp_path / "render-started").exists, 20, "rendering")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        stop(worker)
    if broker is not None:  # the filesystem broker has nothing left to deliver
        assert [p for p in broker.iterdir() if p.is_file()] == []

    certificate.refresh_from_db()
    assert certificate.rendered_at is None and certificate.render_error == ""
    batch = AnnouncementBatch.objects.get(pk=batch.pk)
    assert (batch.pdfs_done, batch.pdfs_failed, batch.pdfs_stalled) == (0, 0, 0)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31), tick=False):
        assert batch.pdfs_stalled == 1
        assert stalled.requeue_stalled()["certificates"] == 1
        assert batch.pdfs_stalled == 0  # queued again just now
    worker = start_worker(tmp_path, broker, delay=0)
    try:
        wait_until(
            lambda: Certificate.objects.filter(
                pk=certificate.pk, rendered_at__isnull=False
            ).exists(),
            25,
            "rendered",
        )
    finally:
        stop(worker)
    batch.refresh_from_db()
    assert (batch.pdfs_total, batch.pdfs_done, batch.pdfs_failed, batch.pdfs_stalled) == (
        1,
        1,
        0,
        0,
    )
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.plaque_pdf
