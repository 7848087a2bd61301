"""The read replica's rules (portal/db_router.py), on any database: without
DATABASE_REPLICA_URL there is one database and no router; with it, only the
dashboards', reports' and exports' reads go to the replica, never a read that
follows a write of the same request or task, never inside a transaction, and
migrations never run there. tests/portal/test_replica.py runs the same against a
real streaming replica (scripts/replica_check)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from celery import shared_task
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_started
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from enterprises.models import Enterprise
from portal import db_router
from portal.db_router import PRIMARY, REPLICA, ReplicaRouter, reads_from_replica

SETTINGS = Path(__file__).resolve().parents[2] / "portal" / "settings.py"
router = ReplicaRouter()


def load_settings(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://portal@db.example:5432/portal")
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_a_replica_there_is_one_database_and_no_router(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path)
    assert list(loaded["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in loaded


def test_a_replica_url_adds_the_alias_and_the_router(monkeypatch, tmp_path):
    loaded = load_settings(
        monkeypatch, tmp_path, DATABASE_REPLICA_URL="postgres://portal@replica.example:5432/portal"
    )
    replica = loaded["DATABASES"]["replica"]
    assert (replica["HOST"], replica["NAME"]) == ("replica.example", "portal")
    assert replica["OPTIONS"] == loaded["DATABASES"]["default"]["OPTIONS"]  # no JIT there either
    assert loaded["DATABASE_ROUTERS"] == ["portal.db_router.ReplicaRouter"]


def test_a_replica_of_another_kind_of_database_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL"):
        load_settings(monkeypatch, tmp_path, DATABASE_REPLICA_URL="sqlite:///elsewhere.sqlite3")


@pytest.fixture
def fresh_unit(django_db_blocker):
    """Each test starts as a new request does. (A request's start also closes the
    connections an earlier test left unusable: that may touch the database.)"""
    with django_db_blocker.unblock():
        request_started.send(sender=None)
    yield
    with django_db_blocker.unblock():
        request_started.send(sender=None)


def test_reads_stay_on_the_primary_unless_a_reader_asks(fresh_unit):
    assert router.db_for_read(Enterprise) == PRIMARY
    with reads_from_replica():
        assert router.db_for_read(Enterprise) == REPLICA
    assert router.db_for_read(Enterprise) == PRIMARY


def after_a_write() -> str:
    """Where a unit's reads go after its write, here: with SQLite the primary for the
    rest of the unit; with PostgreSQL the replica as soon as it has replayed the write,
    and this test alias is the primary itself, so at once (a real standby that has
    not: tests/portal/test_replica.py)."""
    return REPLICA if connections[PRIMARY].vendor == "postgresql" else PRIMARY


@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_writes_go_to_the_primary_and_keep_the_units_reads_there(replica_alias, fresh_unit):
    with reads_from_replica():
        assert router.db_for_write(Enterprise) == PRIMARY
        assert router.db_for_read(Enterprise) == after_a_write()


@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_a_write_before_the_reader_keeps_it_on_the_primary(replica_alias, fresh_unit):
    router.db_for_write(Enterprise)  # e.g. an audit event, then a dashboard
    with reads_from_replica():
        assert router.db_for_read(Enterprise) == after_a_write()


def test_the_next_request_reads_from_the_replica_again(fresh_unit):
    router.db_for_write(Enterprise)
    request_started.send(sender=None)
    with reads_from_replica():
        assert router.db_for_read(Enterprise) == REPLICA


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_stay_on_the_primary(fresh_unit):
    with reads_from_replica():
        with transaction.atomic():
            assert router.db_for_read(Enterprise) == PRIMARY
        assert router.db_for_read(Enterprise) == REPLICA


def test_a_decorated_function_reads_from_the_replica_only_while_it_runs(fresh_unit):
    @reads_from_replica()
    def report() -> str:
        return router.db_for_read(Enterprise)

    assert (report(), router.db_for_read(Enterprise)) == (REPLICA, PRIMARY)


@shared_task(name="tests.replica_writer")
def replica_writer(write: bool) -> str:
    inside = router.db_for_read(Enterprise)
    if write:
        router.db_for_write(Enterprise)
    return inside


@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_a_task_starts_afresh_and_gives_its_caller_its_own_state_back(replica_alias, fresh_unit):
    with reads_from_replica():
        assert replica_writer.apply(args=(False,)).get() == PRIMARY  # not a replica reader
        assert router.db_for_read(Enterprise) == REPLICA
        router.db_for_write(Enterprise)  # the request wrote, then ran the task eagerly
        replica_writer.apply(args=(False,)).get()
        assert router.db_for_read(Enterprise) == after_a_write()  # still the request's write
    request_started.send(sender=None)
    with reads_from_replica():
        replica_writer.apply(args=(True,)).get()
        assert router.db_for_read(Enterprise) == after_a_write()  # the task's write counts too


def test_migrations_only_on_the_primary():
    assert router.allow_migrate(PRIMARY, "enterprises") is True
    assert router.allow_migrate(REPLICA, "enterprises", model_name="enterprise") is False


def test_rows_from_either_copy_may_be_related():
    a, b = Enterprise(), Enterprise()
    a._state.db, b._state.db = PRIMARY, REPLICA
    assert router.allow_relation(a, b) is True
    b._state.db = "elsewhere"
    assert router.allow_relation(a, b) is None


# -- through the pages, with a second alias on the same test database ---------------


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """'replica' as a second connection to the test database (a mirror), the router
    installed: what DATABASE_REPLICA_URL sets up, without a second server."""
    with django_db_blocker.unblock():
        connections.settings[REPLICA] = {**connections[PRIMARY].settings_dict}
    with override_settings(DATABASE_ROUTERS=["portal.db_router.ReplicaRouter"]):
        yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_the_dashboard_reads_the_replica_and_the_login_the_primary(replica_alias, client):
    from tests.cast import build_cast

    cast = build_cast()
    client.force_login(cast.city)
    with (
        CaptureQueriesContext(connections[PRIMARY]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(reverse("dashboards:uncertified"))
    assert response.status_code == 200
    assert any("enterprises_enterprise" in q["sql"] for q in replica.captured_queries)
    assert any("django_session" in q["sql"] for q in primary.captured_queries)
    assert not any("django_session" in q["sql"] for q in replica.captured_queries)


@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_pages_that_do_not_ask_read_the_primary(replica_alias, client):
    from tests.cast import build_cast

    cast = build_cast()
    client.force_login(cast.city)
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert client.get(reverse("enterprises:list")).status_code == 200
    assert replica.captured_queries == []


def test_the_router_module_names_its_rules():
    assert db_router.__doc__ and "never reads its own writes" in db_router.__doc__
