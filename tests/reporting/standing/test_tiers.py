"""Supervision tiers on the hand-built cast: points per factor, the tier, the reasons,
only changed rows written, changes appended for tiers and certificates."""

from __future__ import annotations

import pytest
from django.test import override_settings

from certification.models import Certificate
from hazards.models import Hazard
from reporting.standing import tiers, warnings
from reporting.standing.models import Standing, StandingChange
from tests.reporting.standing.world import d, on

pytestmark = pytest.mark.django_db


def standing():
    return {row.enterprise.name: row for row in Standing.objects.select_related("enterprise").all()}


def codes(row):
    return [(reason["code"], reason["points"]) for reason in row.reasons]


def test_tiers_points_and_reasons_of_the_cast(nightly):
    rows = standing()
    expected = {
        "撤销一": ("key", 6),
        "撤销后再发证": ("light", -1),
        "重大逾期": ("key", 9),
        "重大在期": ("key", 3),
        "整改后未达标": ("key", 6),
        "自报屡次未报": ("key", 7),
        "死亡事故": ("key", 8),
        "旧事故": ("general", 1),
        "一级企业": ("light", -2),
        nightly.cast.ent.name: ("general", 1),
        nightly.haidian_fatal.name: ("key", 8),
    }
    assert {name: (row.tier, row.points) for name, row in rows.items()} == expected
    assert codes(rows["重大在期"]) == [("major_open", 2), ("no_certificate", 1)]
    assert codes(rows["自报屡次未报"]) == [
        ("warning", 5),
        ("self_report", 1),
        ("no_certificate", 1),
    ]
    assert codes(rows["重大逾期"]) == [
        ("warning", 5),
        ("major_open", 2),
        ("hazards_overdue", 1),
        ("no_certificate", 1),
    ]
    assert rows["一级企业"].grade == "1" and rows["一级企业"].certificate_number
    # The first night records no change: the feeds start from the status lookup.
    assert not StandingChange.objects.filter(kind=StandingChange.Kind.TIER_CHANGED).exists()


def test_a_second_run_writes_nothing(nightly):
    outcome = tiers.compute()
    assert (outcome.written, outcome.changes) == (0, 0)


def test_changes_are_appended_for_tiers_and_certificates(nightly):
    Hazard.objects.filter(enterprise=nightly.major_open).update(
        status=Hazard.Status.CLOSED, closed_on=d(0)
    )
    Certificate.objects.filter(enterprise=nightly.level_1).update(
        status=Certificate.Status.REVOKED, status_changed_at=None
    )
    nightly.certificate(nightly.cast.ent, "2", valid_from=d(0))
    with on(d(1)):
        outcome = tiers.compute()
    assert outcome.written == 3
    changes = {
        (change.enterprise_id, change.kind): change.detail
        for change in StandingChange.objects.exclude(kind__startswith="warning")
    }
    assert changes[(nightly.major_open.pk, "tier_changed")] == {
        "from": "key",
        "to": "general",
        "points": 1,
    }
    assert (nightly.level_1.pk, "certificate_revoked") in changes
    announced = changes[(nightly.cast.ent.pk, "certificate_announced")]
    assert announced["grade"] == "2"
    assert standing()["重大在期"].computed_on == d(1)


def test_closed_enterprises_leave_the_tiers(nightly):
    nightly.old_fatal.status = "closed"
    nightly.old_fatal.save(update_fields=["status"])
    tiers.compute()
    assert "旧事故" not in standing()


@override_settings(
    STANDING_TIER_POINTS={**tiers.settings.STANDING_TIER_POINTS, "no_certificate": 3}
)
def test_the_weights_are_settings(world):
    warnings.evaluate()
    tiers.compute()
    assert standing()[world.cast.ent.name].tier == "key"
