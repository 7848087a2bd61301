"""/api/v1/review-units/, /api/v1/reviewers/, /api/v1/conflicts/: scope, roles, writes."""

from __future__ import annotations

import pytest

from portal.models import AuditEvent, Organisation, Qualification
from reviews.models import ConflictRelation, Reviewer

OUTSIDERS = ["district", "district_staff", "regulator", "group", "enterprise", "other_enterprise"]


@pytest.fixture
def unit(cast):
    return cast.reviewer.organisation


@pytest.fixture
def other_unit(cast):
    org = Organisation.objects.create(name="北京建安评审中心", kind="review_unit")
    Qualification.objects.create(organisation=org, industry_id="construction", tier="3")
    return org


@pytest.fixture
def reviewer(unit):
    return Reviewer.objects.create(unit=unit, name="李评审", certificate_no="PS-1")


@pytest.fixture
def conflict(cast, unit):
    return ConflictRelation.objects.create(
        unit=unit,
        enterprise=cast.ent,
        kind="consulting",
        started_on="2024-01-01",
        created_by=cast.city,
    )


def ids(response):
    return {row["id"] for row in response.json()["results"]}


# --- review units --------------------------------------------------------------


def test_the_lists_follow_the_scope(api_for, cast, unit, other_unit, reviewer, conflict):
    assert ids(api_for(cast.city).get("/api/v1/review-units/")) == {unit.pk, other_unit.pk}
    assert ids(api_for(cast.association).get("/api/v1/review-units/")) == {unit.pk}
    assert ids(api_for(cast.reviewer).get("/api/v1/review-units/")) == {unit.pk}
    assert ids(api_for(cast.reviewer).get("/api/v1/reviewers/")) == {reviewer.pk}
    assert ids(api_for(cast.association).get("/api/v1/conflicts/")) == {conflict.pk}
    for who in OUTSIDERS:
        client = api_for(getattr(cast, who))
        for url in ("/api/v1/review-units/", "/api/v1/reviewers/", "/api/v1/conflicts/"):
            assert client.get(url).json()["count"] == 0, (who, url)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_object(api_for, cast, unit, reviewer, conflict, who):
    client = api_for(getattr(cast, who))
    for url in (
        f"/api/v1/review-units/{unit.pk}/",
        f"/api/v1/reviewers/{reviewer.pk}/",
        f"/api/v1/conflicts/{conflict.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/api/v1/review-units/{unit.pk}/status/",
            {"status": "suspended", "reason": "x"},
            format="json",
        ).status_code
        == 404
    )
    assert (
        client.patch(f"/api/v1/reviewers/{reviewer.pk}/", {"name": "x"}, format="json").status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/reviewers/{reviewer.pk}/deactivate/", {}, format="json").status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/conflicts/{conflict.pk}/end/", {}, format="json").status_code == 404
    )


def test_the_association_gets_404_outside_its_industries(api_for, cast, other_unit):
    client = api_for(cast.association)
    assert client.get(f"/api/v1/review-units/{other_unit.pk}/").status_code == 404
    response = client.post(
        "/api/v1/reviewers/",
        {"unit": other_unit.pk, "name": "x", "certificate_no": "X-1"},
        format="json",
    )
    assert response.status_code == 400 and "unit" in response.json()


def test_the_unit_itself_reads_but_gets_403_on_writes(api_for, cast, unit, reviewer, conflict):
    client = api_for(cast.reviewer)
    assert client.get(f"/api/v1/review-units/{unit.pk}/").status_code == 200
    assert (
        client.post(
            f"/api/v1/review-units/{unit.pk}/status/",
            {"status": "suspended", "reason": "x"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/reviewers/",
            {"unit": unit.pk, "name": "x", "certificate_no": "X-1"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.patch(f"/api/v1/reviewers/{reviewer.pk}/", {"name": "x"}, format="json").status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/reviewers/{reviewer.pk}/deactivate/", {}, format="json").status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/conflicts/",
            {
                "unit": unit.pk,
                "enterprise": cast.ent.pk,
                "kind": "ownership",
                "started_on": "2024-01-01",
            },
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/conflicts/{conflict.pk}/end/", {}, format="json").status_code == 403
    )
    assert not Reviewer.objects.filter(certificate_no="X-1").exists()


def test_the_status_changes_with_a_reason_audited(api_for, cast, unit):
    client = api_for(cast.association)
    url = f"/api/v1/review-units/{unit.pk}/status/"

    assert client.post(url, {"status": "suspended"}, format="json").status_code == 400
    assert (
        client.post(
            url, {"status": "suspended", "reason": "x", "colour": "red"}, format="json"
        ).status_code
        == 400
    )
    response = client.post(
        url, {"status": "suspended", "reason": "资料造假嫌疑", "expected": "active"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert response.json()["status_reason"] == "资料造假嫌疑"
    assert (
        AuditEvent.objects.filter(action="review_unit.status", object_id=str(unit.pk)).count() == 1
    )


def test_a_stale_status_change_answers_409(api_for, cast, unit):
    url = f"/api/v1/review-units/{unit.pk}/status/"
    api_for(cast.city).post(url, {"status": "suspended", "reason": "a"}, format="json")

    response = api_for(cast.association).post(
        url, {"status": "suspended", "reason": "b", "expected": "active"}, format="json"
    )

    assert response.status_code == 409
    assert "Suspended" in response.json()["detail"]


# --- reviewers -----------------------------------------------------------------


def test_the_association_creates_updates_and_deactivates_a_reviewer(api_for, cast, unit):
    client = api_for(cast.association)
    response = client.post(
        "/api/v1/reviewers/",
        {"unit": unit.pk, "name": "王工", "certificate_no": "PS-9", "specialties": ["machinery"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["specialties"] == ["machinery"]

    response = client.patch(f"/api/v1/reviewers/{pk}/", {"name": "王工程师"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "王工程师"
    assert client.patch(f"/api/v1/reviewers/{pk}/", {"unit": 999}, format="json").status_code == 400

    response = client.post(f"/api/v1/reviewers/{pk}/deactivate/", {}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.post(f"/api/v1/reviewers/{pk}/deactivate/", {}, format="json").status_code == 400
    assert [
        e.action
        for e in AuditEvent.objects.filter(
            object_id=str(pk), action__startswith="reviewer."
        ).order_by("pk")
    ] == ["reviewer.create", "reviewer.update", "reviewer.deactivate"]


def test_a_duplicate_certificate_number_answers_400_naming_the_field(api_for, cast, unit, reviewer):
    response = api_for(cast.city).post(
        "/api/v1/reviewers/",
        {"unit": unit.pk, "name": "另一人", "certificate_no": "PS-1"},
        format="json",
    )

    assert response.status_code == 400
    assert "already registered to 李评审" in response.json()["certificate_no"][0]


# --- conflicts -----------------------------------------------------------------


def test_the_association_records_and_ends_a_conflict(api_for, cast, unit):
    client = api_for(cast.association)
    response = client.post(
        "/api/v1/conflicts/",
        {
            "unit": unit.pk,
            "enterprise": cast.ent.pk,
            "kind": "ownership",
            "started_on": "2024-01-01",
            "note": "交叉持股",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["enterprise_uscc"] == cast.ent.uscc and body["ended_on"] is None

    response = client.post(
        f"/api/v1/conflicts/{body['id']}/end/", {"ended_on": "2025-06-30"}, format="json"
    )
    assert response.status_code == 200 and response.json()["ended_on"] == "2025-06-30"
    assert client.post(f"/api/v1/conflicts/{body['id']}/end/", {}, format="json").status_code == 400
    assert AuditEvent.objects.filter(action__startswith="conflict.").count() == 2


def test_a_conflict_with_an_enterprise_out_of_sight_is_refused(api_for, cast, unit):
    response = api_for(cast.association).post(
        "/api/v1/conflicts/",
        {
            "unit": unit.pk,
            "enterprise": cast.other_ent.pk,
            "kind": "ownership",
            "started_on": "2024-01-01",
        },
        format="json",
    )

    assert response.status_code == 400 and "enterprise" in response.json()
    assert not ConflictRelation.objects.exists()
