"""The inspection and tip-off pages: who sees what (404 outside the scope, 403 for
the wrong role), recording an order on the page, the follow-up review, the office's
worklist of orders past their deadline, and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hazards import services as ledger
from hazards.models import GovernmentInspection, Hazard, TipOff
from portal.models import AuditEvent
from tests.hazards.enforcement.world import REPORTER, named_tip_off, order, rows

TODAY = timezone.localdate


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    "who", ["district", "street", "regulator", "city", "group", "enterprise", "enterprise_staff"]
)
def test_whoever_sees_the_enterprise_reads_the_order_and_its_rows(cast, client_for, who):
    inspection = order(cast)
    client = client_for(getattr(cast, who))
    listed = client.get(reverse("hazards:enforcement:inspections"))
    assert inspection.order_number in listed.content.decode()
    page = client.get(reverse("hazards:enforcement:inspection", args=[inspection.pk]))
    assert page.status_code == 200
    for row in rows(inspection):
        assert row.number in page.content.decode()


@pytest.mark.parametrize(
    "who", ["other_district", "other_street", "other_regulator", "other_enterprise"]
)
def test_outsiders_get_404_and_an_empty_list(cast, client_for, who):
    inspection = order(cast)
    client = client_for(getattr(cast, who))
    assert (
        client.get(reverse("hazards:enforcement:inspection", args=[inspection.pk])).status_code
        == 404
    )
    assert (
        inspection.order_number
        not in client.get(reverse("hazards:enforcement:inspections")).content.decode()
    )
    review = client.post(
        reverse("hazards:enforcement:inspection_review", args=[inspection.pk]),
        {"review_number": "R", "reviewed_on": TODAY().isoformat(), "opinion": "x"},
    )
    assert review.status_code == 404


def test_an_office_records_an_order_on_the_page(cast, client_for):
    client = english(client_for(cast.street))
    url = reverse("hazards:enforcement:inspection_new") + f"?enterprise={cast.ent.pk}"
    assert client.get(url).status_code == 200
    data = {
        "enterprise": cast.ent.pk,
        "inspected_on": TODAY().isoformat(),
        "inspectors": "王五",
        "order_number": "建外责改〔2026〕7号",
        "order_deadline": (TODAY() + datetime.timedelta(days=7)).isoformat(),
        "item-0-location": "食堂",
        "item-0-description": "燃气报警器失效。",
        "item-0-category": "site",
        "item-0-grade": "general",
        "item-1-category": "site",
        "item-1-grade": "general",
    }
    response = client.post(url, data)
    inspection = GovernmentInspection.objects.get()
    assert response.status_code == 302
    assert [h.location for h in rows(inspection)] == ["食堂"]
    # A deadline before the inspection: the form again, in English, nothing written.
    data.update(
        order_number="X-2", order_deadline=(TODAY() - datetime.timedelta(days=1)).isoformat()
    )
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "cannot be before the inspection" in refused.content.decode()
    assert GovernmentInspection.objects.count() == 1


@pytest.mark.parametrize("who", ["enterprise", "group"])
def test_the_enterprise_and_its_group_do_not_record_inspections(cast, client_for, who):
    response = client_for(getattr(cast, who)).get(
        reverse("hazards:enforcement:inspection_new") + f"?enterprise={cast.ent.pk}"
    )
    assert response.status_code == 403


def test_the_issuing_office_reviews_on_the_page_and_others_get_403(cast, client_for):
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
    url = reverse("hazards:enforcement:inspection_review", args=[inspection.pk])
    data = {"review_number": "R-1", "reviewed_on": TODAY().isoformat(), "opinion": "合格"}
    before = AuditEvent.objects.count()
    for who in ("street", "city", "enterprise"):
        assert client_for(getattr(cast, who)).post(url, data).status_code == 403
    assert AuditEvent.objects.count() == before
    page = client_for(cast.district).get(
        reverse("hazards:enforcement:inspection", args=[inspection.pk])
    )
    assert 'data-testid="review-form"' in page.content.decode()
    assert client_for(cast.district).post(url, data).status_code == 302
    done.refresh_from_db()
    assert done.status == Hazard.Status.CLOSED
    page = client_for(cast.enterprise).get(
        reverse("hazards:enforcement:inspection", args=[inspection.pk])
    )
    assert 'data-testid="review-form"' not in page.content.decode()


def test_the_worklist_lists_the_office_s_orders_past_their_deadline(cast, client_for):
    late = order(
        cast,
        number="late",
        inspected_on=TODAY() - datetime.timedelta(days=20),
        order_deadline=TODAY() - datetime.timedelta(days=1),
    )
    on_time = order(cast, number="on-time")
    by_street = order(
        cast,
        actor=cast.street,
        number="street-late",
        inspected_on=TODAY() - datetime.timedelta(days=20),
        order_deadline=TODAY() - datetime.timedelta(days=1),
    )
    page = (
        client_for(cast.district)
        .get(reverse("hazards:enforcement:inspections") + "?overdue=1&mine=1")
        .content.decode()
    )
    assert late.order_number in page
    assert on_time.order_number not in page
    assert by_street.order_number not in page


def test_the_list_takes_the_same_number_of_queries_for_more_orders(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.district)
    order(cast, number="1")
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("hazards:enforcement:inspections"))
    for n in range(2, 7):
        order(cast, number=str(n))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("hazards:enforcement:inspections"))


# --- tip-offs ---------------------------------------------------------------------------


def test_the_receiving_office_sees_the_reporter(cast, client_for):
    tip_off = named_tip_off(cast)
    client = client_for(cast.street)
    assert REPORTER in client.get(reverse("hazards:enforcement:tip_offs")).content.decode()
    page = client.get(reverse("hazards:enforcement:tip_off", args=[tip_off.pk]))
    assert REPORTER in page.content.decode()


def test_an_office_records_an_anonymous_tip_off_and_confirms_it(cast, client_for):
    client = english(client_for(cast.street))
    url = reverse("hazards:enforcement:tip_off_new") + f"?enterprise={cast.ent.pk}"
    response = client.post(
        url,
        {
            "enterprise": cast.ent.pk,
            "received_on": TODAY().isoformat(),
            "content": "夜间违规动火。",
            "anonymous": "on",
        },
    )
    tip_off = TipOff.objects.get()
    assert response.status_code == 302 and tip_off.anonymous
    confirm = client.post(
        reverse("hazards:enforcement:tip_off_confirm", args=[tip_off.pk]),
        {
            "found_on": TODAY().isoformat(),
            "location": "焊接车间",
            "description": "无动火审批。",
            "category": "management",
            "grade": "general",
            "deadline": (TODAY() + datetime.timedelta(days=3)).isoformat(),
            "outcome": "属实",
        },
    )
    assert confirm.status_code == 302
    tip_off.refresh_from_db()
    assert tip_off.hazard.source == Hazard.Source.TIP_OFF


def test_a_named_tip_off_without_contact_is_refused_on_the_page(cast, client_for):
    client = english(client_for(cast.street))
    url = reverse("hazards:enforcement:tip_off_new") + f"?enterprise={cast.ent.pk}"
    response = client.post(
        url,
        {
            "enterprise": cast.ent.pk,
            "received_on": TODAY().isoformat(),
            "content": "x",
            "reporter_name": "张",
        },
    )
    assert response.status_code == 400
    assert "reporter's name and contact" in response.content.decode()
    assert not TipOff.objects.exists()


@pytest.mark.parametrize("who", ["enterprise", "group"])
def test_who_is_no_office_has_no_tip_off_pages(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get(reverse("hazards:enforcement:tip_offs")).status_code == 403
    assert client.get(reverse("hazards:enforcement:tip_off_new")).status_code == 403
