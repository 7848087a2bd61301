"""The hazard ledger's states and moves, declared as data: the one place they are
written down. hazards/services.py ``perform`` carries a move out, calling the move's
own PREPARE step named here by dotted path; pages and the API list the moves open to
a user from here.

一般事故隐患: 待整改 → 整改中 → 待验收 → 已销号, a failed acceptance back to 整改中.
重大事故隐患 (国家安全监管总局令第16号 第14–18条): 已报告 → 方案已批 → 治理中 →
已评估 → 已销号; a listed one (挂牌督办, hazards/supervision/workflow.py) is closed
by the listing's review (核销), not by ``close``. A row from a
government order is accepted in the inspecting office's follow-up review (整改复查).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from hazards.models import Hazard

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = Hazard.Status
Grade = Hazard.Grade

# Who may act. The enterprise acts through its own accounts; its organisation
# admin stands for the principal (主要负责人), who approves a major hazard's plan
# and signs off its close-out; the district government where the hazard was
# found (the hazard's region) may also close a major hazard (核销).
ENTERPRISE = "enterprise"  # any user of the enterprise's account
PRINCIPAL = "principal"  # the enterprise account's organisation admin
DISTRICT = "district"  # a user of the district government of the hazard's region
# A row from a government order (责令限期整改指令书) is accepted by the office that
# issued it, in its follow-up review (整改复查), never by the enterprise itself.
INSPECTING_OFFICE = "inspecting_office"  # a user of the office whose order the row is on
SELF_ACCEPTING = "self_accepting"  # the enterprise's users, on a row not from an order
# A major row from an order is closed the same way (or, when listed, by the
# listing's review), never by ``close``.
SELF_CLOSING = "self_closing"  # the principal or the district, on a row not from an order
RECORDER = "recorder"  # whoever may record hazards for the enterprise

# The state a newly recorded hazard starts in, by grade.
INITIAL: dict[str, str] = {Grade.GENERAL: Status.PENDING, Grade.MAJOR: Status.REPORTED}

FINAL = {Status.CLOSED}

# Who may extend an open hazard's deadline (recorded as its approver).
EXTEND_DEADLINE_ACTORS = (PRINCIPAL, DISTRICT)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    grade: str
    actors: tuple[str, ...]  # any one of them may make the move
    label: StrOrPromise  # lazy: translated when shown
    # The comment is required and is what the move records (the reason, the
    # verdict, the evaluation); ``comment_field`` names the hazard field it is
    # also written to.
    needs_comment: bool = False
    comment_field: str | None = None
    style: str = "primary"
    # The move's own checks and writes before the status changes, as the dotted
    # path of a function taking the Move (hazards/services.py); refusing raises
    # and writes nothing.
    prepare: str | None = None
    # False: made only as a step of another service (the follow-up review, the
    # import), whose PREPARE refuses it otherwise; never offered as a button.
    offered: bool = True


SERVICES = "hazards.services."
ENFORCEMENT = "hazards.enforcement.services."
IMPORTING = "hazards.importing.service."

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # 一般事故隐患
        Transition(
            "start",
            (Status.PENDING,),
            Status.IN_PROGRESS,
            Grade.GENERAL,
            (ENTERPRISE,),
            _("Start rectification"),
        ),
        # Needs the completion date and the measures taken; the person who makes
        # this move is the rectifier, who may not accept the work.
        Transition(
            "submit_for_acceptance",
            (Status.IN_PROGRESS,),
            Status.AWAITING_ACCEPTANCE,
            Grade.GENERAL,
            (ENTERPRISE,),
            _("Rectified: ask for acceptance"),
            style="success",
            prepare=SERVICES + "prepare_submit_for_acceptance",
        ),
        Transition(
            "accept",
            (Status.AWAITING_ACCEPTANCE,),
            Status.CLOSED,
            Grade.GENERAL,
            (SELF_ACCEPTING,),
            _("Accept and close (销号)"),
            needs_comment=True,
            comment_field="acceptance_note",
            style="success",
            prepare=SERVICES + "prepare_accept",
        ),
        Transition(
            "reject_acceptance",
            (Status.AWAITING_ACCEPTANCE,),
            Status.IN_PROGRESS,
            Grade.GENERAL,
            (SELF_ACCEPTING,),
            _("Not accepted: rectify again"),
            needs_comment=True,
            style="warning",
            prepare=SERVICES + "prepare_reject_acceptance",
        ),
        # 重大事故隐患. The principal approves the six-part plan (第15条) once the
        # report (第14条) is submitted (hazards/supervision/reports.py).
        Transition(
            "approve_plan",
            (Status.REPORTED,),
            Status.PLAN_APPROVED,
            Grade.MAJOR,
            (PRINCIPAL,),
            _("Approve the treatment plan"),
            prepare="hazards.supervision.reports.prepare_approve_plan",
        ),
        Transition(
            "start_treatment",
            (Status.PLAN_APPROVED,),
            Status.TREATING,
            Grade.MAJOR,
            (ENTERPRISE,),
            _("Start treatment"),
        ),
        # 第18条: after treatment the enterprise evaluates it; needs the completion
        # date and the evaluation's conclusion.
        Transition(
            "evaluate",
            (Status.TREATING,),
            Status.EVALUATED,
            Grade.MAJOR,
            (ENTERPRISE,),
            _("Record the evaluation"),
            needs_comment=True,
            prepare=SERVICES + "prepare_evaluate",
        ),
        Transition(
            "close",
            (Status.EVALUATED,),
            Status.CLOSED,
            Grade.MAJOR,
            (SELF_CLOSING,),
            _("Close (销号)"),
            needs_comment=True,
            comment_field="acceptance_note",
            style="success",
            prepare="hazards.supervision.rules.prepare_close",
        ),
        # The follow-up review (整改复查意见书) of a government order, by the office
        # that issued it (hazards/enforcement/services.py order_review): rows
        # awaiting acceptance pass and close, the others did not pass and are
        # rectified (again).
        Transition(
            "review_pass",
            (Status.AWAITING_ACCEPTANCE,),
            Status.CLOSED,
            Grade.GENERAL,
            (INSPECTING_OFFICE,),
            _("Follow-up review: passed (复查合格)"),
            needs_comment=True,
            comment_field="acceptance_note",
            prepare=ENFORCEMENT + "prepare_review_pass",
            offered=False,
        ),
        Transition(
            "review_fail",
            (Status.PENDING, Status.IN_PROGRESS, Status.AWAITING_ACCEPTANCE),
            Status.IN_PROGRESS,
            Grade.GENERAL,
            (INSPECTING_OFFICE,),
            _("Follow-up review: not passed (复查不合格)"),
            needs_comment=True,
            prepare=ENFORCEMENT + "prepare_review_fail",
            offered=False,
        ),
        Transition(
            "review_pass_major",
            (Status.EVALUATED,),
            Status.CLOSED,
            Grade.MAJOR,
            (INSPECTING_OFFICE,),
            _("Follow-up review: passed (复查合格)"),
            needs_comment=True,
            comment_field="acceptance_note",
            prepare=ENFORCEMENT + "prepare_review_pass",
            offered=False,
        ),
        Transition(
            "review_fail_major",
            (Status.EVALUATED,),
            Status.TREATING,
            Grade.MAJOR,
            (INSPECTING_OFFICE,),
            _("Follow-up review: not passed (复查不合格)"),
            needs_comment=True,
            prepare=ENFORCEMENT + "prepare_review_fail",
            offered=False,
        ),
        # An existing ledger's row imported as already closed (hazards/importing/):
        # recorded, then closed on the date the old ledger gives.
        Transition(
            "import_closed",
            (Status.PENDING,),
            Status.CLOSED,
            Grade.GENERAL,
            (RECORDER,),
            _("Imported as closed"),
            prepare=IMPORTING + "prepare_import_closed",
            offered=False,
        ),
        Transition(
            "import_closed_major",
            (Status.REPORTED,),
            Status.CLOSED,
            Grade.MAJOR,
            (RECORDER,),
            _("Imported as closed"),
            prepare=IMPORTING + "prepare_import_closed",
            offered=False,
        ),
    ]
}


def transitions_from(status: str, grade: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources and t.grade == grade]
