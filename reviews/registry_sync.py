"""Self-assessments follow their enterprise's name: each keeps a copy for the list's
search (enterprises/name_copy.py), updated in the transaction that renames it."""

from __future__ import annotations

from typing import Any


def follow_name(sender: Any, *, enterprise: Any, before: str, **_: Any) -> None:
    """enterprise_renamed receiver: the enterprise's assessments take its new name."""
    from reviews.models import Assessment

    Assessment.objects.filter(enterprise_id=enterprise.pk).update(enterprise_name=enterprise.name)
