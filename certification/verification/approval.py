"""Approving a verification batch's passed reports in one action.

Each report is approved through its own ``verify`` move (the engine checks the
role, the state and the spot checks as for one application), one transaction
each: a report that cannot be approved is named with the reason and the others
go ahead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from certification import engine
from certification.models import Application, SpotCheck, Status, VerificationBatch
from certification.verification import rules as verification
from portal.errors import ServiceError


@dataclass
class BatchApproval:
    approved: list[Application] = field(default_factory=list)
    # (application, why it was not approved)
    refused: list[tuple[Application, str]] = field(default_factory=list)


def passed_reports(batch: VerificationBatch) -> list[Application]:
    """The batch's reports still to approve whose required spot check passed
    (or that were not drawn), in the order of the batch page."""
    checks = batch.checks.select_related("application__enterprise").order_by("application_id")
    return [
        check.application
        for check in checks
        if check.application.status == Status.REPORTED
        and (not check.required or check.result == SpotCheck.Result.PASSED)
    ]


def may_approve(user, batch: VerificationBatch) -> bool:
    return bool(
        user.can_act
        and user.organisation_id == batch.organiser_id
        and verification.may_create_batches(user)
    )


def batch_approve_passed(*, actor, batch: VerificationBatch) -> BatchApproval:
    """Approve every passed report of the batch (engine.perform "verify" each).

    Raises engine.TransitionForbidden when the actor is not the batch's
    organiser; otherwise reports what was approved and what was refused."""
    if not may_approve(actor, batch):
        raise engine.TransitionForbidden(
            _("Only the organisation that made the batch approves its reports.")
        )
    outcome = BatchApproval()
    for application in passed_reports(batch):
        try:
            outcome.approved.append(
                engine.perform(actor=actor, application=application, transition="verify")
            )
        except engine.TransitionForbidden:
            raise
        except ServiceError as error:
            outcome.refused.append((application, error.message))
    return outcome
