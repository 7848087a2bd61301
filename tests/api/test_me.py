"""GET /api/v1/me/, and what a user of a not-yet-verified organisation may do."""

import pytest

from enterprises.models import Enterprise
from tests.cast import PASSWORD

DATA_ENDPOINTS = [
    ("get", "/api/v1/enterprises/"),
    ("get", "/api/v1/organisations/"),
    ("get", "/api/v1/users/"),
    ("get", "/api/v1/regions/"),
    ("get", "/api/v1/regions/110105/streets/"),
    ("get", "/api/v1/industries/"),
    ("post", "/api/v1/users/"),
    ("post", "/api/v1/enterprises/"),
    ("get", "/api/v1/review-units/"),
    ("get", "/api/v1/reviewers/"),
    ("get", "/api/v1/conflicts/"),
]


def test_it_describes_the_user_their_organisation_and_role(api_for, cast):
    response = api_for(cast.district_staff).get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "t-district-staff"
    assert body["role"] == "staff"
    assert body["can_act"] is True
    assert body["organisation"] == {
        "id": cast.district_staff.organisation_id,
        "name": "朝阳区人民政府",
        "kind": "district",
        "status": "active",
        "status_reason": "",
    }


def test_it_works_with_the_browser_session(api, cast):
    api.force_login(cast.city)

    assert api.get("/api/v1/me/").json()["organisation"]["kind"] == "city_office"


def test_it_answers_401_with_a_token_challenge_without_credentials(api, cast):
    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_refuses_an_unknown_token_with_401(api, cast):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    assert api.get("/api/v1/me/").status_code == 401


def test_a_pending_enterprise_gets_a_token_and_sees_its_status(api, pending_user):
    token = api.post(
        "/api/v1/auth/token/", {"username": "t-pending", "password": PASSWORD}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    body = api.get("/api/v1/me/").json()

    assert body["can_act"] is False
    assert body["organisation"]["status"] == "pending"


@pytest.mark.parametrize(("method", "url"), DATA_ENDPOINTS)
def test_a_pending_enterprise_is_refused_every_data_endpoint(api_for, pending_user, method, url):
    response = getattr(api_for(pending_user), method)(url, {}, format="json")

    assert response.status_code == 403
    assert "pending verification" in response.json()["detail"]


def test_a_pending_enterprise_cannot_read_its_own_registry_entry(api_for, cast, pending_user):
    # The registry entry of the USCC it claimed (registrations change nothing in it).
    enterprise = Enterprise.objects.create(
        name="北京待审核科技有限公司",
        region=cast.chaoyang,
        uscc=pending_user.organisation.registration_claim.uscc,
    )

    response = api_for(pending_user).get(f"/api/v1/enterprises/{enterprise.pk}/")

    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url"), DATA_ENDPOINTS)
def test_an_anonymous_request_gets_401(api, cast, method, url):
    assert getattr(api, method)(url, {}, format="json").status_code == 401


def test_the_api_root_lists_the_endpoints_for_active_users_only(api, api_for, cast, pending_user):
    assert api.get("/api/v1/").status_code == 401
    assert api_for(pending_user).get("/api/v1/").status_code == 403
    response = api_for(cast.city).get("/api/v1/")
    assert response.status_code == 200
    assert set(response.json()) == {
        "organisations",
        "users",
        "enterprises",
        "regions",
        "industries",
        "standards",
        "standard-versions",
        "assessments",
        "applications",
        "queue",
        "notifications",
        "review-units",
        "reviewers",
        "conflicts",
        "verification-batches",
        "publicity-batches",
        "announcements",
        "certificates",
        "public/announcements",
        "hazards",
        "hazard-catalogues",
        "hazard-catalogue-items",
        "hazard-major-reports",
        "hazard-listings",
        "public-hazard-listings",
        "inspection-plans",
        "inspection-records",
        "government-inspections",
        "tip-offs",
        "hazard-imports",
        "hazard-worklist",
        "self-reports",
        "self-report-status",
        "reporting-rules",
        "quarterly-tables",
        "targets",
        "statistics/compliance",
        "statistics/certificates",
        "statistics/reviews",
        "statistics/hazards",
        "statistics/accidents",
        "statistics/targets",
        "statistics/trends",
        "dashboards/me",
        "worklists",
        "disqualification-proposals",
        "assessment/reports",
        "assessment/runs",
        "standing/warnings",
        "standing/tiers",
    }
