"""Against a real PostgreSQL streaming replica (scripts/replica_check starts one and
sets DATABASE_REPLICA_URL; skipped without it). Pausing the replica's replay makes
its lag visible: a dashboard then shows the replica's rows, not the primary's; a
unit of work that writes reads its write back from the primary, and the replica
again once it has replayed that write; migrations never run on the replica."""

from __future__ import annotations

import os
import time

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.signals import request_started
from django.db import connections, router
from django.db.utils import InternalError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Enterprise
from portal.db_router import PRIMARY, REPLICA, reads_from_replica
from tests.cast import build_cast, make_enterprise

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_REPLICA_URL"),
        reason="needs a streaming replica (scripts/replica_check)",
    ),
    pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA]),
]


def sql(alias: str, query: str) -> object:
    with connections[alias].cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()[0]


def wait_for_replay(timeout: float = 20) -> None:
    target = sql(PRIMARY, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while not sql(REPLICA, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
        assert time.monotonic() < deadline, f"the replica has not replayed {target}"
        time.sleep(0.05)


def pause_replay() -> None:
    """The replica stays as it is now (all the primary has written so far)."""
    wait_for_replay()
    sql(REPLICA, "SELECT pg_wal_replay_pause()")


@pytest.fixture
def resume_replay():
    resume = lambda: sql(REPLICA, "SELECT pg_wal_replay_resume()")  # noqa: E731
    yield resume
    resume()


def test_the_dashboard_shows_a_new_row_only_once_the_replica_has_it(client, resume_replay):
    assert sql(REPLICA, "SELECT pg_is_in_recovery()") is True
    cast = build_cast()
    client.force_login(cast.city)
    pause_replay()
    new = make_enterprise("北京复制延迟测试有限公司", cast.chaoyang, 9901)  # on the primary

    page = client.get(reverse("dashboards:uncertified"))
    assert page.status_code == 200
    assert cast.ent.name in page.content.decode()
    assert new.name not in page.content.decode()  # the replica has not replayed it

    resume_replay()
    wait_for_replay()
    assert new.name in client.get(reverse("dashboards:uncertified")).content.decode()


def test_a_unit_that_writes_reads_its_write_back_from_the_primary(resume_replay):
    cast = build_cast()
    pause_replay()
    request_started.send(sender=None)  # a new unit of work, as a request starts one
    with reads_from_replica():
        new = make_enterprise("北京读己之写测试有限公司", cast.chaoyang, 9902)
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert Enterprise.objects.filter(pk=new.pk).exists()  # the primary's answer
            assert router.db_for_read(Enterprise) == PRIMARY
    # The replica was only asked whether it has replayed the write (not yet: paused).
    assert on_replica.captured_queries
    assert all("pg_last_wal_replay_lsn" in q["sql"] for q in on_replica.captured_queries)

    resume_replay()
    wait_for_replay()
    with reads_from_replica(), CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert Enterprise.objects.filter(pk=new.pk).exists()  # now the replica's answer
    assert any("enterprises_enterprise" in q["sql"] for q in on_replica.captured_queries)


def test_reads_outside_a_reader_never_touch_the_replica(client):
    cast = build_cast()
    client.force_login(cast.city)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(reverse("enterprises:list")).status_code == 200
    assert on_replica.captured_queries == []


def test_migrations_never_run_on_the_replica():
    assert not any(router.allow_migrate_model(REPLICA, model) for model in apps.get_models())
    tables = sql(REPLICA, "SELECT count(*) FROM pg_tables")
    call_command("migrate", database=REPLICA, verbosity=0, interactive=False)
    assert sql(REPLICA, "SELECT count(*) FROM pg_tables") == tables
    with pytest.raises(InternalError, match="read-only"):
        sql(REPLICA, "CREATE TABLE portal_never (id int)")
