"""The publicity, objection, announcement and certificate endpoints, and the
public announcements (no login)."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from certification.models import Application, Objection, PublicityBatch, Status
from certification.publicity import objections
from certification.publicity import rules as publicity
from tests.certification.factories import make_tiered_version
from tests.certification.test_publicity import (
    AFTER,
    MONDAY,
    item_of,
    lodge,
    new_enterprise,
    published,
    verified,
)

BATCHES = "/api/v1/publicity-batches/"
ANNOUNCEMENTS = "/api/v1/announcements/"
CERTIFICATES = "/api/v1/certificates/"


@pytest.fixture
def version(db):
    return make_tiered_version()


def resolve_url(objection) -> str:
    return f"/api/v1/objections/{objection.pk}/resolve/"


def test_the_district_publishes_and_lists_its_batches(cast, version, api_for):
    application = verified(cast, version)
    with time_machine.travel(MONDAY):
        created = api_for(cast.district).post(
            BATCHES, {"applications": [application.pk]}, format="json"
        )
        listed = api_for(cast.district).get(BATCHES)

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["starts_on"], body["ends_on"], body["is_open"]) == (
        "2026-03-02",
        "2026-03-11",
        True,
    )
    assert body["items"][0]["enterprise_name"] == cast.ent.name
    assert body["items"][0]["tier"] == "3"
    assert [b["id"] for b in listed.json()["results"]] == [body["id"]]
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY


def test_publishing_refusals(cast, version, api_for):
    application = verified(cast, version)
    other, user = new_enterprise(cast, "北京朝阳第二机械厂")
    reported = verified(cast, version, other, user)
    Application.objects.filter(pk=reported.pk).update(status=Status.REPORTED)
    with time_machine.travel(MONDAY):
        enterprise = api_for(cast.enterprise).post(
            BATCHES, {"applications": [application.pk]}, format="json"
        )
        reviewer = api_for(cast.reviewer).post(
            BATCHES, {"applications": [application.pk]}, format="json"
        )
        city = api_for(cast.city).post(BATCHES, {"applications": [application.pk]}, format="json")
        other_district = api_for(cast.other_district).post(
            BATCHES, {"applications": [application.pk]}, format="json"
        )
        not_verified = api_for(cast.district).post(
            BATCHES, {"applications": [application.pk, reported.pk]}, format="json"
        )
        unknown = api_for(cast.district).post(
            BATCHES, {"applications": [application.pk], "until": "2026-04-01"}, format="json"
        )
        past = api_for(cast.district).post(
            BATCHES, {"applications": [application.pk], "starts_on": "2026-01-01"}, format="json"
        )

    assert enterprise.status_code == reviewer.status_code == city.status_code == 403
    assert other_district.status_code == 400  # not in its scope: no such application
    assert not_verified.status_code == 400
    assert other.name in str(not_verified.json())
    assert unknown.status_code == 400
    assert past.status_code == 400 and "starts_on" in past.json()
    assert not PublicityBatch.objects.exists()


def test_batch_scope(cast, version, api_for):
    with time_machine.travel(MONDAY):
        batch, _ = published(cast, version)
        other = api_for(cast.other_district)
        assert other.get(BATCHES).json()["results"] == []
        assert other.get(f"{BATCHES}{batch.pk}/").status_code == 404
        assert api_for(cast.city).get(f"{BATCHES}{batch.pk}/").status_code == 200
        for role in ("enterprise", "reviewer", "group", "street"):
            assert api_for(getattr(cast, role)).get(BATCHES).status_code == 403
        # A regulator grades level 2: it publishes its own batches, not 朝阳区's.
        regulator = api_for(cast.regulator)
        assert regulator.get(BATCHES).json()["results"] == []
        assert regulator.get(f"{BATCHES}{batch.pk}/").status_code == 404
        assert APIClient().get(BATCHES).status_code == 401


def test_resolving_an_objection(cast, version, api_for):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        objection = lodge(item_of(application))
        body = {"outcome": "upheld", "resolution": "经核查属实。"}
        other = api_for(cast.other_district).post(resolve_url(objection), body, format="json")
        enterprise = api_for(cast.enterprise).post(resolve_url(objection), body, format="json")
        city = api_for(cast.city).post(resolve_url(objection), body, format="json")
        empty = api_for(cast.district).post(
            resolve_url(objection), {"outcome": "upheld", "resolution": ""}, format="json"
        )
        done = api_for(cast.district).post(resolve_url(objection), body, format="json")
        again = api_for(cast.district).post(resolve_url(objection), body, format="json")

    assert other.status_code == enterprise.status_code == 404
    assert city.status_code == 403
    assert empty.status_code == 400
    assert done.status_code == 200 and done.json()["outcome"] == "upheld"
    assert again.status_code == 409
    application.refresh_from_db()
    assert application.status == Status.REPORTED
    assert item_of(application).removed_at is not None


def test_announcing_through_the_api(cast, version, api_for):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        objection = lodge(item_of(application))
        early = api_for(cast.district).post(
            ANNOUNCEMENTS, {"applications": [application.pk]}, format="json"
        )
    with time_machine.travel(AFTER):
        unresolved = api_for(cast.district).post(
            ANNOUNCEMENTS, {"applications": [application.pk]}, format="json"
        )
        objections.objection_resolve(
            actor=cast.district, objection=objection, outcome="dismissed", resolution="查无实据"
        )
        forbidden = api_for(cast.enterprise).post(
            ANNOUNCEMENTS, {"applications": [application.pk]}, format="json"
        )
        created = api_for(cast.district).post(
            ANNOUNCEMENTS,
            {"applications": [application.pk], "announced_on": "2026-03-12"},
            format="json",
        )
        listed = api_for(cast.district).get(ANNOUNCEMENTS)
        other = api_for(cast.other_district).get(ANNOUNCEMENTS)

    assert early.status_code == 400 and "2026-03-11" in str(early.json())
    assert unresolved.status_code == 400 and "unresolved" in str(unresolved.json())
    assert forbidden.status_code == 403
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"].startswith("2026年第1批") and body["number"] == 1
    certificate = body["certificates"][0]
    assert (certificate["number"], certificate["valid_from"], certificate["valid_until"]) == (
        "京AQBJXⅢ202600001",
        "2026-03-12",
        "2029-03-11",
    )
    assert [a["id"] for a in listed.json()["results"]] == [body["id"]]
    assert other.json()["results"] == []


def _announced(cast, version):
    with time_machine.travel(MONDAY):
        _, apps = published(cast, version)
    with time_machine.travel(AFTER):
        return publicity.announcement_create(actor=cast.district, applications=apps)


def test_certificate_scope(cast, version, api_for):
    _announced(cast, version)

    def numbers(user):
        response = api_for(user).get(CERTIFICATES)
        assert response.status_code == 200
        return [c["number"] for c in response.json()["results"]]

    for user in (cast.enterprise, cast.group, cast.district, cast.city, cast.regulator):
        assert numbers(user) == ["京AQBJXⅢ202600001"]
    for user in (cast.other_enterprise, cast.other_district, cast.other_regulator):
        assert numbers(user) == []
    assert APIClient().get(CERTIFICATES).status_code == 401


def test_public_announcements_need_no_login_and_show_nothing_private(cast, version):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        lodge(item_of(application), contact="private@example.cn")
        Objection.objects.update(outcome="dismissed", resolution="查无实据")
    with time_machine.travel(AFTER):
        publicity.announcement_create(actor=cast.district, applications=[application])
    response = APIClient().get("/api/v1/public/announcements/")

    assert response.status_code == 200
    announcement = response.json()["results"][0]
    assert announcement["kind"] == "award"  # revocations are announced too
    certificate = announcement["certificates"][0]
    assert certificate["enterprise_name"] == cast.ent.name
    assert certificate["number"] == "京AQBJXⅢ202600001"
    assert "application" not in certificate
    assert "private@example.cn" not in response.content.decode()
    assert APIClient().post("/api/v1/public/announcements/", {}).status_code in (401, 403, 405)


def test_list_endpoints_run_a_bounded_number_of_queries(
    cast, version, api_for, django_assert_max_num_queries
):
    with time_machine.travel(MONDAY):
        _, apps = published(cast, version, count=3)
        for application in apps:
            lodge(
                item_of(application), ip=f"10.3.{application.pk // 250}.{application.pk % 250 + 1}"
            )
        Objection.objects.update(outcome="dismissed", resolution="查无实据")
    with time_machine.travel(AFTER):
        publicity.announcement_create(actor=cast.district, applications=apps)
    client = api_for(cast.district)
    for url in (BATCHES, ANNOUNCEMENTS, CERTIFICATES):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    # count, page, their certificates, their revocations: never every certificate.
    with django_assert_max_num_queries(4):
        APIClient().get("/api/v1/public/announcements/")


def test_withdraw_from_publicity_on_the_application_removes_the_item(cast, version, api_for):
    with time_machine.travel(MONDAY):
        _, (application,) = published(cast, version)
        response = api_for(cast.district).post(
            f"/api/v1/applications/{application.pk}/withdraw-from-publicity/",
            {"comment": "企业发生生产安全事故。"},
            format="json",
        )

    assert response.status_code == 200
    assert item_of(application).removed_at is not None
