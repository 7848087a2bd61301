"""The change feed: the change log's rows after a cursor, in the client's districts.

The cursor is opaque to the client: the last row's id, signed for that client (so a
cursor cannot be forged, edited, or used by another client). Rows are only ever
appended (reporting/standing/models.StandingChange), so paging by id misses nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import ServiceError
from reporting.standing.models import FeedClient, StandingChange

SALT = "reporting.standing.feeds.cursor"


def cursor_for(client: FeedClient, last_id: int) -> str:
    return signing.dumps({"c": client.pk, "i": last_id}, salt=SALT, compress=True)


def read_cursor(client: FeedClient, cursor: str) -> int:
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        data = None
    if (
        not isinstance(data, dict)
        or data.get("c") != client.pk
        or not isinstance(data.get("i"), int)
    ):
        raise ServiceError(
            _("This cursor was not given out by this feed: start again without one."),
            field="cursor",
        )
    return int(data["i"])


def start_of(day: str) -> int:
    """The id before the first change made on or after ``day`` (YYYY-MM-DD)."""
    try:
        parsed = datetime.date.fromisoformat(day)
    except ValueError:
        raise ServiceError(_("Give the day as YYYY-MM-DD."), field="since") from None
    moment = timezone.make_aware(datetime.datetime.combine(parsed, datetime.time.min))
    first = (
        StandingChange.objects.filter(created_at__gte=moment)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    if first is None:
        last = StandingChange.objects.order_by("-id").values_list("id", flat=True).first()
        return last or 0
    return first - 1


def page(client: FeedClient, after: int, limit: int) -> dict[str, Any]:
    qs = StandingChange.objects.filter(id__gt=after)
    regions = [region.pk for region in client.regions.all()]
    if regions:
        qs = qs.filter(region_id__in=regions)
    rows = list(
        qs.order_by("id").values(
            "id", "kind", "detail", "created_at", "enterprise__uscc", "enterprise__name"
        )[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1]["id"] if rows else after
    return {
        "changes": [
            {
                "uscc": row["enterprise__uscc"],
                "name": row["enterprise__name"],
                "kind": row["kind"],
                "detail": row["detail"],
                "at": row["created_at"],
            }
            for row in rows
        ],
        "has_more": more,
        "next_cursor": cursor_for(client, last),
    }
