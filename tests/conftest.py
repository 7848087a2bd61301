import pytest

from tests.cast import build_cast


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def client_for(client):
    """Log a cast member in on the test client: ``client_for(cast.city)``."""

    def login(user):
        client.force_login(user)
        return client

    return login
