"""The inspections' REST API: scoped like the pages (outside the scope 404, in
scope without the right 403, a completed record 409), bad input 400 naming the
field with nothing written, the whole flow, the counts, constant list queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from hazards.inspections import services
from hazards.models import Hazard, InspectionPlan, InspectionRecord, InspectionResult
from portal.models import AuditEvent
from tests.hazards.factories import PDF, PNG
from tests.hazards.inspections.world import make_plan, results, standard, start

PLANS = "/api/v1/inspection-plans/"
RECORDS = "/api/v1/inspection-records/"
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_for():
    def login(user) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return login


def test_a_plan_is_created_edited_and_deactivated(cast, api_for):
    client = api_for(cast.enterprise)
    version = standard()
    body = {
        "title": "节前安全检查",
        "kind": "holiday",
        "scope": "全厂",
        "frequency": "once",
        "responsible_person": "张伟",
        "checklist": "standard",
        "standard_version": version.pk,
        "criteria": [version.criteria.get(code="1.1").pk],
    }
    response = client.post(PLANS, {**body, "standard_version": None}, format="json")
    assert response.status_code == 400 and "standard_version" in response.data
    assert not InspectionPlan.objects.exists()
    response = client.post(PLANS, {**body, "colour": "red"}, format="json")
    assert response.status_code == 400
    response = client.post(PLANS, body, format="json")
    assert response.status_code == 201, response.data
    pk = response.data["id"]
    assert response.data["criteria"] == body["criteria"]
    response = client.patch(f"{PLANS}{pk}/", {"title": "春节前检查"}, format="json")
    assert response.status_code == 200 and response.data["title"] == "春节前检查"
    assert client.post(f"{PLANS}{pk}/deactivate/").data["active"] is False
    assert client.post(f"{PLANS}{pk}/deactivate/").status_code == 409
    assert client.patch(f"{PLANS}{pk}/", {"title": "x"}, format="json").status_code == 409


def test_scope_and_roles_on_plans_and_records(cast, api_for):
    record = start(cast)
    plan = record.plan
    result = results(record)[0]
    for outsider in (cast.other_enterprise, cast.other_district, cast.other_street):
        client = api_for(outsider)
        assert client.get(f"{PLANS}{plan.pk}/").status_code == 404
        assert client.get(f"{RECORDS}{record.pk}/").status_code == 404
        assert client.post(f"{RECORDS}{record.pk}/complete/").status_code == 404
        assert client.get(RECORDS).data["count"] == 0
        response = client.post(
            RECORDS,
            {"plan": plan.pk, "inspected_on": TODAY(), "leader": cast.enterprise.pk},
            format="json",
        )
        assert response.status_code == 400 and "plan" in response.data
    before = AuditEvent.objects.count()
    for official in (cast.district, cast.street, cast.regulator, cast.city):
        client = api_for(official)
        assert client.get(f"{RECORDS}{record.pk}/").data["may_write"] is False
        assert client.patch(f"{PLANS}{plan.pk}/", {"title": "x"}, format="json").status_code == 403
        assert client.post(f"{PLANS}{plan.pk}/deactivate/").status_code == 403
        url = f"{RECORDS}{record.pk}/results/{result.pk}/"
        assert client.post(url, {"outcome": "na"}, format="json").status_code == 403
        assert client.post(f"{RECORDS}{record.pk}/confirm/").status_code == 403
        assert client.post(f"{RECORDS}{record.pk}/complete/").status_code == 403
        response = client.post(
            RECORDS,
            {"plan": plan.pk, "inspected_on": TODAY(), "leader": cast.enterprise.pk},
            format="json",
        )
        assert response.status_code == 403
    assert AuditEvent.objects.count() == before
    assert api_for(cast.reviewer).get(RECORDS).status_code == 403


def test_an_inspection_through_the_api(cast, api_for):
    plan = make_plan(cast)
    client = api_for(cast.enterprise)
    response = client.post(
        RECORDS,
        {
            "plan": plan.pk,
            "inspected_on": TODAY().isoformat(),
            "leader": cast.enterprise.pk,
            "participants": [cast.enterprise_staff.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    record = response.data
    assert record["principal_led"] is True and record["kind"] == "comprehensive"
    first, second = record["results"]
    assert [first["code"], second["code"]] == ["1.1", "1.2"]
    url = f"{RECORDS}{record['id']}/results/{first['id']}/"
    response = client.post(url, {"outcome": "hazard", "note": "防护罩缺失。"}, format="json")
    assert response.status_code == 400 and "location" in response.data
    deadline = (TODAY() + datetime.timedelta(days=5)).isoformat()
    answer = {
        "outcome": "hazard",
        "note": "防护罩缺失。",
        "location": "冲床",
        "category": "site",
        "deadline": deadline,
    }
    assert client.post(url, answer, format="json").status_code == 200
    photos = f"{url}photos/"
    response = client.post(photos, {"file": SimpleUploadedFile("x.jpg", PDF)}, format="multipart")
    assert response.status_code == 400 and "file" in response.data
    response = client.post(photos, {"file": SimpleUploadedFile("a.png", PNG)}, format="multipart")
    assert response.status_code == 201
    photo = response.data["id"]
    assert client.get(f"{RECORDS}{record['id']}/photos/{photo}/").status_code == 200
    response = client.post(f"{RECORDS}{record['id']}/complete/")
    assert response.status_code == 400
    assert response.data["results"] == ["1 item is not answered yet: 1.2."]
    url2 = f"{RECORDS}{record['id']}/results/{second['id']}/"
    client.post(url2, {"outcome": "conforms"}, format="json")
    assert client.post(f"{RECORDS}{record['id']}/confirm/").status_code == 200
    response = client.post(f"{RECORDS}{record['id']}/complete/")
    assert response.status_code == 400 and "participants" in response.data
    staff = api_for(cast.enterprise_staff)
    assert staff.get(f"{RECORDS}{record['id']}/").data["may_confirm"] is True
    assert staff.post(f"{RECORDS}{record['id']}/confirm/").status_code == 200
    assert staff.post(f"{RECORDS}{record['id']}/confirm/").status_code == 409
    response = client.post(f"{RECORDS}{record['id']}/complete/")
    assert response.status_code == 200, response.data
    hazard = Hazard.objects.get()
    assert hazard.source == Hazard.Source.PRINCIPAL and hazard.photos.count() == 1
    assert response.data["results"][0]["hazard_number"] == hazard.number
    assert client.post(f"{RECORDS}{record['id']}/complete/").status_code == 409
    assert client.post(url2, {"outcome": "na"}, format="json").status_code == 409


def test_a_refused_hazard_row_is_named(cast, api_for):
    record = start(cast)
    client = api_for(cast.enterprise)
    first, second = results(record)
    services.result_save(
        actor=cast.enterprise,
        result=first,
        outcome="hazard",
        note="描述",
        location="地点",
        category="site",
        deadline=TODAY(),
    )
    services.result_save(actor=cast.enterprise, result=second, outcome="na")
    for participant in record.participants.select_related("user"):
        services.participation_confirm(actor=participant.user, record=record)
    InspectionResult.objects.filter(pk=first.pk).update(location="")
    response = client.post(f"{RECORDS}{record.pk}/complete/")
    assert response.status_code == 400
    assert response.data["result"] == [str(first.pk)]
    assert response.data["results"][0].startswith("Item 1.1: ")
    assert not Hazard.objects.exists()
    assert InspectionRecord.objects.get().status == "draft"


def test_counts_and_filters(cast, api_for):
    plan = make_plan(cast)
    record = start(cast, plan, leader=cast.enterprise)
    for r in results(record):
        services.result_save(actor=cast.enterprise, result=r, outcome="conforms")
    services.participation_confirm(actor=cast.enterprise, record=record)
    services.record_complete(actor=cast.enterprise, record=record)
    start(cast, plan)
    client = api_for(cast.street)
    data = client.get(f"{RECORDS}counts/").data
    assert data["total"] == 1 and data["principal_led"] == 1
    assert data["by_kind"]["comprehensive"] == 1
    assert client.get(RECORDS, {"status": "draft"}).data["count"] == 1
    assert client.get(RECORDS, {"principal_led": "true"}).data["count"] == 1
    assert client.get(RECORDS, {"start": "2999-01-01"}).data["count"] == 0
    assert client.get(RECORDS, {"start": "not a date"}).status_code == 400


def test_list_queries_stay_constant(cast, api_for, django_assert_max_num_queries):
    client = api_for(cast.district)
    plan = make_plan(cast)
    start(cast, plan)
    with django_assert_max_num_queries(20) as few:
        client.get(RECORDS)
        client.get(PLANS)
    for _ in range(4):
        start(cast, make_plan(cast))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(RECORDS).data["count"] == 5
        assert client.get(PLANS).data["count"] == 5
