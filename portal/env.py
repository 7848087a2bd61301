"""Typed readers for environment variables.

Each helper refuses values it does not understand instead of guessing, so a
typo in a deployment fails at start-up with a message naming the variable.
"""

from __future__ import annotations

import os
from typing import overload

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_required(name: str) -> str:
    value = env_str(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of true/false, 1/0, yes/no, on/off"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item")
    return items


# Keys that are published somewhere (this repository, Django's startproject)
# and so protect nothing.
KNOWN_SECRET_KEYS = {
    "insecure-development-key-do-not-use-in-production",
    "build-only-not-secret",
    "bench-only-not-secret",
    "bench-only-not-a-secret",
    "ci-dummy",
    "change-me",
    "changeme",
}
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_HINT = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def check_secret_key(name: str, value: str | None) -> str:
    """A SECRET_KEY fit to sign sessions and tokens when DEBUG is off: set, at
    least 50 characters of at least 5 different ones, not a published key."""
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off (set DEBUG=true for local development); "
            f"{SECRET_KEY_HINT}"
        )
    if value in KNOWN_SECRET_KEYS or value.startswith("django-insecure"):
        problem = "is a published example key"
    elif len(value) < SECRET_KEY_MIN_LENGTH:
        problem = f"has {len(value)} characters; at least {SECRET_KEY_MIN_LENGTH} are needed"
    elif len(set(value)) < 5:
        problem = "repeats too few different characters to be secret"
    else:
        return value
    raise ImproperlyConfigured(f"{name} {problem} when DEBUG is off; {SECRET_KEY_HINT}")
