"""The organising unit's dashboard: its applications by state, its queue and its
review units."""

from __future__ import annotations

import pytest

from certification.models import Status

pytestmark = pytest.mark.django_db


def test_organising_unit_sees_its_applications_and_units(cast, world, dashboard):
    # It organises machinery level 2: 统计一's and 统计六's announced level 2.
    world["world"].application(world["e1"], "2", status=Status.SUBMITTED)
    data = dashboard(cast.association)
    chart = data["by_id"]["applications"]["chart"]
    counts = dict(zip(chart["keys"], chart["series"][0]["values"], strict=True))
    assert counts == {"submitted": 1, "announced": 2}
    assert chart["series"][0]["urls"][0] == "/applications/?status=submitted"
    queue = {t["key"]: t["value"] for t in data["by_id"]["queue"]["tiles"]}
    assert queue == {"queue": 0, "overdue": 0}  # the district receives them
    units = data["by_id"]["review-units"]["rows"]
    assert [row["cells"][0]["text"] for row in units] == [cast.reviewer.organisation.name]
    assert "统计四" not in str(data)  # level 3: not its applications
