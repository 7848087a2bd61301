"""Where an enterprise stands: its grade and validity, its application's step, the
next thing to do, open hazards and self-reports due; a group one row per member;
never another enterprise's."""

from __future__ import annotations

import pytest

from certification.models import Status

pytestmark = pytest.mark.django_db


def rows(data):
    return {row["enterprise"]["id"]: row for row in data["by_id"]["standing"]["rows"]}


def test_enterprise_without_a_live_certificate_is_asked_to_apply(cast, world, dashboard):
    data = dashboard(cast.enterprise)  # its level 3 was revoked, the other expired
    row = rows(data)[cast.ent.pk]
    assert row["certificate"] is None
    assert row["application"] is None
    assert row["next"]["url"] == "/applications/new/"
    assert row["hazards"]["open"] == 0
    assert row["self_reports"]["count"] >= 1  # the last quarter's form is not filed
    assert data["statistics"] == []


def test_the_application_step_and_what_the_enterprise_waits_for(cast, world, dashboard):
    application = world["world"].application(cast.ent, "3", status=Status.ON_SITE_REVIEW)
    row = rows(dashboard(cast.enterprise))[cast.ent.pk]
    assert row["application"]["id"] == application.pk
    states = [step["state"] for step in row["application"]["steps"]]
    assert states == ["done", "done", "done", "current", "todo", "todo", "todo"]
    assert row["next"]["url"] == f"/applications/{application.pk}/"
    world["world"].application(cast.ent, "3", status=Status.RETURNED)  # newer: returned
    row = rows(dashboard(cast.enterprise))[cast.ent.pk]
    assert row["application"]["steps"][0]["state"] == "current"


def test_an_enterprise_never_sees_another_enterprise(cast, world, dashboard):
    ours = dashboard(cast.other_enterprise)  # 海淀: a live level 3 to 2029-01-31
    row = rows(ours)[cast.other_ent.pk]
    assert row["certificate"]["valid_until"] == "2029-01-31"
    assert list(rows(ours)) == [cast.other_ent.pk]
    assert cast.ent.name not in str(ours)
    assert cast.other_ent.name not in str(dashboard(cast.enterprise))


def test_a_group_sees_one_row_per_member(cast, world, dashboard):
    extra = world["e4"]
    extra.group = cast.group.organisation
    extra.save(update_fields=["group"])
    data = dashboard(cast.group)
    assert sorted(rows(data)) == sorted([cast.ent.pk, extra.pk])
    assert f"q={cast.ent.uscc}" in rows(data)[cast.ent.pk]["hazards"]["open_url"]
    assert cast.other_ent.name not in str(data)


def test_the_enterprise_home_page_shows_the_stepper(client, cast, world):
    world["world"].application(cast.ent, "3", status=Status.PUBLICITY)
    client.force_login(cast.enterprise)
    page = client.get("/").content.decode()
    assert 'data-testid="standing-row"' in page
    assert 'aria-current="step"' in page


def test_review_units_have_no_dashboard(client, cast):
    client.force_login(cast.reviewer)
    assert client.get("/api/v1/dashboards/me/").status_code == 403
    assert 'data-testid="dashboard"' not in client.get("/").content.decode()
