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


def _transactional(item) -> bool:
    """pytest-django's own test: a transaction-committing test flushes every table at its end."""
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        kwargs.get("transaction")
        or kwargs.get("reset_sequences")
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


BROWSER_TESTS = "tests/browser/"


def _drives_a_browser(item) -> bool:
    """The one definition the ordering and the scheduler below share: by path, as the
    scheduler sees only test ids."""
    return item.nodeid.startswith(BROWSER_TESTS)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (live server, real Celery worker) end by flushing every table,
    the migrated districts and industries included: give each of them serialized_rollback,
    which reloads that data before the test, whatever ran before it.

    pytest-django then sorts them after the other database tests. The browser tests
    among them are a third of the suite's time, run in one process (see
    pytest_xdist_make_scheduler below); last in the queue, they kept that process busy
    for minutes after the other had finished. So they go first, and the test after them
    gets the migrated data back (pytest_runtest_setup below); the quick modules then even
    out the end."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        if kwargs.get("serialized_rollback") or not _transactional(item):
            continue
        kwargs.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    yield  # pytest-django's sort
    items.sort(key=lambda item: not _drives_a_browser(item))


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent with -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """With ``--dist loadscope`` (scripts/test): a module's tests go to one process (its
    module fixtures are built once), and all the browser tests to one process, where
    they never compete with each other for the CPUs (two at once made them time out),
    in the order collected (with --no-loadscope-reorder)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModulesAndTheBrowser(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return BROWSER_TESTS if nodeid.startswith(BROWSER_TESTS) else nodeid.split("::")[0]

    return ModulesAndTheBrowser(config, log)


# The serialized migrated data of each database, kept by a transactional test that has
# flushed it, until the next other test that reads the database restores it.
_flushed: dict[str, str] = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if _flushed and "django_db_setup" in item.fixturenames and not _transactional(item):
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for alias, contents in _flushed.items():
                connections[alias].creation.deserialize_db_from_string(contents)
        _flushed.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if _transactional(item):
        from django.db import connections

        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                _flushed[alias] = contents
    return result


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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """This process's test database is a copy of one migrated template (tests/db_template.py)
    unless the run asks pytest-django to keep, recreate or not migrate its databases."""
    from tests import db_template

    option = request.config.getvalue
    if option("reuse_db") or option("create_db") or option("nomigrations"):
        yield None
        return
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        original_name = db_template.copy_for_this_process()
    yield original_name
    if original_name is not None:
        with blocker.unblock():
            db_template.drop_copy(original_name)


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings):
    """Open the copied template as it is (pytest-django's migrate then finds nothing to
    apply); tests/db_template drops it at the end."""
    return bool(request.config.getvalue("reuse_db") or django_db_modify_db_settings)
