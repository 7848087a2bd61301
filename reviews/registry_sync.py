"""Self-assessments follow their enterprise: each keeps a copy of its name for the
list's search (enterprises/name_copy.py) and of its district, street and industry for
the officials' lists (enterprises/place_copy.py), updated in the transaction that
renames or moves it."""

from __future__ import annotations

from typing import Any


def follow_name(sender: Any, *, enterprise: Any, before: str, **_: Any) -> None:
    """enterprise_renamed receiver: the enterprise's assessments take its new name."""
    from reviews.models import Assessment

    Assessment.objects.filter(enterprise_id=enterprise.pk).update(enterprise_name=enterprise.name)


def follow_enterprise(sender: Any, *, enterprise: Any, before: dict[str, Any], **_: Any) -> None:
    """enterprise_moved receiver: the enterprise's assessments take its new district,
    street and industry in one UPDATE."""
    from enterprises.place_copy import place_of
    from reviews.models import Assessment

    Assessment.objects.filter(enterprise_id=enterprise.pk).update(**place_of(enterprise))
