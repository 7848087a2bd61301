"""The workflow's clocks that move an application on their own (Celery beat
"application-clocks", daily), each through the engine as the portal's
scheduler (workflow.SYSTEM): the move is locked, guarded, audit-logged and
on the timeline like any other.

- **Deemed acceptance** (settings.DEEMED_ACCEPTANCE): an application still
  submitted the day after its acceptance's due date (workflow time limit of
  SUBMITTED, 5 working days) is accepted. 行政许可法 第三十二条 ("逾期不告知的，
  自收到申请材料之日起即为受理") is the model; no standardization text says so,
  hence a setting. Level 1 is forwarded nationally, never deemed accepted.
- **Expired rectification**: an application still in rectification the day
  after the deadline the review unit set ends as not passed (rejected); the
  review unit's assignment ends with it.

A second run the same day finds nothing left to move: each move re-checks the
state under the row lock (TransitionConflict is skipped).
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certification import engine
from certification.models import Application, Status
from certification.workflow import LOCAL, SYSTEM_USERNAME, time_limit
from portal.errors import ServiceError
from portal.models import User

logger = logging.getLogger(__name__)


def scheduler() -> User:
    """The scheduler's user: no organisation, inactive (it cannot log in),
    without a usable password; created on first use."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "系统", "last_name": "（自动）"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _move(application_id: int, transition: str, comment: str) -> bool:
    application = Application.objects.get(pk=application_id)
    try:
        engine.perform(
            actor=scheduler(), application=application, transition=transition, comment=comment
        )
    except engine.TransitionConflict:
        return False  # moved by someone else since it was selected
    except ServiceError as error:
        logger.warning("%s of application %s refused: %s", transition, application_id, error)
        return False
    return True


def deem_accepted(today: datetime.date) -> int:
    """Submitted applications whose acceptance is overdue: accepted."""
    if not getattr(settings, "DEEMED_ACCEPTANCE", False):
        return 0
    moved = 0
    overdue = Application.objects.filter(
        status=Status.SUBMITTED, tier__in=LOCAL, due_on__lt=today
    ).order_by("due_on", "pk")
    for pk, due_on in overdue.values_list("pk", "due_on"):
        assert due_on is not None  # filtered on it
        with translation.override(settings.LANGUAGE_CODE):
            comment = _(
                "Not accepted, returned or refused within %(days)d working days "
                "(due on %(due)s): deemed accepted."
            ) % {"days": time_limit(Status.SUBMITTED) or 0, "due": due_on.isoformat()}
        moved += _move(pk, "deem_accepted", comment)
    return moved


def expire_rectifications(today: datetime.date) -> int:
    """Rectifications past their deadline: the review ends as not passed."""
    moved = 0
    overdue = Application.objects.filter(status=Status.RECTIFICATION, due_on__lt=today).order_by(
        "due_on", "pk"
    )
    for pk, due_on in overdue.values_list("pk", "due_on"):
        assert due_on is not None  # filtered on it
        with translation.override(settings.LANGUAGE_CODE):
            comment = _(
                "The rectification was due on %(due)s and was not submitted: the review "
                "ends as not passed. The enterprise may rectify and apply again."
            ) % {"due": due_on.isoformat()}
        moved += _move(pk, "rectification_expired", comment)
    return moved


def run_clocks(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return {
        "deemed_accepted": deem_accepted(today),
        "rectifications_expired": expire_rectifications(today),
    }


@shared_task(name="certification.run_clocks")
def run_clocks_task() -> dict[str, int]:
    """Daily (CELERY_BEAT_SCHEDULE "application-clocks"): deemed acceptance and
    expired rectifications. A second run the same day moves nothing."""
    return run_clocks()
