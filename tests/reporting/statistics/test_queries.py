"""Constant queries: the tables, drill-downs and exports read the same number of
queries however many enterprises and certificates there are."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cast import make_enterprise
from tests.reporting.statistics.world import NOW, build

pytestmark = pytest.mark.django_db

URLS = (
    "/statistics/compliance/",
    "/statistics/certificates/?dimension=industry",
    "/statistics/compliance/enterprises/?measure=active",
    "/statistics/certificates/enterprises/?measure=expiring_90",
    "/statistics/compliance/export/",
    "/statistics/certificates/enterprises/export/?measure=suspended",
    "/api/v1/statistics/compliance/",
    "/api/v1/statistics/certificates/enterprises/?measure=expiring_90",
    "/api/v1/statistics/compliance/export/?measure=compliant",
)


def counts(client) -> list[int]:
    found = []
    for url in URLS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        found.append(len(queries))
    return found


def test_queries_do_not_grow_with_the_data(client, cast, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        data = build(cast)
        client.force_login(cast.district)
        before = counts(client)
        world = data["world"]
        for serial in range(200, 215):
            enterprise = make_enterprise(
                f"更多{serial}", cast.chaoyang, serial, street=cast.other_chaoyang_street
            )
            world.certificate(
                enterprise, "3", datetime.date(2023, 9, 1), datetime.date(2026, 8, 31)
            )
        assert counts(client) == before
        # session, user, filter options (3), the two GROUP BYs
        with django_assert_max_num_queries(9):
            client.get("/statistics/compliance/")
        with django_assert_max_num_queries(5):
            client.get("/api/v1/statistics/certificates/")
