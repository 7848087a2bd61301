"""The dashboards read last night's snapshot of the reader's own scope, say so with
its date, and count live before the first nightly run."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from certification.models import Status
from reporting.models import MetricSnapshot
from reporting.snapshots import latest
from reporting.snapshots.store import snapshot_nightly
from tests.cast import make_enterprise
from tests.reporting.statistics.world import TODAY

pytestmark = pytest.mark.django_db


def rate_bars(section):
    chart = section["chart"]
    return dict(zip(chart["keys"], chart["series"][0]["values"], strict=True))


def test_the_page_says_the_figures_are_last_nights(client, cast, world):
    snapshot_nightly()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.district)
    page = client.get("/").content.decode()
    assert f"Figures as of {TODAY.isoformat()} (nightly snapshot)" in page
    assert 'href="/statistics/compliance/" data-testid="dashboard-live-link"' in page
    assert "Live figures" not in page


def test_without_a_snapshot_the_page_counts_live_and_says_so(client, cast, world, dashboard):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.district)
    page = client.get("/").content.decode()
    assert "Live figures" in page and "Figures as of" not in page
    data = dashboard(cast.district)
    assert data["source"] == {
        "snapshot": False,
        "as_of": None,
        "live_url": "/statistics/compliance/",
    }
    assert rate_bars(data["by_id"]["streets-rate"])["110105001"] == 33.3


def test_the_figures_are_the_snapshots_until_the_next_night(cast, world, dashboard):
    snapshot_nightly()
    # During the day 建外 gains an enterprise with a live level 3: the dashboard keeps
    # last night's figures, its links lead to today's records.
    fresh = make_enterprise("今日新增", cast.chaoyang, 901, street=cast.chaoyang_street)
    world["world"].certificate(fresh, "3", datetime.date(2026, 1, 1), datetime.date(2028, 12, 31))
    data = dashboard(cast.district)
    assert data["source"]["as_of"] == TODAY.isoformat()
    assert rate_bars(data["by_id"]["streets-rate"])["110105001"] == 33.3  # 1 of 3
    # The bar's list is today's and counts itself: the link carries no count (n=).
    url = data["by_id"]["streets-rate"]["chart"]["series"][0]["urls"][0]
    query = parse_qs(urlsplit(url).query)
    assert query["street"] == ["110105001"] and "n" not in query
    snapshot_nightly()  # the next run counts it
    data = dashboard(cast.district)
    assert rate_bars(data["by_id"]["streets-rate"])["110105001"] == 50.0  # 2 of 4


def test_a_district_reads_its_own_rows_only(cast, world, dashboard):
    snapshot_nightly()
    # Even with another district's rows newer than its own, a district reads its own.
    MetricSnapshot.objects.filter(scope_kind="district", scope_key="110105").update(
        figures={"compliance.active": 999}
    )
    ours = dashboard(cast.other_district)
    assert ours["source"]["snapshot"]
    assert rate_bars(ours["by_id"]["streets-rate"]) == {"none": 50.0}
    text = str(ours)
    assert "999" not in text and "建外" not in text and "统计一" not in text
    assert "110105" not in text.replace("110108", "")


def test_a_request_parameter_does_not_change_the_scope(client, cast, world):
    snapshot_nightly()
    client.force_login(cast.other_district)
    response = client.get(
        "/api/v1/dashboards/me/", {"scope": "district:110105", "district": "110105"}
    )
    sections = {s["id"]: s for s in response.json()["sections"]}
    assert rate_bars(sections["streets-rate"]) == {"none": 50.0}


def test_targets_from_the_snapshot_equal_the_live_progress(cast, world, dashboard):
    users = [cast.city, cast.district, cast.street, cast.regulator]
    live = [dashboard(user)["by_id"]["targets"]["table"] for user in users]
    snapshot_nightly()
    read = [dashboard(user)["by_id"]["targets"]["table"] for user in users]
    assert read == live
    assert any(row["cells"][1]["value"] for table in read for row in table["rows"])


def test_the_reader_reads_the_newest_rows_of_one_scope(cast, world):
    assert latest.latest_rows("district", "110105", "street") == (None, [])
    snapshot_nightly()
    as_of, rows = latest.latest_rows("district", "110105", "street")
    assert as_of == TODAY
    by_key = {row["key"]: row["figures"] for row in rows}
    assert set(by_key) == {"110105001", "110105002", "none"}
    assert by_key["110105001"]["compliance.active"] == 3
    assert by_key["110105001"]["compliance.compliant"] == 1


def test_the_application_counts_stay_live(cast, world, dashboard):
    snapshot_nightly()
    world["world"].application(world["e1"], "2", status=Status.SUBMITTED)
    data = dashboard(cast.association)  # the organising unit: no table figures
    assert data["source"] is None
    chart = data["by_id"]["applications"]["chart"]
    assert dict(zip(chart["keys"], chart["series"][0]["values"], strict=True))["submitted"] == 1


def test_the_registry_card_reads_the_snapshot_and_pending_live(client, cast, world):
    snapshot_nightly()
    make_enterprise("待核", cast.chaoyang, 902, street=cast.chaoyang_street, status="pending")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.district)
    response = client.get("/")
    assert response.context["counts"]["active"] == 5  # 朝阳区, last night
    assert response.context["counts"]["pending"] >= 1  # counted now
    assert f"Active as of {TODAY.isoformat()} (nightly snapshot)" in response.content.decode()
    assert sum(n for _label, n in response.context["by_scale"]) <= 5
