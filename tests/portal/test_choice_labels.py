"""The API's choice labels (``status_display``, ``tier_display``…) read as Django's own
``get_FOO_display`` in the request's language, and keep doing so when one process
answers in Chinese, then English, then Chinese again; so do the district's and the
industry's names read from their reference tables (``district_name``,
``industry_name``)."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIClient

from certification.models import Application, Status
from portal.api.labels import ChoiceLabelField
from tests.certification.factories import make_tiered_version, submitted_application

pytestmark = pytest.mark.django_db


def _row(user, language: str) -> dict:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get("/api/v1/applications/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    return row


def test_labels_follow_the_request_language(cast):
    application = submitted_application(cast, make_tiered_version())
    seen = {}
    for language in ("zh-hans", "en", "zh-hans"):
        row = _row(cast.city, language)
        with translation.override(language):
            assert row["status_display"] == application.get_status_display()
            assert row["tier_display"] == application.get_tier_display()
            assert row["district_name"] == cast.chaoyang.display_name
            assert row["industry_name"] == application.industry.display_name
        seen.setdefault(language, row["status_display"])
    assert seen["en"] == "Submitted"
    assert seen["zh-hans"] not in ("", "Submitted")
    assert _row(cast.city, "en")["district_name"] == cast.chaoyang.name_en != cast.chaoyang.name


class _Labels(serializers.ModelSerializer):
    status_display = ChoiceLabelField("status")

    class Meta:
        model = Application
        fields = ["status", "status_display"]


def test_a_value_without_a_label_shows_as_itself_and_none_stays_none():
    unknown = Application(status="no_such_state")
    assert _Labels(unknown).data["status_display"] == "no_such_state"
    with translation.override("en"):
        assert _Labels(Application(status=Status.SUBMITTED)).data["status_display"] == "Submitted"
    assert _Labels(Application(status=None)).data["status_display"] is None


def test_the_label_is_read_only():
    assert _Labels().fields["status_display"].read_only
