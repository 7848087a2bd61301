"""Test settings: fast hashing, eager Celery unless a test asks for a worker."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WORKLIST_COUNTS_CACHE_SECONDS = 0  # tests count afresh; tests/reporting/worklists checks the cache
STATISTICS_CACHE_SECONDS = 0  # the same; tests/reporting/statistics/test_kept.py checks it
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
# pytest-xdist runs the suite in several processes (scripts/test): each gets its own
# media folder, database (below) and Celery queue, so none sees another's files or tasks.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = VAR_DIR / f"test-media-{XDIST_WORKER}"  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = f"portal-test-{XDIST_WORKER}"
# The work queues too (portal-test-gw0-certificates …): the workers the tests start
# consume all of this process's queues and none of another's.
CELERY_TASK_ROUTES, CELERY_TASK_QUEUES = celery_routing(  # noqa: F405
    CELERY_TASK_DEFAULT_QUEUE, prefix=f"{CELERY_TASK_DEFAULT_QUEUE}-"
)
WHITENOISE_AUTOREFRESH = True  # tests never run collectstatic: no "No directory at" warning

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: the live server and real Celery worker
    # threads then wait on locks (WAL + timeout) instead of failing at once
    # with "database table is locked".
    # One file per process, so two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-portal-{os.getpid()}.sqlite3")  # noqa: F405
    }
    # A test database is thrown away: no waiting for the disk at each commit
    # (the migrations commit hundreds of times, transactional tests at every step).
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The same for PostgreSQL: a commit does not wait for its WAL to reach the disk
    # (a crash could lose the last commits of a database the run drops anyway).
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405

if "replica" in DATABASES:  # noqa: F405
    # The replica serves the primary's test database (scripts/replica_check).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
