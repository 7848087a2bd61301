"""Figures kept in the cache for a while, and never computed again while a reader
waits once they exist: past their time the reader gets the kept value at once and a
worker computes it again (one refresh per key at a time). A value is served for at
most ``STALE_TIMES`` times its time; one nobody read that long is computed for its
reader, as is one never computed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
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
    if time.time() - computed_at >= seconds and cache.add(f"{key}:refresh", 1, seconds):
        transaction.on_commit(refresh_later)
    return value


def refresh(key: str, seconds: int, compute: Callable[[], object]) -> None:
    """Compute a kept value again (in a worker), then let the next refresh be queued."""
    try:
        _store(key, seconds, compute)
    finally:
        cache.delete(f"{key}:refresh")


def _store(key: str, seconds: int, compute: Callable[[], T]) -> T:
    computed_at = time.time()  # before: a change made while computing is not missed
    value = compute()
    cache.set(key, (computed_at, value), seconds * STALE_TIMES)
    return value
