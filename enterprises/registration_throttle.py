"""Counting registrations per client address: each one creates an account and a
claim for a district to handle, so one address may not file them in bulk."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _key(ip: str | None) -> str:
    return f"registrations:{ip or '-'}"


def allow(ip: str | None) -> bool:
    """Count one registration attempt from ``ip``; False once over the limit."""
    key = _key(ip)
    # add() starts the window only once: later attempts do not prolong it.
    cache.add(key, 0, settings.REGISTRATION_ATTEMPT_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, settings.REGISTRATION_ATTEMPT_WINDOW_SECONDS)
        count = 1
    return count <= settings.REGISTRATION_ATTEMPT_LIMIT


def window_minutes() -> int:
    return max(1, settings.REGISTRATION_ATTEMPT_WINDOW_SECONDS // 60)
