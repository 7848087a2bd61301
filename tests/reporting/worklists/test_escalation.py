"""The nightly escalation: an item overdue more than WORKLIST_ESCALATION_DAYS goes
once to the next level up (建外街道's items to 朝阳区's government, 海淀区's items
without a street to the city office), with one notification per receiving office;
a second run, or a run before the threshold, escalates nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count
from django.test import override_settings

from portal.models import Notification
from reporting.models import Escalation
from reporting.tasks import escalate_worklists
from reporting.worklists import registry
from reporting.worklists.escalation import escalate
from tests.reporting.worklists.world import TODAY

pytestmark = pytest.mark.django_db

KINDS = [w.name for w in registry.WORKLISTS]


def run(capture):
    with capture(execute=True):
        return escalate(TODAY)


def test_every_item_overdue_past_the_threshold_goes_once_to_the_next_level(
    cast, cases, django_capture_on_commit_callbacks
):
    district = cast.district.organisation
    city = cast.city.organisation

    received = run(django_capture_on_commit_callbacks)

    assert received == {district.pk: 7, city.pk: 7}
    chaoyang = Escalation.objects.filter(to_organisation=district)
    assert sorted(chaoyang.values_list("kind", flat=True)) == sorted(KINDS)
    # from the street office of 建外街道, since the day each item fell due
    assert set(chaoyang.values_list("from_organisation", flat=True)) == {
        cast.street.organisation.pk
    }
    assert {e.kind: e.overdue_since for e in chaoyang} == cases.since
    # 海淀区's enterprises have no street: the city office, from 海淀区's government
    haidian = Escalation.objects.filter(to_organisation=city)
    assert set(haidian.values_list("from_organisation", flat=True)) == {
        cast.other_district.organisation.pk
    }
    # the self-report filed late is done: not escalated
    assert not Escalation.objects.filter(object_id=cases.late.pk, kind="self_reports").exists()
    # one notification per office (each of its users gets it), with the count and the link
    notes = Notification.objects.order_by("recipient__username")
    assert {n.recipient for n in notes} == {
        cast.district,
        cast.district_staff,
        cast.city,
    }
    assert all(n.url == "/worklists/escalated/" and "7" in n.text for n in notes)


def test_a_second_run_escalates_and_notifies_nothing(
    cast, cases, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)
    rows, notes = Escalation.objects.count(), Notification.objects.count()

    assert run(django_capture_on_commit_callbacks) == {}
    assert escalate_worklists.apply().get() == 0  # the beat task, as the worker runs it
    assert Escalation.objects.count() == rows == 14
    assert Notification.objects.count() == notes


def test_nothing_goes_up_before_the_threshold(cast, cases, django_capture_on_commit_callbacks):
    # The items fell due 35 to 61 days ago (renewal and self-report: 61).
    with override_settings(WORKLIST_ESCALATION_DAYS=61):
        assert run(django_capture_on_commit_callbacks) == {}
    assert not Notification.objects.exists()
    with override_settings(WORKLIST_ESCALATION_DAYS=60):
        received = run(django_capture_on_commit_callbacks)
    assert received == {cast.district.organisation.pk: 2, cast.city.organisation.pk: 2}
    kinds = Escalation.objects.values("kind").annotate(n=Count("pk"))
    assert {row["kind"]: row["n"] for row in kinds} == {"renewal_due": 2, "self_reports": 2}


def test_items_already_escalated_are_marked_on_the_lists(
    cast, client_for, cases, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)
    counts = {c["kind"]: c for c in registry.counts(cast.district, TODAY)}
    assert all(counts[kind]["escalated"] == 1 for kind in KINDS)
    assert counts["self_reports"]["count"] == 2  # the late form is listed, not escalated
    rows = client_for(cast.district).get("/api/v1/worklists/self_reports/").json()["results"]
    assert {r["enterprise"]: r["escalated"] for r in rows} == {
        cases.expected["self_reports"].name: True,
        cases.late.name: False,
    }


def test_a_concurrent_run_that_inserted_first_is_not_notified_again(
    cast, cases, django_capture_on_commit_callbacks
):
    """Rows another run inserted between this run's read and its insert are
    skipped by the unique constraint and not counted as this run's."""
    from reporting.worklists import escalation

    real = escalation.candidates
    stolen = []

    def racing(worklist, today, cutoff):
        found = list(real(worklist, today, cutoff))
        if worklist.name == "hazards_overdue":
            pk, model, since, *_ = found[0]
            row = Escalation.objects.create(
                kind=worklist.name,
                model=model,
                object_id=pk,
                to_organisation=cast.city.organisation,
                overdue_since=since,
            )
            # the other run's own moment (the clock stands still in these tests)
            earlier = row.escalated_at - datetime.timedelta(seconds=1)
            Escalation.objects.filter(pk=row.pk).update(escalated_at=earlier)
            stolen.append(row)
        return found

    escalation.candidates = racing
    try:
        received = run(django_capture_on_commit_callbacks)
    finally:
        escalation.candidates = real
    assert sum(received.values()) == 13
    assert Escalation.objects.count() == 14
