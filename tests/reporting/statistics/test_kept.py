"""The live tables' figures are kept STATISTICS_CACHE_SECONDS per organisation,
filters, day and language: a second reader of the same table costs no query for
its figures and reads the same numbers, a record added meanwhile shows once the
time is up; another district never reads the first one's figures. Past its time a
reader still gets the kept figures at once while a worker computes them again."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise
from portal.kept import STALE_TIMES
from tests.cast import make_enterprise
from tests.reporting.statistics.world import NOW, build

pytestmark = pytest.mark.django_db

TABLE = "/api/v1/statistics/compliance/"


@pytest.fixture
def world(cast):
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


@pytest.fixture
def kept(settings):
    settings.STATISTICS_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def active(client) -> int:
    return client.get(TABLE).json()["total"]["figures"]["active"]


def test_a_table_is_kept_per_organisation_until_its_time_is_up(
    cast, world, kept, client_for, settings
):
    client = client_for(cast.district)
    first = active(client)
    with CaptureQueriesContext(connection) as read:
        assert active(client) == first
    assert not [q for q in read.captured_queries if "GROUP BY" in q["sql"]]
    make_enterprise("北京朝阳新增机械有限公司", cast.chaoyang, 951, status=Enterprise.Status.ACTIVE)
    assert active(client) == first  # kept
    other = client_for(cast.other_district)
    assert active(other) != first  # its own figures, not 朝阳区's
    settings.STATISTICS_CACHE_SECONDS = 0
    assert active(client_for(cast.district)) == first + 1


def grouped(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]


def test_past_its_time_the_reader_gets_the_kept_table_while_a_worker_computes_it(
    cast, world, kept, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.district)
    first = active(client)
    make_enterprise("北京朝阳新增机械有限公司", cast.chaoyang, 951, status=Enterprise.Status.ACTIVE)
    with time_machine.travel("2026-06-15 10:05:01 +0800", tick=False):
        with django_capture_on_commit_callbacks() as queued:
            with CaptureQueriesContext(connection) as read:
                assert active(client) == first  # at once: the kept figures
            assert active(client_for(cast.district_staff)) == first  # one refresh at a time
        assert not grouped(read)
        assert len(queued) == 1
        queued[0]()  # the worker (eager Celery here) computes the table again
        with CaptureQueriesContext(connection) as read:
            assert active(client) == first + 1
        assert not grouped(read)


def test_a_table_nobody_read_for_long_is_computed_for_its_reader(
    cast, world, kept, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.district)
    first = active(client)
    make_enterprise("北京朝阳新增机械有限公司", cast.chaoyang, 951, status=Enterprise.Status.ACTIVE)
    later = 300 * STALE_TIMES + 1  # seconds past NOW, the same day
    with time_machine.travel("2026-06-15 10:00:00 +0800", tick=False) as traveller:
        traveller.shift(later)
        with django_capture_on_commit_callbacks() as queued:
            assert active(client) == first + 1
        assert not queued


def test_in_the_embedded_mode_the_reader_computes_a_table_past_its_time(
    cast, world, kept, client_for, settings, django_capture_on_commit_callbacks
):
    """Each process keeps its own memory cache there: a worker's refresh would never
    reach the web server's, so its reader computes the table, as before."""
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a real worker, in another process
    client = client_for(cast.district)
    first = active(client)
    make_enterprise("北京朝阳新增机械有限公司", cast.chaoyang, 951, status=Enterprise.Status.ACTIVE)
    with time_machine.travel("2026-06-15 10:05:01 +0800", tick=False):
        with django_capture_on_commit_callbacks() as queued:
            assert active(client) == first + 1
    assert not queued
