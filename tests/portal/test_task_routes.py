"""Every Celery task of the project goes to the queue of its kind of work
(certificates, reports, imports, notifications) or, named as such, to the default
queue: a task added without a route fails here."""

from __future__ import annotations

import pytest
from django.conf import settings

from portal import settings as production
from portal.celery import app

KINDS = {"certificates", "reports", "imports", "notifications"}
APPS = {"portal", "enterprises", "reviews", "certification", "hazards", "reporting"}


def project_tasks() -> list[str]:
    """The apps' tasks (not Celery's own, nor a test's)."""
    app.loader.import_default_modules()  # autodiscovery, as a worker does at start
    return sorted(name for name in app.tasks if name.split(".")[0] in APPS)


def test_the_project_has_tasks_to_route():
    assert "certification.render_certificate" in project_tasks()
    assert len(project_tasks()) >= 20


@pytest.mark.parametrize("name", project_tasks())
def test_every_task_is_routed_to_a_work_queue_or_by_name_to_the_default(name):
    assert name in production.CELERY_TASK_KINDS, (
        f"{name} has no queue: add it to CELERY_TASK_KINDS in portal/settings_queues.py "
        "(a kind of work, or '' for the default queue)"
    )
    assert production.CELERY_TASK_KINDS[name] in KINDS | {""}


def test_no_route_names_a_task_that_does_not_exist():
    assert set(production.CELERY_TASK_KINDS) <= set(project_tasks())


def test_production_queues_are_named_for_their_kind():
    assert set(production.CELERY_WORK_QUEUES) == KINDS
    assert production.CELERY_TASK_ROUTES["certification.render_certificate"] == {
        "queue": "certificates"
    }
    assert production.CELERY_TASK_ROUTES["enterprises.import_commit"] == {"queue": "imports"}
    assert production.CELERY_TASK_ROUTES["portal.send_daily_digests"] == {"queue": "notifications"}
    assert production.CELERY_TASK_ROUTES["reporting.assessment_run"] == {"queue": "reports"}
    assert production.CELERY_TASK_ROUTES["certification.run_clocks"] == {"queue": "celery"}
    assert [q.name for q in production.CELERY_TASK_QUEUES] == [
        "celery",
        "certificates",
        "reports",
        "imports",
        "notifications",
    ]


def test_a_message_is_published_to_its_kinds_queue_of_this_test_process():
    """The test processes keep their own queues (portal/settings_test.py), so a worker
    one of them starts never takes another's task."""
    own = settings.CELERY_TASK_DEFAULT_QUEUE
    assert own.startswith("portal-test-")
    route = app.amqp.router.route({}, "certification.render_certificate")
    assert (route["queue"].name, route["queue"].routing_key) == (
        f"{own}-certificates",
        f"{own}-certificates",
    )
    assert app.amqp.router.route({}, "certification.run_clocks")["queue"].name == own
    consumed = set(app.amqp.queues)
    assert consumed == {own, *(f"{own}-{kind}" for kind in KINDS)}
