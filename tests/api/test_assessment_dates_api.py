"""/api/v1/assessments/ refuses a period outside 2000 .. five years ahead
(year 0001 or 9999) with a 400 naming the field, and saves nothing."""

from __future__ import annotations

import datetime

import pytest

from reviews.models import Assessment
from tests.certification.factories import make_tiered_version
from tests.reviews.test_assessment_dates import BAD_PERIODS, draft

URL = "/api/v1/assessments/"


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.mark.parametrize(("change", "field"), BAD_PERIODS)
def test_the_api_refuses_a_period_out_of_bounds(cast, version, api_for, change, field):
    client = api_for(cast.enterprise)
    created = client.post(URL, {"version": version.pk, **change}, format="json")
    assert created.status_code == 400, created.content
    assert "The period must lie between 2000-01-01 and" in created.json()[field][0]
    assert not Assessment.objects.exists()

    assessment = draft(cast, version)
    patched = client.patch(f"{URL}{assessment.pk}/", change, format="json")
    assert patched.status_code == 400
    assert field in patched.json()
    assessment.refresh_from_db()
    assert (assessment.period_start, assessment.period_end) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
