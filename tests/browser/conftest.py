"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test in this folder is marked ``browser`` (deselect with ``-m "not browser"``). The
live server runs in another thread, so the tests use a transactional database instead of
the usual rolled-back transaction; the migrated reference data (districts, industries) is
reloaded before each test (``serialized_rollback``, see tests/conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cast import PASSWORD, build_cast

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # tests/conftest.py gives every live-server test serialized_rollback.
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_under_playwright(request, django_db_setup):
    """Keeps ``serialized_rollback`` working once Playwright runs.

    Playwright's sync API leaves an asyncio loop running in the main thread, so Django's
    per-thread connection storage (asgiref's Local) switches to a fresh, context-bound
    store: ``connections["default"]`` becomes a new wrapper without the serialized
    database that pytest-django restores from, and every test after the first would start
    without districts and industries.  Hand the new wrappers the same serialized data.
    """
    from django.db import connections

    contents = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    request.getfixturevalue("playwright")
    for alias, serialized in contents.items():
        if serialized is not None:
            connections[alias]._test_serialized_contents = serialized


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/test does it)",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # Without the background-networking flags Chromium tries to reach outside hosts.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser in China asks for Chinese; the portal's default language.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def page(page):
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def tcast(transactional_db):
    """The shared cast (tests/cast.py), committed so that the live server sees it."""
    return build_cast()


@pytest.fixture
def login(page, live_server):
    """``login(username)`` logs in through the login page and returns the page."""

    def log_in(username: str, password: str = PASSWORD):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_load_state()
        return page

    return log_in
