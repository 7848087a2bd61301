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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (live server, real Celery worker) end by flushing every table,
    the migrated districts and industries included: give each of them serialized_rollback,
    which reloads that data before the test, whatever ran before it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        fixtures = getattr(item, "fixturenames", ())
        if kwargs.get("serialized_rollback") or not (
            kwargs.get("transaction") or "transactional_db" in fixtures or "live_server" in fixtures
        ):
            continue
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def _fresh_scoring_cache():
    """Each test builds its own standards; never score against an earlier test's."""
    from reviews import scoring_data

    scoring_data._published_specs.clear()
    yield
    scoring_data._published_specs.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request made in English by an
    earlier test in the same process would otherwise leave English active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
