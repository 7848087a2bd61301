import pytest
import time_machine

from tests.reporting.statistics.world import NOW, build


@pytest.fixture
def world(cast):
    """The statistics tests' hand-counted world (tests/reporting/statistics/world.py),
    read on its day."""
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


@pytest.fixture(params=["snapshot", "live"])
def source(request, world):
    """Where the dashboards read their figures: the rows the real nightly writer wrote
    for the world's day, or (before any nightly run) the live tables. Both must give
    the hand counts."""
    if request.param == "snapshot":
        from reporting.snapshots.store import snapshot_nightly

        snapshot_nightly()
    return request.param


@pytest.fixture
def dashboard(client):
    """``dashboard(user)``: the user's /api/v1/dashboards/me/ answer, sections by id."""

    def fetch(user):
        client.force_login(user)
        response = client.get("/api/v1/dashboards/me/")
        assert response.status_code == 200, response.content
        data = response.json()
        data["by_id"] = {s["id"]: s for s in data["sections"]}
        return data

    return fetch
