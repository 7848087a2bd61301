"""POST /api/v1/auth/token/: a token for a username and password, throttled."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.cast import PASSWORD

URL = "/api/v1/auth/token/"


def post(api, username, password):
    return api.post(
        URL, {"username": username, "password": password}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )


def test_it_returns_a_token_that_authenticates_the_user(api, cast):
    response = post(api, "t-district", PASSWORD)

    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == cast.district
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == "t-district"


def test_it_returns_the_same_token_on_a_second_login(api, cast):
    assert post(api, "t-city", PASSWORD).json() == post(api, "t-city", PASSWORD).json()


def test_it_refuses_a_wrong_password_with_400_and_no_token(api, cast):
    response = post(api, "t-district", "wrong")

    assert response.status_code == 400
    assert "username or password is wrong" in response.json()["non_field_errors"][0]
    assert not Token.objects.exists()


def test_it_refuses_a_deactivated_user_like_a_wrong_password(api, cast):
    cast.district_staff.is_active = False
    cast.district_staff.save(update_fields=["is_active"])

    response = post(api, "t-district-staff", PASSWORD)

    assert response.status_code == 400
    assert "username or password is wrong" in response.json()["non_field_errors"][0]
    assert not Token.objects.exists()


def test_it_throttles_after_the_failure_limit_until_the_window_passes(api, cast):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        assert post(api, "t-district", "wrong").status_code == 400

    locked = post(api, "t-district", PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.json()["detail"]
    assert locked["Retry-After"] == str(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    assert not Token.objects.exists()
    # Another username from the same address is not affected.
    assert post(api, "t-city", PASSWORD).status_code == 200

    later = timezone.now() + datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert post(api, "t-district", PASSWORD).status_code == 200


def test_it_does_not_count_failures_before_the_limit_after_a_success(api, cast):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        post(api, "t-district", "wrong")
    assert post(api, "t-district", PASSWORD).status_code == 200

    # The success cleared the count: one more failure does not lock.
    post(api, "t-district", "wrong")
    assert post(api, "t-district", PASSWORD).status_code == 200


def test_it_caps_attempts_per_address_whatever_the_username(api, cast):
    """Against trying one password on many usernames."""
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    for attempt in range(limit):
        assert post(api, f"nobody-{attempt}", "wrong").status_code == 400

    response = post(api, "t-city", PASSWORD)

    assert response.status_code == 429
    assert not Token.objects.exists()


def test_it_rejects_unknown_fields(api, cast):
    response = api.post(
        URL,
        {"username": "t-city", "password": PASSWORD, "otp": "1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "Unknown field: otp" in response.json()["non_field_errors"][0]
    assert not Token.objects.exists()


# DELETE revokes the caller's token: tests/api/test_token_lifetime.py.
@pytest.mark.parametrize("method", ["get", "put"])
def test_it_only_accepts_post_and_delete(api, cast, method):
    assert getattr(api, method)(URL).status_code == 405
