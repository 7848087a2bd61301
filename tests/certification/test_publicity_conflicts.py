"""Publishing an application someone has just published: a conflict (409,
told who published it and where), not a refusal of bad input; and a
publicity that would start absurdly far ahead is refused."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from certification.engine import TransitionConflict
from certification.models import PublicityBatch, PublicityItem, Status
from certification.publicity import rules as publicity
from portal.errors import ServiceError
from tests.certification.factories import make_tiered_version
from tests.certification.test_publicity import MONDAY, new_enterprise, verified


@pytest.fixture
def version(db):
    return make_tiered_version()


def test_publishing_what_was_just_published_is_a_conflict(cast, version):
    application = verified(cast, version)
    other = verified(cast, version, *new_enterprise(cast, "北京朝阳第二机械厂"))
    with time_machine.travel(MONDAY):
        first = publicity.publicity_batch_create(actor=cast.district, applications=[application])
        with translation.override("en"), pytest.raises(TransitionConflict) as conflict:
            publicity.publicity_batch_create(
                actor=cast.district_staff, applications=[other, application]
            )
    message = str(conflict.value.message)
    assert cast.ent.name in message and first.title in message
    assert "already" in message
    assert PublicityBatch.objects.count() == 1
    other.refresh_from_db()
    assert other.status == Status.APPROVED  # all or nothing
    assert not PublicityItem.objects.filter(application=other).exists()


def test_the_page_tells_the_second_publisher_clearly(cast, version, client_for):
    application = verified(cast, version)
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(MONDAY):
        stale = client.get(reverse("certification:publicity"))  # both open the page
        assert cast.ent.name in stale.content.decode()
        first = publicity.publicity_batch_create(
            actor=cast.district_staff, applications=[application]
        )
        response = client.post(
            reverse("certification:publicity"),
            {"applications": [application.pk], "title": "", "starts_on": "2026-03-02"},
        )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="conflict"' in html
    assert "already" in html and first.title in html
    assert PublicityBatch.objects.count() == 1


def test_a_publicity_cannot_start_years_ahead(cast, version, client_for):
    application = verified(cast, version)
    with time_machine.travel(MONDAY):
        with translation.override("en"), pytest.raises(ServiceError) as refused:
            publicity.publicity_batch_create(
                actor=cast.district,
                applications=[application],
                starts_on=datetime.date(9999, 12, 31),
            )
        client = client_for(cast.district)
        page = client.post(
            reverse("certification:publicity"),
            {"applications": [application.pk], "starts_on": "9999-12-31"},
        )
    assert refused.value.field == "starts_on"
    assert page.status_code == 400
    assert not PublicityBatch.objects.exists()
    application.refresh_from_db()
    assert application.status == Status.APPROVED
