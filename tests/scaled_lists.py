"""What the scoped lists' query tests share: a world of 朝阳区 enterprises that grows,
and a list read at two sizes with the same number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.cast import make_enterprise


class Growing:
    """``grow_to(size)``: ``size`` enterprises of 朝阳区, each given its rows by ``add``."""

    made = 0

    def add(self, enterprise):
        raise NotImplementedError

    def grow_to(self, size: int) -> None:
        while self.made - 1 < size:
            serial = 100 + self.made
            self.add(make_enterprise(f"北京朝阳测试{serial}有限公司", self.cast.chaoyang, serial))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_flat(world: Growing, client, url: str, limit: int, max_num_queries) -> None:
    """The list reads as many queries for 3 rows as for 40, and no more than ``limit``."""
    world.grow_to(3)
    # Warm, as a running process is: what a process reads once (the search's grams
    # statistics, portal/text_search.py) is not a query of the page.
    client.get(url)
    few = queries(client, url)
    world.grow_to(40)
    with max_num_queries(limit):
        many = queries(client, url)
    assert many == few
