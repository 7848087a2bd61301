"""Applications and certificates follow their enterprise. Each keeps a copy of its
enterprise's district, street and industry (``region``, ``street``,
``enterprise_industry``), all of them, not only open ones or live ones: whoever sees the
enterprise sees its applications (selectors.applications_visible_to), and a district's,
street's or regulator's list reads that copy from the application's own indexes rather
than joining the registry."""

from __future__ import annotations

from typing import Any


def follow_enterprise(sender: Any, *, enterprise: Any, before: dict[str, Any], **_: Any) -> None:
    """enterprise_moved receiver: the enterprise's applications and certificates take
    its new district, street and industry in one UPDATE each, in the transaction that
    moves it. The industry applied for stays (it chose the standard and the organising
    unit)."""
    from certification.models import Application, Certificate
    from enterprises.place_copy import place_of

    place = place_of(enterprise)
    Application.objects.filter(enterprise_id=enterprise.pk).update(**place)
    Certificate.objects.filter(enterprise_id=enterprise.pk).update(**place)


def follow_name(sender: Any, *, enterprise: Any, before: str, **_: Any) -> None:
    """enterprise_renamed receiver: the enterprise's applications take its new name,
    which their list's search reads (enterprises/name_copy.py)."""
    from certification.models import Application

    Application.objects.filter(enterprise_id=enterprise.pk).update(enterprise_name=enterprise.name)
