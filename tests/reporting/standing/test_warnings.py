"""The warning list: who enters under which rule and why, removal when the reason
ends (kept in history), idempotent nightly runs, switched-off rules."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation

from hazards.models import Hazard
from reporting.standing import warnings
from reporting.standing.models import StandingChange, WarningEntry
from tests.reporting.standing.world import TODAY, d, on

pytestmark = pytest.mark.django_db


def listed(rule=None):
    qs = WarningEntry.objects.filter(closed_on__isnull=True)
    if rule:
        qs = qs.filter(rule=rule)
    return {entry.enterprise.name: entry for entry in qs.select_related("enterprise")}


def test_each_rule_lists_its_enterprise_with_reason_date_and_rule(world):
    with translation.override("en"):
        outcome = warnings.evaluate()
    entries = listed()
    assert outcome.opened == len(entries) == 6
    # Stored in the portal's language (zh-hans): the facts (dates, numbers) are in it.
    expected = {
        "撤销一": ("revoked_certificate", [str(d(-30))]),
        "重大逾期": ("major_hazard_overdue", [world.overdue_hazard.number]),
        "整改后未达标": ("below_standard", [str(d(-20))]),
        "自报屡次未报": ("self_reports", ["3", "4"]),
        "死亡事故": ("fatal_accident", [str(d(-100)), "1"]),
        world.haidian_fatal.name: ("fatal_accident", [str(d(-10))]),
    }
    for name, (rule, facts) in expected.items():
        entry = entries[name]
        assert entry.rule == rule
        assert entry.opened_on == TODAY
        assert all(fact in entry.reason for fact in facts), entry.reason
    # Nearly meeting a rule is not meeting it.
    for name in ("撤销后再发证", "重大在期", "旧事故", "一级企业", world.cast.ent.name):
        assert name not in entries


def test_a_second_run_the_same_day_changes_nothing(world):
    warnings.evaluate()
    before = (WarningEntry.objects.count(), StandingChange.objects.count())
    outcome = warnings.evaluate()
    assert (outcome.opened, outcome.closed) == (0, 0)
    assert (WarningEntry.objects.count(), StandingChange.objects.count()) == before


def test_the_entry_closes_when_the_reason_ends_and_stays_in_history(world):
    warnings.evaluate()
    Hazard.objects.filter(pk=world.overdue_hazard.pk).update(
        status=Hazard.Status.CLOSED, closed_on=TODAY
    )
    with on(d(1)):
        outcome = warnings.evaluate()
    assert outcome.closed == 1
    entry = WarningEntry.objects.get(enterprise=world.major_overdue)
    assert entry.closed_on == d(1)
    assert entry.close_reason
    assert entry.opened_on == TODAY  # the history keeps when it was listed
    kinds = list(
        StandingChange.objects.filter(enterprise=world.major_overdue).values_list("kind", flat=True)
    )
    assert kinds == [StandingChange.Kind.WARNING_OPENED, StandingChange.Kind.WARNING_CLOSED]
    # Listed again later: a new entry, the old one untouched.
    Hazard.objects.filter(pk=world.overdue_hazard.pk).update(status=Hazard.Status.TREATING)
    with on(d(2)):
        warnings.evaluate()
    rows = WarningEntry.objects.filter(enterprise=world.major_overdue).order_by("id")
    assert [(r.opened_on, r.closed_on) for r in rows] == [(TODAY, d(1)), (d(2), None)]


def test_windows_end_the_time_based_rules(world):
    warnings.evaluate()
    with on(d(300)):
        warnings.evaluate()
    # 100 + 300 days after the accident: past the 365-day window.
    assert "死亡事故" not in listed("fatal_accident")
    assert "撤销一" in listed("revoked_certificate")  # revoked 330 days before: still inside


def test_a_rule_switched_off_closes_its_entries(world):
    warnings.evaluate()
    rules = [r for r in warnings.RULES if r != "fatal_accident"]
    with override_settings(STANDING_WARNING_RULES=rules):
        warnings.evaluate()
    assert not listed("fatal_accident")
    closed = WarningEntry.objects.filter(rule="fatal_accident")
    assert closed.count() == 2 and all(e.closed_on == TODAY for e in closed)
    assert len(listed()) == 4
