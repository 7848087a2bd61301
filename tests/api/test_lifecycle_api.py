"""API of the certificate lifecycle and accidents (certification/lifecycle/api.py)."""

from __future__ import annotations

import pytest
import time_machine

from certification.models import AnnouncementBatch, Certificate
from enterprises.models import Accident
from tests.certification.factories import make_tiered_version
from tests.certification.lifecycle_factories import issue


@pytest.fixture
def certificate(cast, db):
    return issue(cast, make_tiered_version())


def url(certificate, name):
    return f"/api/v1/certificates/{certificate.pk}/{name}/"


def test_history(cast, certificate, api_for):
    response = api_for(cast.district).get(url(certificate, "history"))
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == certificate.number and data["status"] == "valid"
    assert [e["action"] for e in data["events"]] == ["issued"]
    assert [a["year"] for a in data["annual_assessments"]] == [1, 2, 3]
    assert data["actions"] == [
        "suspend",
        "revoke",
    ]  # no downgrade: a lower grade is a new certificate
    enterprise = api_for(cast.enterprise).get(url(certificate, "history")).json()
    assert enterprise["actions"] == []


def test_suspend_reinstate_revoke(cast, certificate, api_for):
    client = api_for(cast.district)
    response = client.post(
        url(certificate, "suspend"), {"reason": "major_hazard", "note": "逾期未整改"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    response = client.post(url(certificate, "reinstate"), {"note": "已整改"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "valid"
    response = client.post(
        url(certificate, "revoke"), {"reason": "fatal_accident", "note": "死亡事故"}, format="json"
    )
    data = response.json()
    assert response.status_code == 200 and data["status"] == "revoked"
    assert data["reapply_locked_until"]
    assert [e["action"] for e in data["events"]] == ["issued", "suspended", "reinstated", "revoked"]
    assert AnnouncementBatch.objects.filter(kind="revocation").count() == 1


def test_revocation_announcements_list_the_revoked_certificates(cast, certificate, api_for):
    from rest_framework.test import APIClient

    api_for(cast.district).post(
        url(certificate, "revoke"), {"reason": "fatal_accident", "note": "内部说明"}, format="json"
    )
    public = APIClient().get("/api/v1/public/announcements/")
    (announcement,) = [a for a in public.json()["results"] if a["kind"] == "revocation"]
    assert announcement["certificates"] == []
    (revocation,) = announcement["revocations"]
    assert revocation["reason"] == "fatal_accident"
    assert revocation["certificate"]["number"] == certificate.number
    assert revocation["certificate"]["status"] == "revoked"
    assert "application" not in revocation["certificate"]
    assert "内部说明" not in public.content.decode()
    staff = api_for(cast.district).get(f"/api/v1/announcements/{announcement['id']}/").json()
    assert [r["certificate"]["id"] for r in staff["revocations"]] == [certificate.pk]
    # The award announcement that issued it lists no revocation.
    award = api_for(cast.district).get(f"/api/v1/announcements/{certificate.announcement_id}/")
    assert award.json()["revocations"] == []
    assert (
        api_for(cast.other_district).get(f"/api/v1/announcements/{announcement['id']}/").status_code
        == 404
    )


def test_refusals(cast, certificate, api_for):
    client = api_for(cast.district)
    response = client.post(url(certificate, "reinstate"), {"note": "x"}, format="json")
    assert response.status_code == 409 and "cannot be reinstated" in str(response.json())
    response = client.post(url(certificate, "suspend"), {"reason": "", "note": "x"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(
        url(certificate, "suspend"), {"reason": "bogus", "note": "x"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(
        url(certificate, "suspend"), {"reason": "other", "note": "x", "extra": 1}, format="json"
    )
    assert response.status_code == 400
    response = client.post(
        url(certificate, "downgrade"), {"reason": "other", "note": "x", "tier": "2"}, format="json"
    )
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_scope_and_role(cast, certificate, api_for):
    body = {"reason": "other", "note": "x"}
    for outsider in (cast.other_district, cast.other_enterprise, cast.reviewer):
        client = api_for(outsider)
        assert client.get(url(certificate, "history")).status_code == 404
        assert client.post(url(certificate, "revoke"), body, format="json").status_code == 404
    for wrong_role in (cast.enterprise, cast.group):
        response = api_for(wrong_role).post(url(certificate, "revoke"), body, format="json")
        assert response.status_code == 403
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"
    assert (
        api_for(cast.city).post(url(certificate, "suspend"), body, format="json").status_code == 200
    )


def test_accidents(cast, certificate, api_for):
    path = f"/api/v1/enterprises/{cast.ent.pk}/accidents/"
    body = {
        "occurred_on": "2026-05-20",
        "deaths": 1,
        "serious_injuries": 0,
        "direct_loss": "20.00",
        "description": "高处坠落",
    }
    with time_machine.travel("2026-06-01 10:00 +0800"):
        response = api_for(cast.district).post(path, body, format="json")
    assert response.status_code == 201 and response.json()["deaths"] == 1
    certificate.refresh_from_db()
    assert certificate.review_flagged_at is not None
    listed = api_for(cast.regulator).get(path)
    assert listed.status_code == 200 and listed.json()["count"] == 1
    # Wrong role in scope: 403; outside: 404; bad input: 400.
    assert api_for(cast.regulator).post(path, body, format="json").status_code == 403
    assert api_for(cast.other_district).get(path).status_code == 404
    assert api_for(cast.other_enterprise).post(path, body, format="json").status_code == 404
    response = api_for(cast.enterprise).post(
        path, {**body, "occurred_on": "2999-01-01"}, format="json"
    )
    assert response.status_code == 400 and "occurred_on" in response.json()
    response = api_for(cast.enterprise).post(path, {**body, "direct_loss": "-1"}, format="json")
    assert response.status_code == 400
    assert Accident.objects.count() == 1
