"""The live tables' figures are kept STATISTICS_CACHE_SECONDS per organisation,
filters, day and language: a second reader of the same table costs no query for
its figures and reads the same numbers, a record added meanwhile shows once the
time is up; another district never reads the first one's figures."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise
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
