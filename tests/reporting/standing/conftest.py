import pytest
from django.conf import settings

from reporting.standing import tiers, warnings
from tests.reporting.standing.world import TODAY, Cast, on


@pytest.fixture
def today():
    with on(TODAY):
        yield


@pytest.fixture
def world(cast, today):
    return Cast(cast)


@pytest.fixture
def nightly(world):
    """The world after one nightly run (warning list, then tiers)."""
    warnings.evaluate()
    tiers.compute()
    return world


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
