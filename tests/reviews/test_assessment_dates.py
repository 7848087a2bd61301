"""An assessment's period lies within sane bounds (from 2000 to five years
ahead): the page and the API refuse year 0001 or 9999 with a clear message
and save nothing (the API: tests/api/test_assessment_dates_api.py)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from portal.models import AuditEvent
from reviews import services
from reviews.models import Assessment
from tests.certification.factories import make_tiered_version

BAD_PERIODS = [
    ({"period_start": "0001-01-01"}, "period_start"),
    ({"period_end": "9999-12-31"}, "period_end"),
    ({"period_start": "1999-12-31"}, "period_start"),
    ({"period_start": "9998-01-01", "period_end": "9999-12-31"}, "period_start"),
]


@pytest.fixture
def version(db):
    return make_tiered_version()


def draft(cast, version) -> Assessment:
    return services.assessment_create(
        actor=cast.enterprise,
        enterprise=cast.ent,
        version=version,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )


def test_the_bounds_are_from_2000_to_five_years_ahead(cast, version):
    today = timezone.localdate()
    last = (
        today.replace(year=today.year + 5)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year + 5, day=28)
    )
    made = services.assessment_create(
        actor=cast.enterprise,
        enterprise=cast.ent,
        version=version,
        period_start=datetime.date(2000, 1, 1),
        period_end=last,
    )
    assert (made.period_start, made.period_end) == (datetime.date(2000, 1, 1), last)
    with pytest.raises(services.ServiceError) as refused:
        services.assessment_update(
            actor=cast.enterprise, assessment=made, period_end=last + datetime.timedelta(days=1)
        )
    assert refused.value.field == "period_end"


@pytest.mark.parametrize(("change", "field"), BAD_PERIODS)
def test_the_start_page_refuses_a_period_out_of_bounds(cast, version, client, change, field):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.enterprise)
    data = {
        "version": version.pk,
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "team_leader": "",
        "team_members": "",
        "deaths_last_year": "0",
        **change,
    }
    response = client.post("/assessments/new/", data)
    assert response.status_code == 422
    assert "The period must lie between 2000-01-01 and" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(("change", "field"), BAD_PERIODS)
def test_the_team_form_refuses_a_period_out_of_bounds(cast, version, client, change, field):
    assessment = draft(cast, version)
    audit = AuditEvent.objects.count()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.enterprise)
    data = {
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "team_leader": "王强",
        "team_members": "",
        "deaths_last_year": "0",
        **change,
    }
    response = client.post(
        f"/assessments/{assessment.pk}/team/", data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "The period must lie between 2000-01-01 and" in response.content.decode()
    assessment.refresh_from_db()
    assert (assessment.period_start, assessment.period_end, assessment.team_leader) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
        "",
    )
    assert AuditEvent.objects.count() == audit
