"""Bodies over Django's request limits get a JSON error in the user's language, not
Django's HTML 400 page, and change nothing."""

from __future__ import annotations

from django.utils import translation

from portal.models import Notification

URL = "/api/v1/notifications/read/"


def test_too_many_fields_is_a_json_400(api_for, cast, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    Notification.objects.create(recipient=cast.district, text="x")
    body = "&".join(f"ids={i}" for i in range(60))
    client = api_for(cast.district)
    with translation.override("en"):
        response = client.post(
            URL, body, content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    assert response.json() == {"detail": "The request has too many fields (at most 50)."}
    assert Notification.objects.filter(recipient=cast.district, read_at__isnull=True).exists()
    response = client.post(
        URL, body, content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "字段" in response.json()["detail"]


def test_a_body_too_large_is_a_json_413(api_for, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = api_for(cast.district).post(
        URL,
        {"ids": [1], "padding": "x" * (2 * 1024 * 1024)},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large (at most 1 MB)."}
