"""The application workflow, declared as data: the one place its states and
moves are written down. Services carry the moves out (certification/services.py);
pages and the API list the moves open to a user from here.

Each state names who acts next (for work queues and reminders) and its time
limit in working days (settings.WORKFLOW_TIME_LIMITS overrides the defaults of
domain.md §4.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from certification.models import Status

APPLICANT, RECEIVER = "applicant", "receiver"

# Who must act while an application is in a state. States not listed wait on
# no one (final, or handled by later steps of the workflow).
RESPONSIBLE = {
    Status.DRAFT: APPLICANT,
    Status.SUBMITTED: RECEIVER,
    Status.RETURNED: APPLICANT,
    Status.ACCEPTED: RECEIVER,
    Status.NATIONAL: RECEIVER,
}

# Working days allowed in a state. Acceptance 5 and the formal review before
# assignment 5 (domain.md §4.2); correcting a returned application 20 is the
# portal's assumption, hence a setting.
DEFAULT_TIME_LIMITS = {
    Status.SUBMITTED: 5,
    Status.RETURNED: 20,
    Status.ACCEPTED: 5,
    Status.ON_SITE_REVIEW: 40,
    Status.PUBLICITY: 7,
}

FINAL = {Status.REJECTED, Status.WITHDRAWN, Status.NATIONAL_DECIDED, Status.ANNOUNCED}


def time_limit(status: str) -> int | None:
    limits = {**DEFAULT_TIME_LIMITS, **getattr(settings, "WORKFLOW_TIME_LIMITS", {})}
    return limits.get(status)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actor: str  # APPLICANT or RECEIVER
    label: str
    needs_comment: bool = False
    tiers: tuple[str, ...] | None = None  # None: every tier
    style: str = "primary"  # how the button looks


TRANSITIONS = {t.name: t for t in [
    Transition("submit", (Status.DRAFT,), Status.SUBMITTED, APPLICANT, _("Submit")),
    Transition("resubmit", (Status.RETURNED,), Status.SUBMITTED, APPLICANT,
               _("Resubmit after correction")),
    Transition("withdraw", (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED),
               Status.WITHDRAWN, APPLICANT, _("Withdraw"), style="outline-danger"),
    Transition("accept", (Status.SUBMITTED,), Status.ACCEPTED, RECEIVER, _("Accept"),
               tiers=("2", "3", "pass"), style="success"),
    Transition("return", (Status.SUBMITTED,), Status.RETURNED, RECEIVER,
               _("Return for correction"), needs_comment=True, style="warning"),
    Transition("reject", (Status.SUBMITTED,), Status.REJECTED, RECEIVER, _("Do not accept"),
               needs_comment=True, style="outline-danger"),
    Transition("forward_national", (Status.SUBMITTED,), Status.NATIONAL, RECEIVER,
               _("Forward to the national organising unit"), tiers=("1",)),
    Transition("record_national_result", (Status.NATIONAL,), Status.NATIONAL_DECIDED,
               RECEIVER, _("Record the national result"), tiers=("1",)),
]}


def transitions_from(status: str, tier: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values()
            if status in t.sources and (t.tiers is None or tier in t.tiers)]
