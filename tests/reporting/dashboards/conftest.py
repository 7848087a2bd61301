import pytest
import time_machine

from tests.reporting.statistics.world import NOW, build


@pytest.fixture
def world(cast):
    """The statistics tests' hand-counted world (tests/reporting/statistics/world.py),
    read on its day."""
    with time_machine.travel(NOW, tick=False):
        yield build(cast)


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
