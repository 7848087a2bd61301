"""POST /api/v1/publicity-batches/ for an application another batch has just
published: 409 Conflict, as documented, naming that batch; nothing written."""

from __future__ import annotations

import pytest
import time_machine

from certification.models import PublicityBatch, Status
from tests.certification.factories import make_tiered_version
from tests.certification.test_publicity import MONDAY, verified

BATCHES = "/api/v1/publicity-batches/"


@pytest.fixture
def version(db):
    return make_tiered_version()


def test_the_second_batch_for_an_application_gets_409(cast, version, api_for):
    application = verified(cast, version)
    with time_machine.travel(MONDAY):
        first = api_for(cast.district).post(
            BATCHES, {"applications": [application.pk]}, format="json"
        )
        second = api_for(cast.district_staff).post(
            BATCHES, {"applications": [application.pk]}, format="json"
        )
        far = api_for(cast.district).post(
            BATCHES, {"applications": [application.pk], "starts_on": "9999-12-31"}, format="json"
        )
    assert first.status_code == 201, first.content
    assert second.status_code == 409, second.content
    detail = second.json()["detail"]
    assert "already" in detail and first.json()["title"] in detail
    assert far.status_code in (400, 409)
    assert PublicityBatch.objects.count() == 1
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY


def test_a_publicity_years_ahead_is_a_400_naming_the_field(cast, version, api_for):
    application = verified(cast, version)
    with time_machine.travel(MONDAY):
        far = api_for(cast.district).post(
            BATCHES, {"applications": [application.pk], "starts_on": "9999-12-31"}, format="json"
        )
    assert far.status_code == 400 and "starts_on" in far.json()
    assert not PublicityBatch.objects.exists()
