"""Gap-free numbers: certificates, announcements, verification batches, print numbers."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from certification.models import Counter


def next_number(key: str) -> int:
    """The next number of a gap-free sequence (1, 2, 3, …).

    The counter row is incremented in the database (UPDATE … SET value =
    value + 1), which locks it until the surrounding transaction ends: two
    announcements at once wait for each other and never share a number.
    Never derived from existing rows (max()+1).
    """
    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        Counter.objects.filter(key=key).update(value=F("value") + 1)
        return Counter.objects.get(key=key).value
