"""An id of more digits than the database holds is refused or not found, never a server
error (SQLite raises OverflowError, PostgreSQL "bigint out of range"): portal/ids.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from certification.models import Finding
from tests.certification.factories import application_in_review, make_tiered_version

HUGE = "9" * 30


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.mark.parametrize(
    "url, field",
    [
        (f"/api/v1/applications/?enterprise={HUGE}", "enterprise"),
        (f"/api/v1/assessments/?version={HUGE}", "version"),
        (f"/api/v1/assessments/?enterprise={HUGE}", "enterprise"),
    ],
)
def test_filters_refuse_an_impossible_id(cast, api_for, url, field):
    response = api_for(cast.city).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/reviewers/?unit={HUGE}",
        f"/api/v1/conflicts/?unit={HUGE}",
        f"/api/v1/conflicts/?enterprise={HUGE}",
    ],
)
def test_optional_filters_ignore_an_impossible_id(cast, api_for, url):
    assert api_for(cast.city).get(url).status_code == 200


def test_a_verification_batch_of_impossible_ids(cast, api_for):
    response = api_for(cast.district).post(
        "/api/v1/verification-batches/", {"applications": [int(HUGE)]}, format="json"
    )
    assert response.status_code == 400 and "applications" in response.json()


def test_the_review_api_and_pages_refuse_impossible_ids(cast, version, api_for, client_for):
    application = application_in_review(cast, version)
    api = api_for(cast.reviewer)
    base = f"/api/v1/applications/{application.pk}/review"
    response = api.post(
        f"{base}/findings/",
        {"kind": "deduction", "text": "x", "criterion": int(HUGE)},
        format="json",
    )
    assert response.status_code == 400 and "criterion" in response.json()
    response = api.post(f"{base}/sign/", {"reviewer": int(HUGE)}, format="json")
    assert response.status_code == 400 and "reviewer" in response.json()

    client = client_for(cast.reviewer)
    page = client.post(
        reverse("certification:review_findings", args=[application.pk]),
        {"kind": "deduction", "text": "x", "criterion": HUGE},
    )
    assert page.status_code == 400
    assert not Finding.objects.filter(review__application=application).exists()
    page = client.post(
        reverse("certification:review_sign", args=[application.pk]), {"reviewer": HUGE}
    )
    assert page.status_code == 404


def test_the_verification_page_ignores_impossible_ids(cast, client_for):
    response = client_for(cast.district).post(
        reverse("certification:verification_batch_create"), {"applications": [HUGE]}
    )
    assert response.status_code in (302, 400)
