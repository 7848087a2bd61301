"""Writing the snapshots: the nightly Celery task (eager in tests) upserts the open
periods, freezes the ended ones and never rewrites a frozen row; the back-fill
writes frozen rows as of each period's last day."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from certification.models import Certificate
from enterprises.models import Enterprise
from reporting.models import MetricSnapshot
from reporting.tasks import snapshot_nightly_task
from tests.reporting.statistics.world import NOW, build, moment

pytestmark = pytest.mark.django_db

CHAOYANG = ("district", "110105")


@pytest.fixture
def world(cast):
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


def row(period_kind, code, scope=CHAOYANG, dimension="", key=""):
    return MetricSnapshot.objects.get(
        scope_kind=scope[0],
        scope_key=scope[1],
        period_kind=period_kind,
        period_code=code,
        dimension=dimension,
        key=key,
    )


def run_at(when: str):
    with time_machine.travel(when, tick=False):
        return snapshot_nightly_task.delay().get()


def test_nightly_writes_the_open_periods_and_is_idempotent(world):
    first = run_at("2026-06-15 02:30 +0800")
    count = MetricSnapshot.objects.count()
    assert first["written"] == count
    june = row("month", "2026-06")
    assert june.frozen_at is None and june.as_of == datetime.date(2026, 6, 15)
    assert june.figures["compliance.active"] == 5
    assert june.figures["compliance.rate"] == 60.0
    assert row("quarter", "2026-Q2").figures["compliance.new"] == 0
    assert row("year", "2026").figures["compliance.new"] == 1
    assert row("day", "2026-06-15").figures["compliance.compliant"] == 3
    assert (
        row("month", "2026-06", dimension="street", key="110105001").figures["compliance.active"]
        == 3
    )
    run_at("2026-06-15 03:00 +0800")
    assert MetricSnapshot.objects.count() == count
    assert row("month", "2026-06").figures == june.figures


def test_ended_periods_freeze_and_never_change(world, cast):
    run_at("2026-06-30 02:30 +0800")
    june = row("month", "2026-06").figures
    run_at("2026-07-01 02:30 +0800")
    frozen = row("month", "2026-06")
    assert frozen.frozen_at is not None
    assert frozen.figures == june
    assert row("quarter", "2026-Q2").frozen_at is not None
    assert row("year", "2026").frozen_at is None
    assert row("month", "2026-07").frozen_at is None
    # Records change after the freeze: June keeps its figures, July counts the change.
    Enterprise.objects.filter(pk=world["e1"].pk).update(status=Enterprise.Status.CLOSED)
    run_at("2026-07-02 02:30 +0800")
    assert row("month", "2026-06").figures == june
    assert row("month", "2026-07").figures["compliance.active"] == 4
    assert row("year", "2026").figures["compliance.active"] == 4


@override_settings(SNAPSHOT_DAY_ROWS_KEPT=2)
def test_day_rows_are_pruned(world):
    for day in (13, 14, 15):
        run_at(f"2026-06-{day} 02:30 +0800")
    days = set(
        MetricSnapshot.objects.filter(period_kind="day").values_list("period_code", flat=True)
    )
    assert days == {"2026-06-14", "2026-06-15"}


def _aged(world):
    """The world's enterprises existed long before; 统计六 was registered in March."""
    Enterprise.objects.update(created_at=moment(datetime.date(2022, 1, 1)))
    Enterprise.objects.filter(pk=world["e6"].pk).update(
        created_at=moment(datetime.date(2026, 3, 10))
    )


def test_backfill_counts_as_of_each_period_end(world, cast):
    _aged(world)
    with time_machine.travel(NOW, tick=False):
        call_command("backfill_snapshots", "--from", "2026-01", "--to", "2026-03")
    january = row("month", "2026-01")
    assert january.frozen_at is not None and january.as_of == datetime.date(2026, 1, 31)
    figures = january.figures
    # Live on 31 January: 统计五's new level 1, 统计一's level 2, 统计三's suspended level 3,
    # both of ent's level 3 (one revoked in March, one expired on 1 February), 统计二's pass.
    assert (figures["compliance.live_1"], figures["compliance.live_2"]) == (1, 1)
    assert (figures["compliance.live_3"], figures["compliance.live_pass"]) == (3, 1)
    assert (figures["compliance.active"], figures["compliance.compliant"]) == (5, 4)
    assert figures["compliance.rate"] == 80.0
    assert (figures["compliance.new"], figures["compliance.revoked"]) == (1, 0)
    march = row("month", "2026-03").figures
    assert (march["compliance.compliant"], march["compliance.revoked"]) == (3, 1)
    assert march["compliance.live_3"] == 1
    q1 = row("quarter", "2026-Q1").figures
    assert (q1["compliance.new"], q1["compliance.revoked"]) == (1, 1)
    assert q1["compliance.expired_unrenewed"] == 1
    assert not MetricSnapshot.objects.filter(period_kind="year").exists()
    # 海淀区: 统计六 registered in March; the other enterprise's level 3 begins 1 February.
    haidian_jan = row("month", "2026-01", scope=("district", "110108")).figures
    assert (haidian_jan["compliance.active"], haidian_jan["compliance.compliant"]) == (1, 0)
    haidian_mar = row("month", "2026-03", scope=("district", "110108")).figures
    assert (haidian_mar["compliance.active"], haidian_mar["compliance.compliant"]) == (2, 2)
    assert haidian_mar["compliance.live_2"] == 1  # revoked only in April
    # The back-fill changed nothing it counted from.
    assert Certificate.objects.filter(status=Certificate.Status.REVOKED).count() == 2


def test_backfill_keeps_frozen_rows_unless_forced(world):
    _aged(world)
    with time_machine.travel(NOW, tick=False):
        call_command("backfill_snapshots", "--from", "2026-01", "--to", "2026-01")
        Enterprise.objects.filter(pk=world["e4"].pk).update(status=Enterprise.Status.CLOSED)
        call_command("backfill_snapshots", "--from", "2026-01", "--to", "2026-01")
        assert row("month", "2026-01").figures["compliance.active"] == 5
        call_command("backfill_snapshots", "--from", "2026-01", "--to", "2026-01", "--force")
        assert row("month", "2026-01").figures["compliance.active"] == 4


def test_backfill_refuses_open_and_bad_months(world):
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(CommandError):
            call_command("backfill_snapshots", "--from", "2026-06")
        with pytest.raises(CommandError):
            call_command("backfill_snapshots", "--from", "2026-13")
        with pytest.raises(CommandError):
            call_command("backfill_snapshots", "--from", "2026-03", "--to", "2026-01")


def test_the_nightly_task_is_scheduled():
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["reporting-snapshot-nightly"]
    assert entry["task"] == "reporting.snapshot_nightly" in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
