"""Counting failed logins per username and client address (page and API)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _key(username: str, ip: str | None) -> str:
    return f"login-failures:{(username or '').strip().lower()}:{ip or '-'}"


def is_locked(username: str, ip: str | None) -> bool:
    return cache.get(_key(username, ip), 0) >= settings.LOGIN_FAILURE_LIMIT


def record_failure(username: str, ip: str | None) -> None:
    key = _key(username, ip)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def clear(username: str, ip: str | None) -> None:
    cache.delete(_key(username, ip))


def lock_minutes() -> int:
    return max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
