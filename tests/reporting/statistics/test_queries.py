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


def counts(client, urls=URLS) -> list[int]:
    found = []
    for url in urls:
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
        client.get(URLS[0])  # fills the filter's cached places (options.py)
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
        # session, user, organisation, the two GROUP BYs, the unread notifications;
        # the filter's places come from the cache (options.py)
        with django_assert_max_num_queries(6):
            client.get("/statistics/compliance/")
        with django_assert_max_num_queries(5):
            client.get("/api/v1/statistics/certificates/")


MORE_URLS = (
    "/statistics/reviews/",
    "/statistics/hazards/?dimension=grade",
    "/statistics/accidents/?dimension=grade",
    "/statistics/compliance/?dimension=grade&grade=2",
    "/statistics/reviews/?dimension=review_unit",
    "/statistics/hazards/enterprises/?measure=reports_missing",
    "/statistics/reviews/enterprises/?measure=received",
    "/statistics/accidents/enterprises/export/?measure=deaths",
    "/statistics/reviews/export/",
    "/api/v1/statistics/reviews/",
    "/api/v1/statistics/hazards/",
    "/api/v1/statistics/accidents/?dimension=grade",
    "/api/v1/statistics/hazards/enterprises/?measure=found",
)


def test_more_tables_read_constant_queries(client, cast, django_assert_max_num_queries):
    from tests.reporting.statistics import world_more

    with time_machine.travel(NOW, tick=False):
        data = world_more.build(cast)
        client.force_login(cast.district)
        client.get(MORE_URLS[0])  # fills the filter's cached places (options.py)
        before = counts(client, MORE_URLS)
        for serial in range(400, 410):
            enterprise = make_enterprise(f"再多{serial}", cast.chaoyang, serial)
            data["world"].certificate(
                enterprise, "2", datetime.date(2025, 1, 1), datetime.date(2028, 1, 1)
            )
            world_more.hazard(
                cast, enterprise, datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)
            )
            app = data["world"].application(enterprise, "3", status="submitted")
            world_more.event(
                app, cast.district, "submit", "draft", "submitted", datetime.date(2026, 3, 2)
            )
        assert counts(client, MORE_URLS) == before
        # as above, plus the review units' options, one grouped query per kind
        # counted (3 for the review table) and the steps (their counts, their medians)
        with django_assert_max_num_queries(10):
            client.get("/statistics/reviews/")
        # three kinds counted: enterprises, their quarter's forms, hazards
        with django_assert_max_num_queries(7):
            client.get("/statistics/hazards/")
        with django_assert_max_num_queries(5):
            client.get("/statistics/accidents/?dimension=grade")
        with django_assert_max_num_queries(8):  # the steps: two queries on SQLite
            client.get("/api/v1/statistics/reviews/")
        with django_assert_max_num_queries(4):
            client.get("/api/v1/statistics/accidents/")
