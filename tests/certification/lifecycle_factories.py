"""Certificates for lifecycle tests: announced through the real services."""

from __future__ import annotations

import datetime

import time_machine

from certification.models import Certificate
from certification.publicity import rules as publicity
from tests.certification.test_publicity import MONDAY, verified

ISSUED_ON = datetime.date(2026, 3, 12)  # valid until 2029-03-11
AFTER = "2026-03-12 10:00 +0800"


def issue(cast, version, *, tier: str = "3", enterprise=None, user=None) -> Certificate:
    """A certificate announced on 2026-03-12 by the grading authority
    (cast.district for level 3, cast.regulator for level 2)."""
    receiver = cast.district if tier == "3" else cast.regulator
    with time_machine.travel(MONDAY):
        application = verified(cast, version, enterprise, user, tier=tier)
        publicity.publicity_batch_create(actor=receiver, applications=[application])
    with time_machine.travel(AFTER):
        publicity.announcement_create(actor=receiver, applications=[application])
    return Certificate.objects.get(application=application)
