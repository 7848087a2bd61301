"""How a feed client proves who it is, what it may read and how often.

A client sends ``Authorization: Feed <token>``. The token is ``wsf_`` + a prefix
that finds the row + 256 random bits; the portal keeps the prefix and the SHA-256
of the whole token, so the token is shown once, at creation, and never again.
A revoked client's token is refused like an unknown one (401).

Feed clients are not users: they never reach the portal's other endpoints (the
portal's own authentication does not know the ``Feed`` keyword), and user tokens
or sessions never reach the feed endpoints (only this authentication is tried)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from reporting.standing.models import FeedClient

KEYWORD = "Feed"
TOKEN_START = "wsf_"
PREFIX_LENGTH = 8


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token, prefix): the prefix is the row's lookup key, unique per client."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}", prefix


class FeedPrincipal:
    """What ``request.user`` is on a feed endpoint: the client, not a person."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    organisation = None
    organisation_id = None
    pk = None

    def __init__(self, client: FeedClient) -> None:
        self.client = client

    def __str__(self) -> str:
        return self.client.name


class FeedTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[FeedPrincipal, FeedClient] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the header as: Authorization: Feed <token>."))
        try:
            token = parts[1].decode()
        except UnicodeError:
            raise AuthenticationFailed(_("Invalid feed token.")) from None
        prefix = token.removeprefix(TOKEN_START).split("_", 1)[0]
        client = (
            FeedClient.objects.filter(token_prefix=prefix, revoked_at__isnull=True)
            .prefetch_related("regions")
            .first()
        )
        if client is None or not hmac.compare_digest(client.token_hash, digest(token)):
            raise AuthenticationFailed(_("Invalid or revoked feed token."))
        FeedClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return FeedPrincipal(client), client

    def authenticate_header(self, request: Any) -> str:
        return KEYWORD


def client_of(request: Any) -> FeedClient:
    client = request.auth
    assert isinstance(client, FeedClient)  # FeedTokenAuthentication + HasFeedScope ran
    return client


class HasFeedScope(BasePermission):
    """The view's ``feed_scope`` must be among the client's scopes (403 naming it)."""

    message = ""

    def has_permission(self, request: Any, view: Any) -> bool:
        client = request.auth
        if not isinstance(client, FeedClient):
            return False
        needed = view.feed_scope
        if needed in client.scopes:
            return True
        self.message = _(
            "This client may not use “%(scope)s”; its scopes are: %(scopes)s. "
            "Ask the city office to change them."
        ) % {
            "scope": FeedClient.Scope(needed).label,
            "scopes": ", ".join(str(FeedClient.Scope(s).label) for s in client.scopes) or _("none"),
        }
        return False


class FeedClientThrottle(SimpleRateThrottle):
    """Each client's own rate (FeedClient.rate_limit), counted in the cache."""

    scope = "feed"

    def __init__(self) -> None:
        # The rate is the client's, known only per request (allow_request).
        pass

    def allow_request(self, request: Any, view: Any) -> bool:
        client = request.auth
        if not isinstance(client, FeedClient):
            return True
        self.rate = client.rate_limit
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
