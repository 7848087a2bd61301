"""The self-assessment list, page and API, reads a fixed number of queries
whatever the size of the scope (bench/scoped_lists.py measures it at Beijing
size), shows each row's answered and total criteria, and a district never sees
another district's self-assessments in it.

Rows are copies of one self-assessment submitted through the services, each with
copies of its answers: the list reads rows, not their history.
"""

from __future__ import annotations

import pytest

from reviews.models import Assessment, AssessmentRow
from tests.certification.factories import make_tiered_version, submitted_assessment
from tests.scaled_lists import Growing, api_client, assert_flat

MAX_QUERIES = 12
PAGES = ["/assessments/", "/assessments/?q=朝阳"]
API = ["/api/v1/assessments/", "/api/v1/assessments/?status=submitted"]


class Assessments(Growing):
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


@pytest.fixture
def assessments(cast):
    return Assessments(cast)


@pytest.mark.parametrize("role", ["district", "city"])
@pytest.mark.parametrize("url", PAGES)
def test_the_list_page_reads_as_many_queries_for_3_rows_as_for_40(
    assessments, client, role, url, django_assert_max_num_queries
):
    client.force_login(getattr(assessments.cast, role))
    assert_flat(assessments, client, url, MAX_QUERIES, django_assert_max_num_queries)


@pytest.mark.parametrize("role", ["district", "city"])
@pytest.mark.parametrize("url", API)
def test_the_api_list_reads_as_many_queries_for_3_rows_as_for_40(
    assessments, role, url, django_assert_max_num_queries
):
    client = api_client(getattr(assessments.cast, role))
    assert_flat(assessments, client, url, MAX_QUERIES, django_assert_max_num_queries)


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
