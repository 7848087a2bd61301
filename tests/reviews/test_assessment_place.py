"""Self-assessments keep their enterprise's district, street and industry
(enterprises/place_copy.py): each official's list reads them from the row, finds
exactly what the registry's scope rule gives, follows an enterprise the registry
moves, and a district's list counts its rows without joining the registry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises import services as registry
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_scope
from portal.models import Industry, Street
from reviews.models import Assessment
from reviews.selectors import assessments_visible_to
from tests.certification.factories import make_tiered_version, submitted_assessment
from tests.scaled_lists import api_client

pytestmark = pytest.mark.django_db

LIST = "/assessments/"
API = "/api/v1/assessments/"
READERS = [
    "city",
    "district",
    "other_district",
    "street",
    "other_street",
    "regulator",
    "other_regulator",
    "association",
    "group",
    "reviewer",
    "enterprise",
    "other_enterprise",
]


def copy_for(assessment: Assessment, enterprise: Enterprise, **fields) -> Assessment:
    """A copy of ``assessment`` for ``enterprise``, written through the ORM."""
    copy = Assessment.objects.get(pk=assessment.pk)
    copy.pk = None
    copy.enterprise = enterprise
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return copy


@pytest.fixture
def assessments(cast):
    mine = submitted_assessment(cast.enterprise, cast.ent, make_tiered_version())
    return {
        "mine": mine,
        "draft": copy_for(mine, cast.ent, status=Assessment.Status.DRAFT),
        "theirs": copy_for(mine, cast.other_ent),
    }


def listed(client) -> set[int]:
    return {a.pk for a in client.get(LIST).context["page"].object_list}


def api_listed(client) -> set[int]:
    return {row["id"] for row in client.get(API).json()["results"]}


def test_a_self_assessment_takes_its_enterprises_place(cast, assessments):
    mine, theirs = assessments["mine"], assessments["theirs"]
    assert (mine.region_id, mine.street_id, mine.enterprise_industry_id) == (
        cast.chaoyang.pk,
        cast.chaoyang_street.pk,
        cast.ent.industry_id,
    )
    assert (theirs.region_id, theirs.street_id, theirs.enterprise_industry_id) == (
        cast.haidian.pk,
        None,
        cast.other_ent.industry_id,
    )


@pytest.mark.parametrize("who", READERS)
def test_each_reader_sees_the_self_assessments_of_its_registry_scope(cast, assessments, who):
    user = getattr(cast, who)
    seen = set(assessments_visible_to(user, Assessment.objects.all()).values_list("pk", flat=True))
    if who.endswith("enterprise"):
        rule = Assessment.objects.filter(enterprise__account_id=user.organisation_id)
    else:
        rule = Assessment.objects.filter(
            enterprise_scope(user, "enterprise__"), status=Assessment.Status.SUBMITTED
        )
    assert seen == set(rule.values_list("pk", flat=True))
    if who in ("district", "street", "city"):
        assert assessments["mine"].pk in seen
    if who in ("other_district", "other_street", "other_regulator"):
        assert assessments["mine"].pk not in seen
    assert assessments["draft"].pk not in seen or who == "enterprise"


def test_a_moved_enterprises_self_assessments_show_in_the_new_place(cast, client_for, assessments):
    mine = assessments["mine"].pk
    assert mine in listed(client_for(cast.street))
    assert mine not in listed(client_for(cast.other_district))
    ent = Enterprise.objects.get(pk=cast.ent.pk)
    ent.region, ent.street = cast.haidian, Street.objects.get(code="110108001")
    ent.industry = Industry.objects.get(code="commerce")
    registry.enterprise_save(actor=cast.city, enterprise=ent)

    moved = Assessment.objects.get(pk=mine)
    assert (moved.region_id, moved.street_id, moved.enterprise_industry_id) == (
        cast.haidian.pk,
        ent.street_id,
        "commerce",
    )
    assert Assessment.objects.get(pk=assessments["draft"].pk).region_id == cast.haidian.pk
    haidian = client_for(cast.other_district)
    assert mine in listed(haidian)
    assert mine in api_listed(api_client(cast.other_district))
    for gone in (cast.street, cast.district, cast.regulator):
        assert mine not in listed(client_for(gone))
        assert mine not in api_listed(api_client(gone))


@pytest.mark.parametrize("who", ["district", "street", "regulator"])
def test_an_officials_list_counts_and_pages_without_the_registry(
    cast, client_for, assessments, who
):
    client = client_for(getattr(cast, who))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    assert assessments["mine"].pk in {a.pk for a in response.context["page"].object_list}
    listing = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "reviews_assessment"' in q["sql"] and '"reviews_assessment"."kind" =' in q["sql"]
    ]
    assert listing  # the count and the page's ids
    assert not [sql for sql in listing if "enterprises_enterprise" in sql]


def test_the_citys_district_filter_reads_the_rows_district(cast, client_for, assessments):
    page = client_for(cast.city).get(LIST, {"district": cast.haidian.pk}).context["page"]
    assert {a.pk for a in page.object_list} == {assessments["theirs"].pk}
