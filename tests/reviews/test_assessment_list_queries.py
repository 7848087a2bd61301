"""The self-assessment list, page and API, reads a fixed number of queries
whatever the size of the scope (bench/scoped_lists.py measures it at Beijing
size), shows each row's answered and total criteria, and a district never sees
another district's self-assessments in it.

Rows are copies of one self-assessment submitted through the services, each with
copies of its answers: the list reads rows, not their history.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reviews.models import Assessment, AssessmentRow
from tests.cast import make_enterprise
from tests.certification.factories import make_tiered_version, submitted_assessment

MAX_QUERIES = 12
PAGES = ["/assessments/", "/assessments/?q=朝阳"]
API = ["/api/v1/assessments/", "/api/v1/assessments/?status=submitted"]


class Assessments:
    def __init__(self, cast) -> None:
        self.cast = cast
        self.base = submitted_assessment(cast.enterprise, cast.ent, make_tiered_version())
        self.made = 0
        self.foreign = self.add(cast.other_ent)

    def add(self, enterprise) -> Assessment:
        self.made += 1
        copy = Assessment.objects.get(pk=self.base.pk)
        copy.pk = None
        copy.enterprise = enterprise
        copy.save()
        rows = list(AssessmentRow.objects.filter(assessment=self.base))
        for row in rows:
            row.pk = None
            row.assessment = copy
        AssessmentRow.objects.bulk_create(rows)
        return copy

    def grow_to(self, size: int) -> None:
        while self.made - 1 < size:
            serial = 100 + self.made
            self.add(make_enterprise(f"北京朝阳测试{serial}有限公司", self.cast.chaoyang, serial))


@pytest.fixture
def assessments(cast):
    return Assessments(cast)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ["district", "city"])
@pytest.mark.parametrize("url", PAGES)
def test_the_list_page_reads_as_many_queries_for_3_rows_as_for_40(
    assessments, client, role, url, django_assert_max_num_queries
):
    client.force_login(getattr(assessments.cast, role))
    assessments.grow_to(3)
    few = queries(client, url)
    assessments.grow_to(40)

    with django_assert_max_num_queries(MAX_QUERIES):
        many = queries(client, url)

    assert many == few


@pytest.mark.parametrize("role", ["district", "city"])
@pytest.mark.parametrize("url", API)
def test_the_api_list_reads_as_many_queries_for_3_rows_as_for_40(
    assessments, role, url, django_assert_max_num_queries
):
    client = api_client(getattr(assessments.cast, role))
    assessments.grow_to(3)
    few = queries(client, url)
    assessments.grow_to(40)

    with django_assert_max_num_queries(MAX_QUERIES):
        many = queries(client, url)

    assert many == few


def test_each_row_shows_its_answered_and_total_criteria_newest_first(assessments, client):
    assessments.grow_to(3)
    client.force_login(assessments.cast.district)

    page = list(client.get("/assessments/").context["page"])
    api = api_client(assessments.cast.district).get("/api/v1/assessments/").json()["results"]

    assert [(a.answered, a.total) for a in page] == [(2, 2)] * 4
    assert [(row["answered"], row["total"]) for row in api] == [(2, 2)] * 4
    assert [a.pk for a in page] == sorted((a.pk for a in page), reverse=True)


def test_a_district_never_sees_another_districts_self_assessments(assessments, client):
    assessments.grow_to(3)
    client.force_login(assessments.cast.district)

    shown = {a.enterprise_id for a in client.get("/assessments/").context["page"]}
    shown |= {
        row["enterprise"]
        for row in api_client(assessments.cast.district)
        .get("/api/v1/assessments/")
        .json()["results"]
    }

    assert assessments.foreign.enterprise_id not in shown
    assert shown == set(
        Assessment.objects.filter(enterprise__region=assessments.cast.chaoyang).values_list(
            "enterprise_id", flat=True
        )
    )
