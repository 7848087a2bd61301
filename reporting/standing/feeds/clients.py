"""The city office creates and revokes feed clients; both are audited. The token is
returned once, by ``create_client``, and kept only as a hash."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.errors import ServiceError
from portal.models import Region, User
from reporting.standing.feeds.auth import digest, new_token
from reporting.standing.models import FeedClient

RATE = re.compile(r"^([1-9][0-9]{0,5})/(s|sec|second|m|min|minute|h|hour|d|day)$")


def check_rate(value: str) -> str:
    value = value.strip().lower()
    if not RATE.match(value):
        raise ServiceError(
            _("Give the rate limit as a number per second, minute, hour or day, e.g. 60/min."),
            field="rate_limit",
        )
    return value


@transaction.atomic
def create_client(
    *,
    actor: User,
    name: str,
    kind: str,
    scopes: Iterable[str],
    regions: Iterable[Region],
    rate_limit: str,
) -> tuple[FeedClient, str]:
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in FeedClient.Scope.values]
    if not scopes or unknown:
        raise ServiceError(_("Choose at least one scope of the list."), field="scopes")
    if kind not in FeedClient.Kind.values:
        raise ServiceError(_("Choose the kind of body."), field="kind")
    name = name.strip()
    if not name:
        raise ServiceError(_("Give the client's name."), field="name")
    token, prefix = new_token()
    client = FeedClient.objects.create(
        name=name[:200],
        kind=kind,
        scopes=scopes,
        rate_limit=check_rate(rate_limit),
        token_prefix=prefix,
        token_hash=digest(token),
        created_by=actor,
    )
    districts = list(regions)
    client.regions.set(districts)
    audit.record(
        actor=actor,
        action="feed_client.create",
        obj=client,
        after={
            "name": client.name,
            "kind": kind,
            "scopes": scopes,
            "regions": [region.pk for region in districts],
            "rate_limit": client.rate_limit,
        },
    )
    return client, token


@transaction.atomic
def revoke_client(*, actor: User, client: FeedClient) -> None:
    locked = FeedClient.objects.select_for_update().get(pk=client.pk)
    if locked.revoked_at is not None:
        raise ServiceError(_("This client was already revoked."))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    client.revoked_at = locked.revoked_at
    audit.record(actor=actor, action="feed_client.revoke", obj=locked)
