"""Figures kept in the cache for a while, and never computed again while a reader
waits once they exist: past their time the reader gets the kept value at once and a
worker computes it again (one refresh per key at a time). A value is served for at
most ``STALE_TIMES`` times its time; one nobody read that long is computed for its
reader, as is one never computed. (Not in the embedded mode, below.)"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

T = TypeVar("T")

# How long past their time kept figures may still be served while they are refreshed.
STALE_TIMES = 10


def read(key: str, seconds: int, compute: Callable[[], T], refresh_later: Callable[[], Any]) -> T:
    """The value kept under ``key``; ``refresh_later`` queues a task that calls
    ``refresh`` with the same key, after this request's transaction commits."""
    found = cache.get(key)
    if found is None:
        return _store(key, seconds, compute)
    computed_at, value = found
    if time.time() - computed_at < seconds:
        return value
    if not _refreshed_for_this_process():
        return _store(key, seconds, compute)
    if cache.add(f"{key}:refresh", 1, seconds):
        transaction.on_commit(refresh_later)
    return value


def refresh(key: str, seconds: int, compute: Callable[[], object]) -> None:
    """Compute a kept value again (in a worker), then let the next refresh be queued."""
    try:
        _store(key, seconds, compute)
    finally:
        cache.delete(f"{key}:refresh")


def _refreshed_for_this_process() -> bool:
    """Whether a worker's refresh reaches this process's cache: a cache the processes
    share (Redis), or tasks run in this process (eager Celery). The embedded mode's
    cache is each process's own memory: there the reader computes, as before."""
    return not isinstance(caches["default"], LocMemCache) or bool(
        getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    )


def _store(key: str, seconds: int, compute: Callable[[], T]) -> T:
    computed_at = time.time()  # before: a change made while computing is not missed
    value = compute()
    cache.set(key, (computed_at, value), seconds * STALE_TIMES)
    return value
