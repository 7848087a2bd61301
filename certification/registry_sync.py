"""Applications follow their enterprise. An application keeps a copy of its
enterprise's district and street (Application.region, .street), all of them, not
only open ones: whoever sees the enterprise sees its applications (selectors.
applications_visible_to), and a district's or street's list reads that copy from the
application's own indexes rather than joining the registry."""

from __future__ import annotations

from typing import Any


def follow_enterprise(sender: Any, *, enterprise: Any, before: dict[str, Any], **_: Any) -> None:
    """enterprise_moved receiver: the enterprise's applications take its new district
    and street in one UPDATE, in the transaction that moves it. The industry applied
    for stays (it chose the standard and the organising unit)."""
    from certification.models import Application

    Application.objects.filter(enterprise_id=enterprise.pk).update(
        region_id=enterprise.region_id, street_id=enterprise.street_id
    )
