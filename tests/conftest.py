import pytest

from tests.cast import build_cast


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around a whole module, rolled back at its end: what a module's
    fixtures write once (the demo data: seconds of work) every test of the module
    reads, each test in its own savepoint inside it, as TestCase.setUpTestData does.
    Only for modules without transactional tests."""
    from django.db import transaction

    with django_db_blocker.unblock():  # the module's own fixtures write inside it
        outer = transaction.atomic()
        outer._from_testcase = True  # durable blocks inside it behave as in a TestCase
        outer.__enter__()
        yield
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


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
