"""The application workflow, declared as data: the one place its states and
moves are written down. The engine (certification/engine.py) carries the moves
out, calling each move's own PREPARE and FINISH steps named here by dotted path;
pages and the API list the moves open to a user from here.

Each state names who acts next (for work queues and reminders) and its time
limit in working days (settings.WORKFLOW_TIME_LIMITS overrides the defaults of
domain.md §4.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from certification.models import Application, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

APPLICANT, RECEIVER = "applicant", "receiver"
# The grading authority (定级部门) of the application's grade reached
# (Application.authority, certification/approval/rules.py; which organisation
# kind grades each tier is settings.GRADING_AUTHORITIES).
AUTHORITY = "authority"
TIER_NAMES = {"1": "一级", "2": "二级", "3": "三级", "pass": "达标"}
# The review unit of the application's current assignment (certification/assignment/rules.py).
REVIEW_UNIT = "review_unit"
# The portal's scheduler (certification/applications/clocks.py): moves a clock
# makes on its own, by the one user of this name (no organisation, no login).
SYSTEM = "system"
SYSTEM_USERNAME = "portal-scheduler"

# Who must act while an application is in a state. States not listed wait on
# no one (final, or handled by later steps of the workflow).
RESPONSIBLE: dict[str, str] = {
    Status.DRAFT: APPLICANT,
    Status.SUBMITTED: RECEIVER,
    Status.RETURNED: APPLICANT,
    Status.ACCEPTED: RECEIVER,
    Status.NATIONAL: RECEIVER,
    Status.ASSIGNED: REVIEW_UNIT,
    Status.ON_SITE_REVIEW: REVIEW_UNIT,
    Status.RECTIFICATION: APPLICANT,
    Status.REPORTED: RECEIVER,
    Status.AWAITING_CONSENT: APPLICANT,
    Status.VERIFIED: AUTHORITY,
    Status.APPROVED: AUTHORITY,
    Status.PUBLICITY: AUTHORITY,
}

# Working days allowed in a state. Acceptance 5 and the formal review before
# assignment 5, the on-site review 40 and publicity 7 (domain.md §4.2);
# correcting a returned application 20 and verifying a report 10 are the
# portal's assumptions, hence a setting.
DEFAULT_TIME_LIMITS = {
    Status.SUBMITTED: 5,
    Status.RETURNED: 20,
    Status.ACCEPTED: 5,
    # The review's 40 working days run "from the notice" (domain.md §4.2): from
    # the assignment; start_review keeps the assignment's due date.
    Status.ASSIGNED: 40,
    Status.ON_SITE_REVIEW: 40,
    Status.REPORTED: 10,
    Status.PUBLICITY: 7,
    # The grading authority's approval and its start of publicity, and the
    # enterprise's answer to a lower grade: the portal's assumptions (应急〔2021〕83号
    # gives no day count in the stored sources).
    Status.AWAITING_CONSENT: 10,
    Status.VERIFIED: 10,
    Status.APPROVED: 5,
}

# The review's clock stops while the enterprise rectifies (domain.md §4.1:
# "不含企业整改时间"): the rectification's own due date is the deadline the
# review unit sets, and the review resumes with the working days it had left.
PAUSES_REVIEW_CLOCK = {Status.RECTIFICATION}

# States in which the application stays with its review unit: its object
# permissions last while the application is in one of them. Until the
# announcement, because an upheld objection during publicity sends the
# application back to verification, and from there to the same unit.
WITH_REVIEW_UNIT = {
    Status.ASSIGNED,
    Status.ON_SITE_REVIEW,
    Status.RECTIFICATION,
    Status.REPORTED,
    Status.AWAITING_CONSENT,
    Status.VERIFIED,
    Status.APPROVED,
    Status.PUBLICITY,
}

# Ends the current assignment when a move takes the application out of
# WITH_REVIEW_UNIT; returns the unit's id.
LEAVE_REVIEW_UNIT = "certification.assignment.rules.end_assignment"

FINAL = {Status.REJECTED, Status.WITHDRAWN, Status.NATIONAL_DECIDED, Status.ANNOUNCED}


def tier_label(tier: str) -> str:
    """A grade's display name (the grade shown is stored as a plain code)."""
    try:
        return str(Application.Tier(tier).label)
    except ValueError:
        return tier


def time_limit(status: str) -> int | None:
    configured = getattr(settings, "WORKFLOW_TIME_LIMITS", {})
    if status == Status.PUBLICITY and status not in configured:
        # The publicity's own setting, never below the 应急〔2021〕83号 minimum.
        days = getattr(settings, "PUBLICITY_WORKING_DAYS", DEFAULT_TIME_LIMITS[Status.PUBLICITY])
        return max(days, getattr(settings, "PUBLICITY_MIN_WORKING_DAYS", 0))
    return {**DEFAULT_TIME_LIMITS, **configured}.get(status)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actor: str  # APPLICANT, RECEIVER, REVIEW_UNIT, AUTHORITY or SYSTEM
    label: StrOrPromise  # lazy: translated when shown
    needs_comment: bool = False
    tiers: tuple[str, ...] | None = None  # None: every tier
    style: str = "primary"  # how the button looks
    # Made for a whole batch from the batch's page and endpoint (publicity,
    # announcement), never from one application's action buttons.
    via_batch: bool = False
    # The move's own work, as dotted paths of functions taking the engine's Move:
    # PREPARE checks and sets fields before the status changes (refusing raises
    # and writes nothing); FINISH writes related rows after. Both run inside the
    # engine's transaction. OFFERED_WHEN(application) hides a move that does not
    # apply (its PREPARE refuses it too).
    prepare: str | None = None
    finish: str | None = None
    offered_when: str | None = None

    @property
    def confirm(self) -> bool:
        """Pages ask before making this move (CONFIRMED)."""
        return self.name in CONFIRMED


# Moves that bind the enterprise or the grading authority and that no button
# undoes: the pages ask before making them (by name, so a step added later
# joins by being listed here).
CONFIRMED = frozenset(
    {
        "accept",
        "reject",
        "withdraw",
        "verify",
        "verify_lower",
        "consent_lower",
        "approve",
        "refuse_grade",
        "close_not_reached",
        "announce",
        "revoke",
    }
)

# Tiers reviewed in Beijing; level 1 is reviewed nationally (forward_national).
LOCAL = ("2", "3", "pass")

APPS = "certification.applications.services."
ASSIGN = "certification.assignment.rules."
ONSITE = "certification.onsite.rules."
RECTIFY = "certification.onsite.rectification."
VERIFY = "certification.verification.rules."
PUBLICITY = "certification.publicity.rules."
LIFECYCLE = "certification.lifecycle.rules."
APPROVAL = "certification.approval.rules."

TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            (Status.DRAFT,),
            Status.SUBMITTED,
            APPLICANT,
            _("Submit"),
            prepare=APPS + "prepare_submit",
        ),
        Transition(
            "resubmit",
            (Status.RETURNED,),
            Status.SUBMITTED,
            APPLICANT,
            _("Resubmit after correction"),
            prepare=APPS + "prepare_submit",
        ),
        # Withdrawn by the enterprise before the on-site review starts.
        Transition(
            "withdraw",
            (
                Status.DRAFT,
                Status.SUBMITTED,
                Status.RETURNED,
                Status.ACCEPTED,
                Status.ASSIGNED,
                Status.AWAITING_CONSENT,  # rather than take the lower grade
            ),
            Status.WITHDRAWN,
            APPLICANT,
            _("Withdraw"),
            style="outline-danger",
        ),
        Transition(
            "accept",
            (Status.SUBMITTED,),
            Status.ACCEPTED,
            RECEIVER,
            _("Accept"),
            tiers=LOCAL,
            style="success",
        ),
        # Once, with the one complete list of corrections as its comment
        # (行政许可法 第三十二条 "一次告知"): a second return is refused.
        Transition(
            "return",
            (Status.SUBMITTED,),
            Status.RETURNED,
            RECEIVER,
            _("Return for correction"),
            needs_comment=True,
            style="warning",
            prepare=APPS + "prepare_return",
        ),
        # Not answered within the acceptance's time limit: deemed accepted
        # (settings.DEEMED_ACCEPTANCE; certification/applications/clocks.py).
        Transition(
            "deem_accepted",
            (Status.SUBMITTED,),
            Status.ACCEPTED,
            SYSTEM,
            _("Deemed accepted: not answered in time"),
            tiers=LOCAL,
        ),
        Transition(
            "reject",
            (Status.SUBMITTED,),
            Status.REJECTED,
            RECEIVER,
            _("Do not accept"),
            needs_comment=True,
            style="outline-danger",
        ),
        Transition(
            "forward_national",
            (Status.SUBMITTED,),
            Status.NATIONAL,
            RECEIVER,
            _("Forward to the national organising unit"),
            tiers=("1",),
        ),
        Transition(
            "record_national_result",
            (Status.NATIONAL,),
            Status.NATIONAL_DECIDED,
            RECEIVER,
            _("Record the national result"),
            tiers=("1",),
            prepare=APPS + "prepare_national_result",
        ),
        # Needs a qualified, active, unconflicted unit and a team of at least two
        # active reviewers of that unit with one leader (certification/assignment/rules.py).
        Transition(
            "assign",
            (Status.ACCEPTED,),
            Status.ASSIGNED,
            RECEIVER,
            _("Assign a review unit"),
            tiers=LOCAL,
            prepare=ASSIGN + "prepare_assign",
            finish=ASSIGN + "finish_assign",
        ),
        # Needs every team member's signed no-conflict declaration, and the unit
        # still active.
        Transition(
            "start_review",
            (Status.ASSIGNED,),
            Status.ON_SITE_REVIEW,
            REVIEW_UNIT,
            _("Start the on-site review"),
            prepare=ASSIGN + "prepare_start_review",
            finish=ONSITE + "finish_start_review",
        ),
        Transition(
            "withdraw_assignment",
            (Status.ASSIGNED,),
            Status.ACCEPTED,
            RECEIVER,
            _("Withdraw the assignment"),
            needs_comment=True,
            style="outline-danger",
        ),
        # On-site review (certification/onsite/rules.py). The comment says what to
        # rectify; the data carries the deadline.
        Transition(
            "request_rectification",
            (Status.ON_SITE_REVIEW,),
            Status.RECTIFICATION,
            REVIEW_UNIT,
            _("Request rectification"),
            needs_comment=True,
            style="warning",
            tiers=LOCAL,
            prepare=RECTIFY + "prepare_request_rectification",
        ),
        # The deadline passed without the evidence submitted: the review ends
        # as not passed (certification/applications/clocks.py).
        Transition(
            "rectification_expired",
            (Status.RECTIFICATION,),
            Status.REJECTED,
            SYSTEM,
            _("Rectification not submitted in time: review not passed"),
            tiers=LOCAL,
        ),
        # Needs rectification evidence uploaded.
        Transition(
            "submit_rectification",
            (Status.RECTIFICATION,),
            Status.ON_SITE_REVIEW,
            APPLICANT,
            _("Submit the rectification"),
            tiers=LOCAL,
            prepare=RECTIFY + "prepare_submit_rectification",
        ),
        # Needs every row scored, a summary and every team member's sign-off.
        Transition(
            "submit_report",
            (Status.ON_SITE_REVIEW,),
            Status.REPORTED,
            REVIEW_UNIT,
            _("Submit the review report"),
            style="success",
            tiers=LOCAL,
            prepare=ONSITE + "prepare_submit_report",
        ),
        # The renewal fast path (domain.md §4.3): with settings.RENEWAL_FAST_PATH,
        # the receiver sends a renewal of a certificate in good standing
        # without a review to the grading authority, whose approval
        # (“经定级部门确认”) leads straight to publicity (certification/lifecycle/rules.py
        # fast_path_allowed: offered only when it holds).
        Transition(
            "confirm_renewal",
            (Status.SUBMITTED,),
            Status.VERIFIED,
            RECEIVER,
            _("Renewal fast path: to the grading authority"),
            style="success",
            tiers=LOCAL,
            prepare=LIFECYCLE + "prepare_confirm_renewal",
            offered_when=LIFECYCLE + "fast_path_allowed",
        ),
        # Verification (certification/verification/rules.py). Verifying needs a passed
        # spot check when the application was drawn for one.
        Transition(
            "verify",
            (Status.REPORTED,),
            Status.VERIFIED,
            RECEIVER,
            _("Approve the review report"),
            style="success",
            tiers=LOCAL,
            prepare=VERIFY + "prepare_verify",
            offered_when=VERIFY + "reaches_applied",
        ),
        # The review reached a lower grade than applied for (domain.md §4.1:
        # "with the enterprise's consent ... apply at the grade actually
        # reached"): the enterprise consents or withdraws.
        Transition(
            "verify_lower",
            (Status.REPORTED,),
            Status.AWAITING_CONSENT,
            RECEIVER,
            _("Approve the report at the lower grade reached: ask the enterprise"),
            style="warning",
            tiers=LOCAL,
            prepare=VERIFY + "prepare_verify_lower",
            offered_when=VERIFY + "below_applied",
        ),
        # Goes to the grading authority of the lower grade.
        Transition(
            "consent_lower",
            (Status.AWAITING_CONSENT,),
            Status.VERIFIED,
            APPLICANT,
            _("Consent to the lower grade"),
            style="success",
            tiers=LOCAL,
            prepare=APPROVAL + "prepare_consent_lower",
        ),
        # The grading authority's approval (核准, 京政办发〔2013〕10号 三(三);
        # 应急〔2021〕83号: the 定级部门 decides, publicises and announces).
        Transition(
            "approve",
            (Status.VERIFIED,),
            Status.APPROVED,
            AUTHORITY,
            _("Approve the grade"),
            style="success",
            tiers=LOCAL,
            prepare=APPROVAL + "prepare_approve",
        ),
        Transition(
            "return_to_organiser",
            (Status.VERIFIED,),
            Status.REPORTED,
            AUTHORITY,
            _("Send back to the organising unit"),
            needs_comment=True,
            style="warning",
            tiers=LOCAL,
            offered_when=APPROVAL + "has_report",
        ),
        Transition(
            "refuse_grade",
            (Status.VERIFIED,),
            Status.REJECTED,
            AUTHORITY,
            _("Refuse the grade"),
            needs_comment=True,
            style="outline-danger",
            tiers=LOCAL,
        ),
        Transition(
            "send_back",
            (Status.REPORTED,),
            Status.ON_SITE_REVIEW,
            RECEIVER,
            _("Send the report back to the review unit"),
            needs_comment=True,
            style="warning",
            tiers=LOCAL,
            prepare=ONSITE + "prepare_send_back",
        ),
        # The review found the enterprise below every grade of the standard: it
        # rectifies and applies again (domain.md §4.2).
        Transition(
            "close_not_reached",
            (Status.REPORTED,),
            Status.REJECTED,
            RECEIVER,
            _("Close: no grade reached"),
            needs_comment=True,
            style="outline-danger",
            tiers=LOCAL,
            prepare=VERIFY + "prepare_close_not_reached",
        ),
        # Publicity and announcement (certification/publicity/rules.py).
        Transition(
            "start_publicity",
            (Status.APPROVED,),
            Status.PUBLICITY,
            AUTHORITY,
            _("Publish for public comment"),
            via_batch=True,
            tiers=LOCAL,
            prepare=PUBLICITY + "prepare_start_publicity",
        ),
        # An upheld objection takes the application out of publicity, back to
        # verification.
        Transition(
            "withdraw_from_publicity",
            (Status.PUBLICITY,),
            Status.REPORTED,
            AUTHORITY,
            _("Take out of publicity"),
            needs_comment=True,
            style="outline-danger",
            tiers=LOCAL,
            prepare=PUBLICITY + "prepare_withdraw_from_publicity",
        ),
        Transition(
            "announce",
            (Status.PUBLICITY,),
            Status.ANNOUNCED,
            AUTHORITY,
            _("Announce"),
            via_batch=True,
            style="success",
            tiers=LOCAL,
            prepare=PUBLICITY + "prepare_announce",
            finish=PUBLICITY + "finish_announce",
        ),
    ]
}


# The panels of the later steps on an application's detail page, in the order of
# the workflow: each function takes (request, application) and returns its keys.
DETAIL_PANELS = (
    "certification.onsite.views.detail_context",
    "certification.verification.views.detail_context",
    "certification.publicity.views.detail_context",
)


def transitions_from(status: str, tier: str) -> list[Transition]:
    return [
        t
        for t in TRANSITIONS.values()
        if status in t.sources and (t.tiers is None or tier in t.tiers)
    ]
