"""A target's progress is snapshotted per scope each night and shown as a trend on
the target page and in the API, each reader seeing its own scope's figures."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from enterprises.models import Enterprise
from reporting.models import MetricSnapshot
from reporting.snapshots.store import snapshot_nightly
from reporting.targets import selectors
from tests.reporting.targets.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    world = build(cast)
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    moment = datetime.datetime.combine(
        last_month_end, datetime.time(2, 30), timezone.get_current_timezone()
    )
    before = {}
    with time_machine.travel(moment, tick=False):
        snapshot_nightly()
        for who in ("city", "district", "street", "regulator", "other_district"):
            before[who] = selectors.progress(world.target, getattr(cast, who))
    # 戊 (朝阳区, 建外, no certificate) closes this month.
    Enterprise.objects.filter(pk=world.by_name["戊"].pk).update(status=Enterprise.Status.CLOSED)
    snapshot_nightly()
    world.before = before
    world.codes = (f"{last_month_end:%Y-%m}", f"{today:%Y-%m}")
    return world


def point(progress):
    return (progress["population"], progress["reached"], float(progress["rate"] or 0))


@pytest.mark.parametrize("who", ["city", "district", "street", "regulator", "other_district"])
def test_trend_rows_equal_the_live_progress(cast, world, client_for, who):
    user = getattr(cast, who)
    client = client_for(user)
    trend = client.get(f"/api/v1/targets/{world.target.pk}/").json()["trend"]
    assert len(trend) == 12
    last_month, this_month = trend[-2:]
    assert (last_month["period"], this_month["period"]) == world.codes
    assert last_month["frozen"] and not this_month["frozen"]
    now = selectors.progress(world.target, user)
    assert (this_month["population"], this_month["reached"], this_month["rate"] or 0) == point(now)
    then = world.before[who]
    assert (last_month["population"], last_month["reached"], last_month["rate"] or 0) == point(then)
    assert trend[0]["population"] is None  # no snapshot a year ago


def test_closing_an_enterprise_shows_in_the_district_trend(cast, world, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/targets/{world.target.pk}/")
    assert response.status_code == 200
    trend = response.context["trend"]
    assert trend[-2]["population"] - trend[-1]["population"] == 1
    body = response.content.decode()
    assert 'data-testid="target-trend"' in body
    assert f'data-period="{world.codes[1]}"' in body


def test_the_target_rows_of_every_scope(cast, world):
    rows = MetricSnapshot.objects.filter(
        dimension="target",
        key=str(world.target.pk),
        period_kind="month",
        period_code=world.codes[1],
    )
    scopes = {(r.scope_kind, r.scope_key) for r in rows}
    assert {("city", ""), ("district", "110105"), ("street", "110105001")} <= scopes
    assert ("regulator", str(cast.regulator.organisation_id)) in scopes
