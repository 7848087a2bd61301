"""/api/v1/verification-batches/ and /api/v1/spot-checks/<id>/record/.

Organisers (the receivers that verify reports) list, make and read their own
batches; the city office reads every batch; other organisations get 403 on
the list and 404 on a batch. A spot check is recorded by the application's
receiver: 404 outside the application's scope, 403 for the wrong role, 409
when already recorded. Refused requests write nothing.
"""

from __future__ import annotations

import pytest

from certification.models import Application, SpotCheck, Status, VerificationBatch
from certification.verification import rules as verification
from certification.verification import spot_checks
from tests.certification.factories import make_tiered_version
from tests.certification.test_verification import (
    drawn_check,
    make_batch,
    nothing_written,
    reported,
    reported_many,
)

BATCHES = "/api/v1/verification-batches/"


def record_url(check) -> str:
    return f"/api/v1/spot-checks/{check.pk}/record/"


@pytest.fixture
def version(db):
    return make_tiered_version()


def test_the_list_is_scoped_to_the_organiser_and_the_city_sees_all(cast, version, api_for):
    district_batch = make_batch(cast, [reported(cast, version, 1)])
    level2_batch = make_batch(cast, [reported(cast, version, tier="2")], actor=cast.association)

    def listed(user):
        response = api_for(user).get(BATCHES)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert listed(cast.district) == {district_batch.pk}
    assert listed(cast.association) == {level2_batch.pk}
    assert listed(cast.other_district) == set()
    assert listed(cast.city) == {district_batch.pk, level2_batch.pk}
    row = api_for(cast.district).get(BATCHES).json()["results"][0]
    assert row["items"] == 1 and row["drawn"] == 1 and row["pending"] == 1


@pytest.mark.parametrize("role", ["reviewer", "enterprise", "regulator", "group"])
def test_other_roles_get_403_on_the_list_and_404_on_a_batch(cast, version, api_for, role):
    batch = make_batch(cast, [reported(cast, version)])
    client = api_for(getattr(cast, role))
    assert client.get(BATCHES).status_code == 403
    assert client.get(f"{BATCHES}{batch.pk}/").status_code == 404


def test_a_batch_of_another_organiser_is_404(cast, version, api_for):
    batch = make_batch(cast, [reported(cast, version)])
    for outsider in (cast.other_district, cast.association):
        assert api_for(outsider).get(f"{BATCHES}{batch.pk}/").status_code == 404
    assert api_for(cast.city).get(f"{BATCHES}{batch.pk}/").status_code == 200


def test_anonymous_requests_are_401(api, cast):
    assert api.get(BATCHES).status_code == 401


def test_the_organiser_makes_a_batch_and_reads_the_seed_and_picks(cast, version, api_for):
    applications = reported_many(cast, version, 5)
    ids = [a.pk for a in applications]
    response = api_for(cast.district).post(BATCHES, {"applications": ids}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["picks"]) == 2  # ceil(5 / 3)
    assert sorted(verification.draw(body["seed"], ids)) == body["picks"]
    assert body["draw"]["population"] == sorted(ids) and body["draw"]["k"] == 2
    assert len(body["checks"]) == 5
    assert {c["application"] for c in body["checks"] if c["required"]} == set(body["picks"])
    detail = api_for(cast.district).get(f"{BATCHES}{body['id']}/").json()
    assert detail["seed"] == body["seed"] and detail["picks"] == body["picks"]
    assert {c["reason"] for c in detail["checks"] if c["required"]} == {"drawn"}


def test_batch_creation_refusals_write_nothing(cast, version, api_for):
    application = reported(cast, version, 1)
    level2 = reported(cast, version, tier="2")
    district = api_for(cast.district)
    # Not an organiser.
    for user in (cast.city, cast.reviewer, cast.enterprise):
        assert (
            api_for(user)
            .post(BATCHES, {"applications": [application.pk]}, format="json")
            .status_code
            == 403
        )
    # Outside the scope: unknown.
    response = api_for(cast.other_district).post(
        BATCHES, {"applications": [application.pk]}, format="json"
    )
    assert response.status_code == 400 and "applications" in response.json()
    # In scope (an enterprise of the district) but received by the association.
    response = district.post(BATCHES, {"applications": [level2.pk]}, format="json")
    assert response.status_code == 403
    assert level2.enterprise.name in response.json()["detail"]
    # Unknown fields and empty lists.
    assert (
        district.post(
            BATCHES, {"applications": [application.pk], "seed": "x"}, format="json"
        ).status_code
        == 400
    )
    assert district.post(BATCHES, {"applications": []}, format="json").status_code == 400
    assert nothing_written()
    # Already batched.
    assert (
        district.post(BATCHES, {"applications": [application.pk]}, format="json").status_code == 201
    )
    response = district.post(BATCHES, {"applications": [application.pk]}, format="json")
    assert response.status_code == 400
    assert "already in a verification batch" in response.json()["applications"][0]
    assert VerificationBatch.objects.count() == 1


def test_a_batch_is_only_of_reported_applications(cast, version, api_for):
    application = reported(cast, version)
    api_for(cast.district).post(
        f"/api/v1/applications/{application.pk}/send-back/",
        {"comment": "补充记录。"},
        format="json",
    )
    response = api_for(cast.district).post(
        BATCHES, {"applications": [application.pk]}, format="json"
    )
    assert response.status_code == 400
    assert cast.ent.name in response.json()["applications"][0]
    assert nothing_written()


def test_recording_a_check_then_verifying(cast, version, api_for):
    application = reported(cast, version)
    check = drawn_check(make_batch(cast, [application]))
    district = api_for(cast.district)
    verify = f"/api/v1/applications/{application.pk}/verify/"
    refused = district.post(verify, {}, format="json")
    assert refused.status_code == 400
    assert "still to be recorded" in str(refused.json())
    missing_notes = district.post(record_url(check), {"result": "failed"}, format="json")
    assert missing_notes.status_code == 400 and "notes" in missing_notes.json()
    assert district.post(record_url(check), {"result": "maybe"}, format="json").status_code == 400
    response = district.post(
        record_url(check), {"result": "passed", "notes": "现场核实一致。"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["result"] == "passed" and response.json()["checked_by"] == "t-district"
    again = district.post(record_url(check), {"result": "failed", "notes": "x"}, format="json")
    assert again.status_code == 409
    done = district.post(verify, {}, format="json")
    assert done.status_code == 200 and done.json()["status"] == Status.VERIFIED
    assert Application.objects.get(pk=application.pk).granted_tier == "3"


def test_recording_is_404_outside_the_scope_and_403_for_the_wrong_role(cast, version, api_for):
    check = drawn_check(make_batch(cast, [reported(cast, version)]))
    for outsider in (cast.other_district, cast.association, cast.other_enterprise):
        assert (
            api_for(outsider)
            .post(record_url(check), {"result": "passed"}, format="json")
            .status_code
            == 404
        )
    for wrong_role in (cast.regulator, cast.enterprise, cast.reviewer, cast.city):
        assert (
            api_for(wrong_role)
            .post(record_url(check), {"result": "passed"}, format="json")
            .status_code
            == 403
        )
    check.refresh_from_db()
    assert check.result == SpotCheck.Result.PENDING


def test_a_failure_through_the_api_reopens_the_batch(cast, version, api_for):
    applications = reported_many(cast, version, 3)
    batch = make_batch(cast, applications)
    check = drawn_check(batch)
    response = api_for(cast.district).post(
        record_url(check), {"result": "failed", "notes": "评分不实。"}, format="json"
    )
    assert response.status_code == 200
    detail = api_for(cast.district).get(f"{BATCHES}{batch.pk}/").json()
    assert detail["reopened_at"] is not None
    assert all(c["required"] for c in detail["checks"])
    assert {c["reason"] for c in detail["checks"] if c["result"] == "pending"} == {"reopened"}
    assert verification.spot_check_failures(check.unit) == 1


def test_a_spot_check_reads_in_scope_and_its_notes_are_the_organisers(cast, version, api_for):
    application = reported(cast, version)
    check = drawn_check(make_batch(cast, [application]))
    spot_checks.spot_check_record(
        actor=cast.district, check=check, result="failed", notes="内部记录：评分不实。"
    )
    url = f"/api/v1/spot-checks/{check.pk}/"
    organiser = api_for(cast.district).get(url).json()
    assert organiser["result"] == "failed" and organiser["notes"] == "内部记录：评分不实。"
    assert api_for(cast.city).get(url).json()["notes"] == "内部记录：评分不实。"
    enterprise = api_for(cast.enterprise).get(url)
    assert enterprise.status_code == 200
    assert enterprise.json()["result"] == "failed" and enterprise.json()["notes"] == ""
    for outsider in (cast.other_district, cast.other_enterprise, cast.association):
        assert api_for(outsider).get(url).status_code == 404
