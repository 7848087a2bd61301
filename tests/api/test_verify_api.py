"""The public verification API (certification/certificates/api_verify.py): no login."""

from __future__ import annotations

import base64

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from django.test import override_settings

from certification.certificates import signing as verify
from certification.models import Certificate
from tests.certification.test_verify import DURING, issue_certificate

URL = "/api/v1/public/verify/"
PUBLIC_KEYS = {
    "number",
    "enterprise",
    "uscc",
    "tier",
    "tier_display",
    "industry",
    "valid_from",
    "valid_until",
    "status",
    "issued_by",
}


@pytest.fixture
def certificate(cast):
    return issue_certificate(cast)


@pytest.fixture
def en(api):
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return api


def test_post_a_payload(certificate, en):
    with time_machine.travel(DURING):
        response = en.post(URL, {"payload": verify.payload_for(certificate)}, format="json")

    assert response.status_code == 200
    data = response.json()
    assert data["statement"]["state"] == "valid"
    assert data["statement"]["label"] == "Valid"
    assert data["statement"]["outdated"] == []
    assert set(data["certificate"]) == PUBLIC_KEYS
    assert data["certificate"]["number"] == certificate.number
    assert data["certificate"]["uscc"] == certificate.enterprise.uscc
    assert data["certificate"]["valid_until"] == "2029-03-11"
    assert data["signed"]["key_id"] == verify.keys().key_id
    assert "13800001111" not in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.check_count == 1


def test_post_shows_revocation_and_a_downgrade(certificate, en):
    Certificate.objects.filter(pk=certificate.pk).update(tier="2")
    certificate.refresh_from_db()
    payload = verify.payload_for(certificate)
    Certificate.objects.filter(pk=certificate.pk).update(tier="3", status="revoked")

    data = en.post(URL, {"payload": payload}, format="json").json()

    assert data["statement"]["state"] == "revoked"
    assert data["statement"]["label"] == "Revoked"
    assert data["statement"]["outdated"] == ["tier"]
    assert "Level 2" in data["statement"]["outdated_message"]
    assert data["certificate"]["tier"] == "3" and data["signed"]["tier"] == "2"


def test_post_a_tampered_payload(certificate, en):
    body, signature = verify.payload_for(certificate).split(".")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    forged = base64.urlsafe_b64encode(raw.replace("|3|", "|1|").encode()).rstrip(b"=").decode()

    response = en.post(URL, {"payload": f"{forged}.{signature}"}, format="json")

    assert response.status_code == 400
    assert response.json()["reason"] == "tampered"
    assert "altered" in response.json()["payload"][0]
    certificate.refresh_from_db()
    assert certificate.check_count == 0


@pytest.mark.parametrize("body", [{}, {"payload": ""}, {"payload": "abc"}, {"payload": "x" * 2000}])
def test_post_bad_input(db, en, body):
    response = en.post(URL, body, format="json")
    assert response.status_code == 400
    assert "payload" in response.json()


def test_get_by_number_and_by_uscc(certificate, en):
    with time_machine.travel(DURING):
        by_number = en.get(URL, {"number": certificate.number})
        by_uscc = en.get(URL, {"uscc": certificate.enterprise.uscc})
        nothing = en.get(URL, {"number": "京AQBJXⅢ202612345"})

    assert by_number.status_code == 200
    (entry,) = by_number.json()["results"]
    assert entry["statement"]["state"] == "valid"
    assert set(entry["certificate"]) == PUBLIC_KEYS
    assert by_uscc.json()["results"] == by_number.json()["results"]
    assert nothing.json()["results"] == []


def test_get_needs_a_number_or_uscc(db, en):
    response = en.get(URL)
    assert response.status_code == 400
    assert "certificate number" in response.json()["detail"]


@override_settings(CERTIFICATE_LOOKUP_LIMIT=2)
def test_get_is_limited_per_address(certificate, en, api):
    for _ in range(2):
        assert en.get(URL, {"number": certificate.number}).status_code == 200
    refused = en.get(URL, {"number": certificate.number})
    assert refused.status_code == 429
    assert "Too many lookups" in refused.json()["detail"]
    # Verifying a payload is not limited.
    assert (
        en.post(URL, {"payload": verify.payload_for(certificate)}, format="json").status_code == 200
    )


def test_the_public_key_endpoint(db, api):
    response = api.get(f"{URL}public-key/")
    assert response.status_code == 200
    data = response.json()
    key = serialization.load_pem_public_key(data["pem"].encode())
    assert data["algorithm"] == "Ed25519"
    assert data["key_id"] == verify.key_id_of(key) == verify.keys().key_id


def test_a_logged_in_user_gets_the_same_public_answer(certificate, api_for, cast):
    """A token of any user (here another district's) changes nothing: no
    private field appears, and no login is needed at all."""
    client = api_for(cast.other_district)
    data = client.post(URL, {"payload": verify.payload_for(certificate)}, format="json").json()
    assert set(data["certificate"]) == PUBLIC_KEYS


def test_a_bad_token_does_not_block_the_public_endpoint(certificate, api):
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    response = api.post(URL, {"payload": verify.payload_for(certificate)}, format="json")
    assert response.status_code == 200
