"""API tokens expire, end with the user's logout and can be revoked by their owner."""

from __future__ import annotations

import datetime

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.models import AuditEvent
from tests.cast import PASSWORD

URL = "/api/v1/auth/token/"


def token_for(api, username="t-district"):
    response = api.post(URL, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()["token"]


def me(token):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/")


def test_a_token_expires_after_its_lifetime_and_a_new_one_is_issued(api, cast):
    token = token_for(api)
    lifetime = datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert me(token).status_code == 200

    with time_machine.travel(timezone.now() + lifetime - datetime.timedelta(minutes=1)):
        assert me(token).status_code == 200
    with time_machine.travel(timezone.now() + lifetime + datetime.timedelta(minutes=1)):
        expired = me(token)
        assert expired.status_code == 401
        assert "expired" in expired.json()["detail"]
        fresh = token_for(api)
        assert fresh != token
        assert me(fresh).status_code == 200


def test_the_lifetime_is_a_setting_of_hours():
    assert 1 <= settings.API_TOKEN_TTL_HOURS <= 24 * 31


def test_logging_out_of_the_pages_revokes_the_token(api, client, cast):
    token = token_for(api)
    client.post(reverse("login"), {"username": "t-district", "password": PASSWORD})

    client.post(reverse("logout"))

    assert me(token).status_code == 401
    assert not Token.objects.filter(user=cast.district).exists()
    assert AuditEvent.objects.filter(
        action="api_token.revoke", object_id=str(cast.district.pk)
    ).exists()


def test_the_owner_revokes_their_token_with_delete(api, cast):
    token = token_for(api)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api.delete(URL)

    assert response.status_code == 204
    assert me(token).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    # Another user's token is untouched.
    other = token_for(APIClient(), "t-city")
    assert me(other).status_code == 200


def test_delete_without_credentials_is_401(api, cast):
    assert api.delete(URL).status_code == 401
