"""Who is asking: the client's address, for audit rows and per-address throttles."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    # Behind the compose file's gunicorn there is no proxy adding headers;
    # REMOTE_ADDR is the trustworthy source.
    return request.META.get("REMOTE_ADDR") or None
