"""The later steps under concurrency: numbering announcements and
certificates, making verification batches, recording spot checks.

Each race runs its calls in threads, each with its own connection and hence
its own transaction, released together by a barrier; where the interesting
moment is inside a service, ``rendezvous`` holds every thread there until
all have arrived, so the race happens every run rather than by luck.
Needs real concurrent transactions, so PostgreSQL only: run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from certification import engine
from certification.models import (
    AnnouncementBatch,
    Application,
    Certificate,
    Counter,
    PublicityBatch,
    SpotCheck,
    Status,
    VerificationBatch,
)
from certification.publicity import rules as publicity
from certification.verification import rules as verification
from certification.verification import spot_checks
from portal.errors import ServiceError
from portal.models import AuditEvent
from tests.certification.factories import make_tiered_version
from tests.certification.test_publicity import new_enterprise, verified
from tests.certification.test_verification import reported

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SQLite serialises every write transaction; the race needs PostgreSQL "
    "(set DATABASE_URL=postgres://...)",
)

NUMBER = re.compile(r"^京AQBJXⅢ\d{9}$")
# The two officers of 朝阳区 who race: cast.district and cast.district_staff.
USERS = {"district": "t-district", "staff": "t-district-staff"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def version(transactional_db):
    return make_tiered_version()


def race(calls: dict[str, Callable[[], object]]) -> dict[str, object]:
    """Run each call in its own thread at the same moment; name → what it
    returned, or the exception it raised (messages in English)."""
    barrier = threading.Barrier(len(calls), timeout=20)
    outcomes: dict[str, object] = {}

    def run(name, call):
        try:
            # Each thread has its own connection, hence its own transaction.
            assert connection.vendor == "postgresql"
            with translation.override("en"):
                barrier.wait()
                outcomes[name] = call()
        except Exception as error:  # noqa: BLE001 (reported to the main thread)
            outcomes[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert set(outcomes) == set(calls)
    return outcomes


def rendezvous(monkeypatch, module, name: str, parties: int) -> None:
    """Hold each thread at its first call of ``module.name`` until every one
    of the ``parties`` has got there (later calls go straight through)."""
    original = getattr(module, name)
    barrier = threading.Barrier(parties, timeout=20)
    seen = threading.local()

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if not getattr(seen, "done", False):
            seen.done = True
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def split(outcomes: dict[str, object], kind: type) -> tuple[dict, dict]:
    won = {name: value for name, value in outcomes.items() if isinstance(value, kind)}
    lost = {name: value for name, value in outcomes.items() if not isinstance(value, kind)}
    return won, lost


# --- (a) two announcements at once ---------------------------------------------------


@pytest.mark.parametrize("earlier", [0, 4], ids=["first-of-the-year", "after-four-earlier"])
def test_two_announcements_at_once_get_consecutive_distinct_numbers(
    transactional_db, cast, version, monkeypatch, earlier
):
    """The district (cast.district) and its staff (cast.district_staff) each
    announce one application at the same moment: two announcements, two
    certificates, numbered one after the other with no gap and no repeat,
    whether the year's counters exist yet or not."""
    first = verified(cast, version)
    second = verified(cast, version, *new_enterprise(cast, "北京朝阳第二机械厂"))
    batch = publicity.publicity_batch_create(actor=cast.district, applications=[first, second])
    # A publicity window runs seven working days from today; the announcement
    # needs it over. Set it back so it closed yesterday (no waiting a week).
    today = timezone.localdate()
    PublicityBatch.objects.filter(pk=batch.pk).update(
        starts_on=today - timezone.timedelta(days=14), ends_on=today - timezone.timedelta(days=1)
    )
    year = today.year
    certificate_key = publicity.certificate_sequence_key(first, year)
    announcement_key = f"announcement:{cast.district.organisation_id}:{year}"
    assert certificate_key == publicity.certificate_sequence_key(second, year)
    if earlier:
        # Earlier announcements this year left their counters behind.
        Counter.objects.create(key=certificate_key, value=earlier)
        Counter.objects.create(key=announcement_key, value=earlier)
    # Both are inside announcement_create's transaction when they meet here,
    # about to lock their applications. (That lock also takes the joined
    # enterprise and industry rows, so the second then waits for the first
    # to commit before it numbers anything.)
    rendezvous(monkeypatch, publicity, "_locked_applications", 2)

    outcomes = race(
        {
            "district": lambda: publicity.announcement_create(
                actor=cast.district, applications=[first]
            ),
            "staff": lambda: publicity.announcement_create(
                actor=cast.district_staff, applications=[second]
            ),
        }
    )

    won, lost = split(outcomes, AnnouncementBatch)
    assert not lost, lost
    numbers = sorted(b.number for b in won.values())
    assert numbers == [earlier + 1, earlier + 2]
    announcements = AnnouncementBatch.objects.filter(organiser=cast.district.organisation)
    assert announcements.count() == 2
    assert len(set(announcements.values_list("title", flat=True))) == 2
    certificates = list(Certificate.objects.order_by("number"))
    assert len(certificates) == 2
    assert {c.application_id for c in certificates} == {first.pk, second.pk}
    assert all(NUMBER.match(c.number) for c in certificates), certificates
    assert [c.number for c in certificates] == [
        publicity.certificate_number(first, year, earlier + 1),
        publicity.certificate_number(first, year, earlier + 2),
    ]
    # Each announcement issued its own application's certificate.
    for certificate in certificates:
        assert certificate.announcement.certificates.get() == certificate
    assert Counter.objects.get(key=certificate_key).value == earlier + 2
    assert Counter.objects.get(key=announcement_key).value == earlier + 2
    assert set(
        Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {Status.ANNOUNCED}


@pytest.mark.parametrize("earlier", [0, 4], ids=["first-of-the-year", "after-four-earlier"])
def test_two_announcements_of_different_industries_race_for_the_announcement_number(
    transactional_db, cast, version, monkeypatch, earlier
):
    """Applications of two industries share no locked row until the district's
    announcement counter: both threads reach ``next_number`` together and
    the counter alone keeps their numbers apart. Each industry's certificate
    sequence starts on its own."""
    machinery = verified(cast, version)
    commerce = verified(
        cast, version, *new_enterprise(cast, "北京朝阳商贸有限公司", industry="commerce")
    )
    batch = publicity.publicity_batch_create(
        actor=cast.district, applications=[machinery, commerce]
    )
    # As above: the window set back so that it closed yesterday.
    today = timezone.localdate()
    PublicityBatch.objects.filter(pk=batch.pk).update(
        starts_on=today - timezone.timedelta(days=14), ends_on=today - timezone.timedelta(days=1)
    )
    announcement_key = f"announcement:{cast.district.organisation_id}:{today.year}"
    if earlier:
        Counter.objects.create(key=announcement_key, value=earlier)
    rendezvous(monkeypatch, publicity, "next_number", 2)

    outcomes = race(
        {
            "district": lambda: publicity.announcement_create(
                actor=cast.district, applications=[machinery]
            ),
            "staff": lambda: publicity.announcement_create(
                actor=cast.district_staff, applications=[commerce]
            ),
        }
    )

    won, lost = split(outcomes, AnnouncementBatch)
    assert not lost, lost
    assert sorted(b.number for b in won.values()) == [earlier + 1, earlier + 2]
    assert Counter.objects.get(key=announcement_key).value == earlier + 2
    numbers = dict(Certificate.objects.values_list("application_id", "number"))
    year = today.year
    assert numbers == {machinery.pk: f"京AQBJXⅢ{year}00001", commerce.pk: f"京AQBSMⅢ{year}00001"}


# --- (b) the same reported application in two batches at once ------------------------


def _batched(application) -> list[int]:
    return list(
        SpotCheck.objects.filter(application=application).values_list("batch_id", flat=True)
    )


def test_two_batches_with_the_same_application_at_once_one_wins(transactional_db, cast, version):
    application = reported(cast, version)

    outcomes = race(
        {
            "district": lambda: verification.batch_create(
                actor=cast.district, applications=[application.pk]
            ),
            "staff": lambda: verification.batch_create(
                actor=cast.district_staff, applications=[application.pk]
            ),
        }
    )

    won, lost = split(outcomes, VerificationBatch)
    assert len(won) == 1 and len(lost) == 1, outcomes
    (winner, batch), (error,) = next(iter(won.items())), lost.values()
    # Told plainly, as a refusal (a 400 naming the field), not a crash or a 403.
    assert isinstance(error, ServiceError), repr(error)
    assert not isinstance(error, engine.TransitionForbidden)
    assert error.field == "applications"
    assert str(error.message) == (
        f"{cast.ent.name}: the report is already in a verification batch."
    )
    # Nothing half-written: one batch, one spot check, one audit entry, all the winner's.
    assert list(VerificationBatch.objects.values_list("pk", flat=True)) == [batch.pk]
    assert _batched(application) == [batch.pk]
    created = AuditEvent.objects.filter(action="verification.batch.create")
    assert list(created.values_list("actor__username", flat=True)) == [USERS[winner]]


def test_overlapping_batches_at_once_the_loser_writes_nothing(transactional_db, cast, version):
    """The district batches [A, B] and its staff [B, C] at the same moment:
    the one that waits finds B batched and refuses, leaving its other
    application out of any batch."""
    a, b, c = (reported(cast, version, n) for n in (1, 2, 3))
    chosen = {"district": [a, b], "staff": [b, c]}

    outcomes = race(
        {
            "district": lambda: verification.batch_create(
                actor=cast.district, applications=chosen["district"]
            ),
            "staff": lambda: verification.batch_create(
                actor=cast.district_staff, applications=chosen["staff"]
            ),
        }
    )

    won, lost = split(outcomes, VerificationBatch)
    assert len(won) == 1 and len(lost) == 1, outcomes
    (winner,), ((loser, error),) = won, lost.items()
    assert isinstance(error, ServiceError) and error.field == "applications", repr(error)
    assert str(error.message) == (
        f"{b.enterprise.name}: the report is already in a verification batch."
    )
    assert VerificationBatch.objects.count() == 1
    assert sorted(SpotCheck.objects.values_list("application_id", flat=True)) == sorted(
        x.pk for x in chosen[winner]
    )
    (left_out,) = set(chosen[loser]) - set(chosen[winner])
    assert _batched(left_out) == []
    assert AuditEvent.objects.filter(action="verification.batch.create").count() == 1


def test_two_batches_of_different_applications_at_once_get_different_names(
    transactional_db, cast, version, monkeypatch
):
    one, two = reported(cast, version, 1), reported(cast, version, 2)
    # Both have locked their applications and are about to number their batch
    # when they meet: the counter (a locked row, not count()+1) serialises them.
    rendezvous(monkeypatch, publicity, "next_number", 2)

    outcomes = race(
        {
            "district": lambda: verification.batch_create(
                actor=cast.district, applications=[one.pk]
            ),
            "staff": lambda: verification.batch_create(
                actor=cast.district_staff, applications=[two.pk]
            ),
        }
    )

    won, lost = split(outcomes, VerificationBatch)
    assert not lost, lost
    names = sorted(VerificationBatch.objects.values_list("name", flat=True))
    today = timezone.localdate().isoformat()
    assert names == [f"{today} 复核批次 1", f"{today} 复核批次 2"]


# --- (c) the same spot check recorded twice at once ----------------------------------


def test_the_same_spot_check_recorded_at_once_one_wins_the_other_is_told(
    transactional_db, cast, version
):
    """The district records the re-check as passed while its staff records it
    as failed: the first to lock it wins; the other is told who recorded what,
    and its failure (which would reopen the batch) is not written."""
    application = reported(cast, version)
    batch = verification.batch_create(actor=cast.district, applications=[application])
    check = batch.checks.get()
    assert check.required and check.result == SpotCheck.Result.PENDING
    results = {"district": SpotCheck.Result.PASSED, "staff": SpotCheck.Result.FAILED}
    users = {"district": cast.district, "staff": cast.district_staff}

    outcomes = race(
        {
            "district": lambda: spot_checks.spot_check_record(
                actor=cast.district, check=check, result=results["district"]
            ),
            "staff": lambda: spot_checks.spot_check_record(
                actor=cast.district_staff,
                check=check,
                result=results["staff"],
                notes="现场抽查发现隐患未整改。",
            ),
        }
    )

    won, lost = split(outcomes, SpotCheck)
    assert len(won) == 1 and len(lost) == 1, outcomes
    winner, loser = next(iter(won)), next(iter(lost))
    error = lost[loser]
    assert isinstance(error, engine.TransitionConflict), repr(error)
    shown = {"passed": "Passed", "failed": "Failed"}[results[winner]]
    assert str(error.message).startswith(
        f"This spot check was already recorded as “{shown}” by {users[winner].username} at "
    )
    check.refresh_from_db()
    assert (check.result, check.checked_by_id) == (results[winner], users[winner].pk)
    recorded = AuditEvent.objects.filter(action="verification.check.record")
    assert list(recorded.values_list("actor__username", flat=True)) == [users[winner].username]
    reopened = AuditEvent.objects.filter(action="verification.batch.reopen").count()
    assert reopened == (1 if results[winner] == SpotCheck.Result.FAILED else 0)
    batch.refresh_from_db()
    assert (batch.reopened_at is not None) == (results[winner] == SpotCheck.Result.FAILED)
