"""Publicity under concurrency: the objection limit per address holds when
many objections arrive at once, and two batches publishing the same
application at once leave one batch and tell the other publisher (409).

Real concurrent transactions, so PostgreSQL only (as
tests/certification/test_concurrency_later_steps.py, whose ``race`` and
``rendezvous`` these use): run with DATABASE_URL=postgres://...
"""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings

from certification.engine import TransitionConflict
from certification.models import Objection, PublicityBatch, PublicityItem, Status
from certification.publicity import objections
from certification.publicity import rules as publicity
from portal.errors import ServiceError
from tests.certification.factories import make_tiered_version
from tests.certification.test_concurrency_later_steps import race, rendezvous, split
from tests.certification.test_publicity import MONDAY, verified

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite serialises every write transaction; the race needs PostgreSQL "
    "(set DATABASE_URL=postgres://...)",
)

IP = "10.0.0.9"


@pytest.fixture
def version(transactional_db):
    return make_tiered_version()


def test_objections_sent_at_once_stay_within_the_limit(
    transactional_db, cast, version, monkeypatch
):
    limit = settings.OBJECTION_LIMIT_PER_HOUR
    with time_machine.travel(MONDAY, tick=True):
        publicity.publicity_batch_create(
            actor=cast.district, applications=[verified(cast, version)]
        )
        item = PublicityItem.objects.get()
        for _ in range(limit - 1):  # one left
            objections.objection_lodge(
                item=item, name="张三", contact="13900000000", text="违章作业。", ip=IP
            )
        senders = 4
        # Every sender has passed the window checks and is about to count when
        # they meet: the race happens every run.
        rendezvous(monkeypatch, objections, "_throttle_key", senders)
        outcomes = race(
            {
                f"sender-{n}": (
                    lambda n=n: objections.objection_lodge(
                        item=item, name=f"路人{n}", contact="13900000000", text="违章作业。", ip=IP
                    )
                )
                for n in range(senders)
            }
        )

    won, lost = split(outcomes, Objection)
    assert len(won) == 1, outcomes
    assert all(
        isinstance(error, ServiceError) and "Too many objections" in str(error.message)
        for error in lost.values()
    ), lost
    assert Objection.objects.filter(ip=IP).count() == limit


def test_two_publicity_batches_for_one_application_at_once(transactional_db, cast, version):
    application = verified(cast, version)
    with time_machine.travel(MONDAY, tick=True):
        outcomes = race(
            {
                "district": lambda: publicity.publicity_batch_create(
                    actor=cast.district, applications=[application]
                ),
                "staff": lambda: publicity.publicity_batch_create(
                    actor=cast.district_staff, applications=[application]
                ),
            }
        )

    won, lost = split(outcomes, PublicityBatch)
    assert len(won) == 1 and len(lost) == 1, outcomes
    (batch,), (error,) = won.values(), lost.values()
    assert isinstance(error, TransitionConflict), repr(error)
    assert batch.title in str(error.message) and "already" in str(error.message)
    assert list(PublicityBatch.objects.values_list("pk", flat=True)) == [batch.pk]
    application.refresh_from_db()
    assert application.status == Status.PUBLICITY
    assert PublicityItem.objects.filter(application=application).count() == 1
