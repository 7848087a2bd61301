"""Each dashboard reads a bounded number of queries, whatever the population."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.models import Status
from tests.cast import make_enterprise
from tests.reporting.statistics.world import NOW, build

pytestmark = pytest.mark.django_db

# Home page cards, the dashboard's statistics tables, the seed targets (one query
# each, at most reporting/dashboards/extras.TARGET_LIMIT), the session and user.
LIMITS = {
    "city": 40,
    "district": 40,
    "street": 40,
    "regulator": 40,
    "association": 30,
    "enterprise": 20,
    "group": 20,
}


def count(client, user, home_within=None) -> int:
    """The queries of the home page and the dashboard API; the home page's held to
    ``home_within`` (django_assert_max_num_queries) when given."""
    client.force_login(user)
    with home_within or CaptureQueriesContext(connection) as home:
        assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as api:
        assert client.get("/api/v1/dashboards/me/").status_code == 200
    return len(home) + len(api)


def test_queries_do_not_grow_with_the_data(client, cast, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        data = build(cast)
        users = {name: getattr(cast, name) for name in LIMITS}
        before = {name: count(client, user) for name, user in users.items()}
        world = data["world"]
        for serial in range(300, 312):
            enterprise = make_enterprise(
                f"更多{serial}",
                cast.chaoyang,
                serial,
                street=cast.chaoyang_street,
                group=cast.group.organisation,
            )
            world.certificate(
                enterprise, "3", datetime.date(2024, 9, 1), datetime.date(2027, 8, 31)
            )
            world.application(enterprise, "2", status=Status.SUBMITTED)
        # The home page's limit checked on the same requests that are counted.
        after = {
            name: count(client, user, django_assert_max_num_queries(LIMITS[name]))
            for name, user in users.items()
        }
        assert after == before


# From the snapshot: the scope's rows (one query), their labels (one), the targets
# (two), the registry card's pending count, and the live parts (session, queue,
# worklists, the street's list without a certificate). The live tables read about
# twice as many.
SNAPSHOT_LIMITS = {
    "city": 18,
    "district": 25,
    "street": 23,
    "regulator": 16,
    "association": 16,
}


def test_snapshot_dashboards_read_fewer_queries(client, cast, django_assert_max_num_queries):
    from reporting.snapshots.store import snapshot_nightly

    with time_machine.travel(NOW, tick=False):
        build(cast)
        users = {name: getattr(cast, name) for name in SNAPSHOT_LIMITS}
        live = {name: count(client, user) for name, user in users.items()}
        snapshot_nightly()
        read = {name: count(client, user) for name, user in users.items()}
        for name in ("city", "district", "street", "regulator"):
            assert read[name] < live[name], name
        for name, user in users.items():
            client.force_login(user)
            with django_assert_max_num_queries(SNAPSHOT_LIMITS[name]):
                client.get("/")
