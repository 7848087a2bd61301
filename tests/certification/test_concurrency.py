"""Two officers of the receiver accept the same application at the same moment.

The row lock in ``engine.perform`` makes the second wait for the first to
commit; it then finds the application accepted and is told who did it.
Needs real concurrent transactions, so PostgreSQL only: run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from certification import engine
from certification.applications import services
from certification.models import ApplicationEvent, Status
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite serialises every write transaction; the race needs PostgreSQL "
    "(set DATABASE_URL=postgres://...)",
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_two_simultaneous_accepts_one_wins_the_other_is_told_who(transactional_db, cast):
    version = make_tiered_version()
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    application = services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier="3"
    )
    add_all_materials(cast.enterprise, application)
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    services.application_submit(actor=cast.enterprise, application=application)

    officers = [cast.district, cast.district_staff]
    barrier = threading.Barrier(len(officers), timeout=20)
    outcomes: dict[str, object] = {}

    def accept(user):
        try:
            # Each thread has its own connection, hence its own transaction.
            assert connection.vendor == "postgresql"
            barrier.wait()
            services.application_accept(actor=user, application=application)
            outcomes[user.username] = "accepted"
        except Exception as error:  # noqa: BLE001 (reported to the main thread)
            outcomes[user.username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    winners = [name for name, outcome in outcomes.items() if outcome == "accepted"]
    losers = [outcome for outcome in outcomes.values() if outcome != "accepted"]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], engine.TransitionConflict), outcomes
    # "t-district（朝阳区人民政府）已于…将该申请变更为…": names who acted first.
    assert str(losers[0].message).startswith(str(winners[0]))
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    accepts = ApplicationEvent.objects.filter(application=application, transition="accept")
    assert [event.actor.username for event in accepts] == winners
