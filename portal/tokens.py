"""API tokens: one per user, valid for API_TOKEN_TTL_HOURS from when it was
issued, and deleted when the user logs out of the pages or revokes it.

A token is a password-equivalent that integrations keep in files and logs; a
fixed lifetime bounds what a leaked one is worth, and logging out ends it like
the session it came with.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from portal import audit


def is_expired(token: Token) -> bool:
    lifetime = datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    return token.created + lifetime <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than API_TOKEN_TTL_HOURS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            raise AuthenticationFailed(
                _("The token has expired; request a new one at POST /api/v1/auth/token/.")
            )
        return user, token


@transaction.atomic
def issue(user) -> Token:
    """The user's token; a new one when the current one has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return token


def revoke(user, *, reason: str) -> bool:
    """Deletes the user's token; audited. False when there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit.record(actor=user, action="api_token.revoke", obj=user, after={"reason": reason})
    return bool(deleted)


@receiver(user_logged_out, dispatch_uid="portal.tokens.revoke_on_logout")
def _revoke_on_logout(sender, request, user, **kwargs):
    if user is not None and user.pk:
        revoke(user, reason="logout")
