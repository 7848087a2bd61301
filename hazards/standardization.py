"""What the hazard ledger means for standardization (certification), told through the
registry's hooks so that neither app imports the other:

- an open major hazard (重大事故隐患) blocks a grading application
  (enterprises/preconditions.py, registered in HazardsConfig.ready);
- a major hazard still open past its deadline flags the enterprise's live certificates
  for a revocation review (enterprises.signals.major_hazard_overdue, sent once per
  hazard by the daily job below)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enterprises.signals import major_hazard_overdue
from hazards.models import Hazard


def _open_major(enterprise_id: int):
    return Hazard.objects.filter(enterprise_id=enterprise_id, grade=Hazard.Grade.MAJOR).exclude(
        status=Hazard.Status.CLOSED
    )


def application_blockers(enterprise) -> list[str]:
    """One message per open major hazard of the enterprise, naming it and its deadline."""
    return [
        _(
            "Major hazard %(number)s is still open (rectification deadline %(deadline)s); "
            "an enterprise may apply for a grade only once its major hazards are closed."
        )
        % {"number": number, "deadline": deadline.isoformat()}
        for number, deadline in _open_major(enterprise.pk)
        .order_by("deadline", "pk")
        .values_list("number", "deadline")
    ]


def flag_overdue_major(today: datetime.date | None = None) -> int:
    """Flag, once per hazard, the live certificates of every enterprise with a major
    hazard still open past its deadline. Each hazard is claimed with a conditional
    UPDATE, so a second run (or a concurrent one) does nothing."""
    today = today or timezone.localdate()
    due = (
        Hazard.objects.filter(
            grade=Hazard.Grade.MAJOR, deadline__lt=today, overdue_flagged_on__isnull=True
        )
        .exclude(status=Hazard.Status.CLOSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    flagged = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Hazard.objects.filter(pk=pk, overdue_flagged_on__isnull=True).update(
                overdue_flagged_on=today
            )
            if not claimed:
                continue
            hazard = Hazard.objects.select_related("enterprise").get(pk=pk)
            with translation.override(settings.LANGUAGE_CODE):
                reason = _(
                    "Major hazard %(number)s is still open past its rectification "
                    "deadline %(deadline)s."
                ) % {"number": hazard.number, "deadline": hazard.deadline.isoformat()}
            major_hazard_overdue.send(
                sender=Hazard, actor=None, enterprise=hazard.enterprise, reason=reason
            )
            flagged += 1
    return flagged


@shared_task(name="hazards.flag_overdue_major")
def flag_overdue_major_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE "hazards-overdue-major")."""
    return flag_overdue_major()
