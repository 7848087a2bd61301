import pytest
from django.conf import settings

from tests.reporting.worklists.world import Cases, on_today


@pytest.fixture
def today():
    with on_today():
        yield


@pytest.fixture
def cases(cast, today):
    return Cases(cast).build()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
