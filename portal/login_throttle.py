"""Counting failed logins per username and client address, and per address
alone (login page, Django admin and API token endpoint).

The username is counted as Django authenticates it: NFKC-normalised (so
full-width or mathematical letters are the same name) and case-folded, so
spelling a name differently never earns another round of guesses. The
per-address count stops one password being tried on many usernames.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.cache import cache


def canonical_username(username: str | None) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def _user_key(username: str, ip: str | None) -> str:
    return f"login-failures:{canonical_username(username)}:{ip or '-'}"


def _address_key(ip: str | None) -> str:
    return f"login-failures-address:{ip or '-'}"


def is_locked(username: str, ip: str | None) -> bool:
    counts = cache.get_many([_user_key(username, ip), _address_key(ip)])
    return (
        counts.get(_user_key(username, ip), 0) >= settings.LOGIN_FAILURE_LIMIT
        or counts.get(_address_key(ip), 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
    )


def _increment(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def record_failure(username: str, ip: str | None) -> None:
    _increment(_user_key(username, ip))
    _increment(_address_key(ip))


def clear(username: str, ip: str | None) -> None:
    """After a successful login: that person's count starts again (the
    address's count stays, or one valid account would reset it)."""
    cache.delete(_user_key(username, ip))


def lock_minutes() -> int:
    return max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
