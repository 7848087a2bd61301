"""The API of government inspections: scope (404), role (403), recording an order with
its items (bad input 400, nothing written), the issuing office's review, filters and
constant list queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards import services as ledger
from hazards.models import GovernmentInspection, Hazard
from portal.models import AuditEvent
from tests.hazards.enforcement.world import order, rows

TODAY = timezone.localdate


def body(**overrides) -> dict:
    values = {
        "enterprise": None,
        "inspected_on": TODAY().isoformat(),
        "inspectors": "张三",
        "order_number": "API-1",
        "order_deadline": (TODAY() + datetime.timedelta(days=5)).isoformat(),
        "items": [{"location": "车间", "description": "护栏缺失。", "category": "site"}],
    }
    values.update(overrides)
    return values


def test_an_office_records_an_order_and_reads_its_rows(cast, client_for):
    client = client_for(cast.regulator)
    response = client.post(
        reverse("api-government-inspection-list"),
        body(enterprise=cast.ent.pk),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["item_count"] == 1 and data["open_count"] == 1
    assert data["rows"][0]["status"] == Hazard.Status.PENDING
    assert data["may_review"] is True


@pytest.mark.parametrize(
    ("who", "status"), [("enterprise", 403), ("group", 403), ("other_street", 400)]
)
def test_who_may_not_record_an_order_writes_nothing(cast, client_for, who, status):
    before = (GovernmentInspection.objects.count(), AuditEvent.objects.count())
    response = client_for(getattr(cast, who)).post(
        reverse("api-government-inspection-list"),
        body(enterprise=cast.ent.pk),
        content_type="application/json",
    )
    assert response.status_code == status
    assert (GovernmentInspection.objects.count(), AuditEvent.objects.count()) == before


def test_a_bad_item_is_a_400_naming_it_and_nothing_is_written(cast, client_for):
    before = (GovernmentInspection.objects.count(), Hazard.objects.count())
    response = client_for(cast.district).post(
        reverse("api-government-inspection-list"),
        body(
            enterprise=cast.ent.pk,
            items=[
                {"location": "a", "description": "b", "category": "site"},
                {"location": "a", "description": "b", "category": "site", "grade": "major"},
            ],
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "major_basis" in response.json()
    assert (GovernmentInspection.objects.count(), Hazard.objects.count()) == before


def test_the_review_over_the_api(cast, client_for):
    inspection = order(cast)
    done = rows(inspection)[0]
    ledger.perform(actor=cast.enterprise, hazard=done, move="start")
    ledger.perform(
        actor=cast.enterprise,
        hazard=done,
        move="submit_for_acceptance",
        completed_on=TODAY(),
        measures="已整改",
    )
    url = reverse("api-government-inspection-review", args=[inspection.pk])
    data = {"review_number": "R-1", "reviewed_on": TODAY().isoformat(), "opinion": "合格"}
    assert (
        client_for(cast.street).post(url, data, content_type="application/json").status_code == 403
    )
    assert (
        client_for(cast.other_district).post(url, data, content_type="application/json").status_code
        == 404
    )
    response = client_for(cast.district).post(url, data, content_type="application/json")
    assert response.status_code == 200
    statuses = {row["id"]: row["status"] for row in response.json()["rows"]}
    assert statuses[done.pk] == Hazard.Status.CLOSED


def test_outsiders_get_404_and_the_list_filters(cast, client_for):
    late = order(
        cast,
        number="late",
        inspected_on=TODAY() - datetime.timedelta(days=20),
        order_deadline=TODAY() - datetime.timedelta(days=2),
    )
    order(cast, actor=cast.street, number="street")
    assert (
        client_for(cast.other_enterprise)
        .get(reverse("api-government-inspection-detail", args=[late.pk]))
        .status_code
        == 404
    )
    listed = client_for(cast.district).get(
        reverse("api-government-inspection-list"), {"overdue": "true", "mine": "true"}
    )
    assert [item["order_number"] for item in listed.json()["results"]] == ["late"]
    enterprise = client_for(cast.enterprise).get(reverse("api-government-inspection-list"))
    assert enterprise.json()["count"] == 2  # the enterprise reads its orders


def test_the_list_takes_the_same_number_of_queries_for_more_orders(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.district)
    order(cast, number="1")
    with django_assert_max_num_queries(15) as first:
        client.get(reverse("api-government-inspection-list"))
    for n in range(2, 7):
        order(cast, number=str(n))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("api-government-inspection-list"))
