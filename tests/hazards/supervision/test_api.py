"""The API of major hazards' reports and plans and of listed supervision: scope
(404), role (403), state (409), bad input (400) writing nothing, constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from hazards.models import SupervisionListing
from portal.models import AuditEvent
from tests.hazards.supervision.world import (
    PLAN,
    REPORT,
    applied,
    approved,
    evaluated,
    listed,
    major,
    pdf_file,
    reported,
    today,
)

LISTINGS = "/api/v1/hazard-listings/"
REPORTS = "/api/v1/hazard-major-reports/"
PLANS = "/api/v1/hazard-treatment-plans/"


@pytest.fixture
def api_for():
    def login(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return login


def test_the_report_and_plan_through_the_api(cast, api_for):
    hazard = major(cast)
    staff, principal = api_for(cast.enterprise_staff), api_for(cast.enterprise)
    assert staff.get(f"{REPORTS}{hazard.pk}/").status_code == 404  # none yet
    response = staff.put(f"{REPORTS}{hazard.pk}/", REPORT, format="json")
    assert response.status_code == 200 and response.json()["submitted_at"] is None
    # A draft is the enterprise's own.
    assert api_for(cast.district).get(f"{REPORTS}{hazard.pk}/").status_code == 404
    assert staff.post(f"{REPORTS}{hazard.pk}/submit/").status_code == 403
    response = principal.post(f"{REPORTS}{hazard.pk}/submit/")
    assert response.status_code == 200 and len(response.json()["receipts"]) == 2
    assert principal.put(f"{REPORTS}{hazard.pk}/", REPORT, format="json").status_code == 409
    district = api_for(cast.district)
    inbox = district.get(REPORTS, {"to_acknowledge": "true"}).json()["results"]
    assert [row["hazard"] for row in inbox] == [hazard.pk]
    assert district.post(f"{REPORTS}{hazard.pk}/acknowledge/").status_code == 200
    assert district.get(REPORTS, {"to_acknowledge": "true"}).json()["results"] == []
    assert district.post(f"{REPORTS}{hazard.pk}/acknowledge/").status_code == 409
    assert api_for(cast.street).post(f"{REPORTS}{hazard.pk}/acknowledge/").status_code == 403
    response = staff.put(f"{PLANS}{hazard.pk}/", {**PLAN, "goals_and_tasks": ""}, format="json")
    assert response.status_code == 200 and response.json()["missing"]
    assert staff.put(f"{PLANS}{hazard.pk}/", {"nonsense": "x"}, format="json").status_code == 400


@pytest.mark.parametrize("who", ["other_district", "other_enterprise", "other_regulator"])
def test_outsiders_get_404_everywhere(cast, api_for, who):
    listing = applied(cast)
    client = api_for(getattr(cast, who))
    audits = AuditEvent.objects.count()
    assert client.get(f"{REPORTS}{listing.hazard_id}/").status_code == 404
    assert client.get(f"{PLANS}{listing.hazard_id}/").status_code == 404
    assert client.get(f"{LISTINGS}{listing.pk}/").status_code == 404
    assert client.get(f"{LISTINGS}{listing.pk}/notice/").status_code == 404
    assert client.post(f"{LISTINGS}{listing.pk}/review/", {}, format="json").status_code == 404
    body = {"hazard": listing.hazard_id, "deadline": today().isoformat(), "suspension": "none"}
    body["requirements"] = "x"
    assert client.post(LISTINGS, body, format="json").status_code == 404
    assert client.get(LISTINGS).json()["results"] == []
    assert AuditEvent.objects.count() == audits


def test_listing_and_reviewing_through_the_api(cast, api_for):
    hazard = approved(cast)
    body = {
        "hazard": hazard.pk,
        "deadline": (today() + datetime.timedelta(days=30)).isoformat(),
        "suspension": "partial",
        "requirements": "限期治理。",
    }
    assert api_for(cast.enterprise).post(LISTINGS, body, format="json").status_code == 403
    assert api_for(cast.street).post(LISTINGS, body, format="json").status_code == 403
    response = api_for(cast.district).post(LISTINGS, body, format="json")
    assert response.status_code == 201
    listing_id = response.json()["id"]
    assert response.json()["number"].startswith("京110105督")
    assert api_for(cast.district).post(LISTINGS, body, format="json").status_code == 409
    enterprise = api_for(cast.enterprise)
    url = f"{LISTINGS}{listing_id}/"
    assert enterprise.post(url + "progress/", {"text": "进展"}, format="json").status_code == 200
    assert enterprise.post(url + "apply-close/", {"text": "申请"}, format="json").status_code == 400
    bad = SimpleUploadedFile("x.pdf", b"plain text")
    form = {"by": "own_experts", "body_name": "专家", "conclusion": "合格"}
    form["evaluated_on"] = today().isoformat()
    response = enterprise.post(url + "evaluations/", {**form, "file": bad}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    response = enterprise.post(
        url + "evaluations/", {**form, "file": pdf_file()}, format="multipart"
    )
    assert response.status_code == 200
    file_id = response.json()["evaluations"][0]["files"][0]["id"]
    assert api_for(cast.district).get(f"{url}files/{file_id}/").status_code == 200
    assert enterprise.post(url + "apply-close/", {"text": "申请"}, format="json").status_code == 200
    review = {"verdict": "closed", "reviewers": [cast.district.pk], "opinion": "同意"}
    assert enterprise.post(url + "review/", review, format="json").status_code == 403
    assert api_for(cast.city).post(url + "review/", review, format="json").status_code == 403
    response = api_for(cast.district).post(url + "review/", review, format="json")
    assert response.status_code == 400 and "reviewers" in response.json()
    review["reviewers"] = [cast.district.pk, cast.district_staff.pk]
    response = api_for(cast.district_staff).post(url + "review/", review, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert api_for(cast.district).get(url + "notice/")["Content-Type"] == "application/pdf"


def test_the_street_reads_listings_and_acts_on_none(cast, api_for):
    listing = evaluated(cast, listed(cast))
    client = api_for(cast.street)
    data = client.get(f"{LISTINGS}{listing.pk}/").json()
    assert data["moves"] == []
    for action, body in (("progress", {"text": "x"}), ("apply-close", {"text": "x"})):
        assert (
            client.post(f"{LISTINGS}{listing.pk}/{action}/", body, format="json").status_code == 403
        )


def test_the_list_filters_and_takes_the_same_queries(cast, api_for, django_assert_max_num_queries):
    reported(cast)
    listed(cast)
    client = api_for(cast.district)
    with django_assert_max_num_queries(20) as few:
        client.get(LISTINGS)
    for _ in range(4):
        applied(cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = client.get(LISTINGS).json()["results"]
    assert len(rows) == 5
    due = client.get(LISTINGS, {"review_due": "true"}).json()["results"]
    assert len(due) == 4 and all(row["review_due"] for row in due)
    assert client.get(LISTINGS, {"status": "bogus"}).status_code == 400
    assert SupervisionListing.objects.count() == 5
