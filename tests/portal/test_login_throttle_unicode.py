"""Failed logins are counted per person and per address, whatever spelling of the
username is typed, on the login page, the token endpoint and the Django admin."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.cast import PASSWORD

# NFKC turns each of these into "t-district", the username Django authenticates.
VARIANTS = [
    "ｔ－ｄｉｓｔｒｉｃｔ",  # full-width
    "𝐭-𝐝𝐢𝐬𝐭𝐫𝐢𝐜𝐭",  # mathematical bold
    "𝓉-𝒹𝒾𝓈𝓉𝓇𝒾𝒸𝓉",  # mathematical script
    "T-DISTRICT",
    "t-district",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@override_settings(LOGIN_FAILURE_LIMIT=len(VARIANTS))
def test_unicode_variants_of_a_username_count_towards_one_lock(client, cast):
    for variant in VARIANTS:
        assert login(client, variant, "wrong").status_code == 200

    locked = login(client, "t-district", PASSWORD)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=len(VARIANTS))
def test_unicode_variants_count_towards_one_lock_on_the_token_endpoint(cast):
    api = APIClient(REMOTE_ADDR="10.0.0.2")
    for variant in VARIANTS:
        response = api.post(
            "/api/v1/auth/token/", {"username": variant, "password": "wrong"}, format="json"
        )
        assert response.status_code == 400

    locked = api.post(
        "/api/v1/auth/token/", {"username": "t-district", "password": PASSWORD}, format="json"
    )

    assert locked.status_code == 429


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=10)
def test_one_wrong_password_for_each_of_many_users_locks_the_address(client, cast):
    for number in range(12):
        response = login(client, f"user-{number}", "wrong")
        assert response.status_code == (200 if number < 10 else 429)

    # Even a right password is refused from that address for now ...
    assert login(client, "t-city", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # ... but not from another one.
    assert login(client, "t-city", PASSWORD, address="10.0.0.9").status_code == 302


def test_the_address_limit_has_a_default(client, cast):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert 1 < limit <= 50
    for number in range(limit):
        login(client, f"user-{number}", "wrong")
    assert login(client, "t-city", PASSWORD).status_code == 429


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=5)
def test_the_address_limit_also_holds_on_the_token_endpoint(cast):
    api = APIClient(REMOTE_ADDR="10.0.0.3")
    for number in range(5):
        api.post(
            "/api/v1/auth/token/",
            {"username": f"user-{number}", "password": "wrong"},
            format="json",
        )

    response = api.post(
        "/api/v1/auth/token/", {"username": "t-city", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_the_django_admin_login_is_throttled_like_the_portals(client, cast):
    cast.city.is_staff = True
    cast.city.save(update_fields=["is_staff"])
    for variant in ("t-city", "Ｔ-ＣＩＴＹ", "𝐭-𝐜𝐢𝐭𝐲"):
        response = client.post(
            "/admin/login/", {"username": variant, "password": "wrong"}, REMOTE_ADDR="10.0.0.4"
        )
        assert response.status_code == 200

    locked = client.post(
        "/admin/login/", {"username": "t-city", "password": PASSWORD}, REMOTE_ADDR="10.0.0.4"
    )

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_django_admin_login_still_lets_the_city_office_in(client, cast):
    cast.city.is_staff = True
    cast.city.save(update_fields=["is_staff"])
    page = client.get("/admin/login/")
    assert page.status_code == 200
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "t-city", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=4)
def test_the_address_limit_counts_admin_failures_too(client, cast):
    for number in range(4):
        client.post("/admin/login/", {"username": f"user-{number}", "password": "wrong"})
    assert login(client, "t-city", PASSWORD, address="127.0.0.1").status_code == 429
