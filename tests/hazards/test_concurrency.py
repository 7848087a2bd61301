"""Several people record hazards of the same enterprise at the same moment: the
counter row lock in ``services.hazard_record`` gives each its own number, with no
gap and no duplicate. Needs real concurrent transactions, so PostgreSQL only: run
with DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from hazards import services
from hazards.models import Hazard
from tests.hazards.factories import fields

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite serialises every write transaction; the race needs PostgreSQL "
    "(set DATABASE_URL=postgres://...)",
)


def test_simultaneous_records_get_consecutive_distinct_numbers(transactional_db, cast):
    recorders = [cast.enterprise, cast.enterprise_staff, cast.group, cast.district] * 2
    barrier = threading.Barrier(len(recorders), timeout=20)
    outcomes: list[object] = []

    def record(user):
        try:
            assert connection.vendor == "postgresql"
            barrier.wait()
            outcomes.append(services.hazard_record(actor=user, enterprise=cast.ent, **fields()))
        except Exception as error:  # noqa: BLE001 (reported to the main thread)
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(user,)) for user in recorders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert all(isinstance(outcome, Hazard) for outcome in outcomes), outcomes
    year = timezone.localdate().year
    numbers = sorted(Hazard.objects.values_list("number", flat=True))
    assert numbers == [f"{cast.ent.uscc}-{year}-{n:05d}" for n in range(1, len(recorders) + 1)]
