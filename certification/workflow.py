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
# The review unit of the application's current assignment (certification/assignment.py).
REVIEW_UNIT = "review_unit"

# Who must act while an application is in a state. States not listed wait on
# no one (final, or handled by later steps of the workflow).
RESPONSIBLE = {
    Status.DRAFT: APPLICANT,
    Status.SUBMITTED: RECEIVER,
    Status.RETURNED: APPLICANT,
    Status.ACCEPTED: RECEIVER,
    Status.NATIONAL: RECEIVER,
    Status.ASSIGNED: REVIEW_UNIT,
    Status.ON_SITE_REVIEW: REVIEW_UNIT,
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

# States in which the assigned review unit works on the application: its
# object permissions last while the application is in one of them.
WITH_REVIEW_UNIT = {Status.ASSIGNED, Status.ON_SITE_REVIEW, Status.RECTIFICATION,
                    Status.REPORTED}

FINAL = {Status.REJECTED, Status.WITHDRAWN, Status.NATIONAL_DECIDED, Status.ANNOUNCED}


def time_limit(status: str) -> int | None:
    limits = {**DEFAULT_TIME_LIMITS, **getattr(settings, "WORKFLOW_TIME_LIMITS", {})}
    return limits.get(status)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actor: str  # APPLICANT, RECEIVER or REVIEW_UNIT
    label: str
    needs_comment: bool = False
    tiers: tuple[str, ...] | None = None  # None: every tier
    style: str = "primary"  # how the button looks


TRANSITIONS = {t.name: t for t in [
    Transition("submit", (Status.DRAFT,), Status.SUBMITTED, APPLICANT, _("Submit")),
    Transition("resubmit", (Status.RETURNED,), Status.SUBMITTED, APPLICANT,
               _("Resubmit after correction")),
    # Withdrawn by the enterprise before the on-site review starts (issue 4).
    Transition("withdraw", (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED,
                            Status.ASSIGNED), Status.WITHDRAWN, APPLICANT, _("Withdraw"), style="outline-danger"),
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
    # Needs a qualified, active, unconflicted unit and a team of at least two
    # active reviewers of that unit with one leader (certification/assignment.py).
    Transition("assign", (Status.ACCEPTED,), Status.ASSIGNED, RECEIVER,
               _("Assign a review unit"), tiers=("2", "3", "pass")),
    # Needs every team member's signed no-conflict declaration, and the unit
    # still active.
    Transition("start_review", (Status.ASSIGNED,), Status.ON_SITE_REVIEW, REVIEW_UNIT,
               _("Start the on-site review")),
    Transition("withdraw_assignment", (Status.ASSIGNED,), Status.ACCEPTED, RECEIVER,
               _("Withdraw the assignment"), needs_comment=True, style="outline-danger"),
]}


def transitions_from(status: str, tier: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values()
            if status in t.sources and (t.tiers is None or tier in t.tiers)]
