"""Every ledger state × every move × every cast role, against the declaration.

``services.perform`` must succeed exactly when hazards/workflow.py allows the move
(the hazard is in one of its sources and of its grade, and the user acts as one of
the move's actors: the enterprise's users, its organisation admin as principal, the
district government of the hazard's region) and otherwise refuse it —
HazardForbidden for the wrong organisation or role, HazardConflict for the wrong
state — writing neither a timeline row nor an audit row.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from hazards import services
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import Hazard, HazardEvent
from hazards.workflow import (
    DISTRICT,
    ENTERPRISE,
    PRINCIPAL,
    SELF_ACCEPTING,
    SELF_CLOSING,
    TRANSITIONS,
)
from portal.models import AuditEvent, User
from tests.cast import make_user
from tests.hazards.factories import record
from tests.hazards.supervision.world import report_and_plan

Status = Hazard.Status
Grade = Hazard.Grade

ROLES = [
    "city",
    "district",
    "district_staff",
    "other_district",
    "street",
    "other_street",
    "regulator",
    "other_regulator",
    "association",
    "reviewer",
    "group",
    "enterprise",
    "enterprise_staff",
    "other_enterprise",
    "pending",
    "rejected",
]
# Which cast members act as each declared actor on a hazard of cast.ent (朝阳区).
ACTS_AS = {
    ENTERPRISE: {"enterprise", "enterprise_staff"},
    PRINCIPAL: {"enterprise"},  # the enterprise account's organisation admin
    DISTRICT: {"district", "district_staff"},
    SELF_ACCEPTING: {"enterprise", "enterprise_staff"},  # the hazard is from no order
    SELF_CLOSING: {"enterprise", "district", "district_staff"},  # principal or district
}
# How the moves walk a new hazard to each state.
PATHS = {
    (Grade.GENERAL, Status.PENDING): [],
    (Grade.GENERAL, Status.IN_PROGRESS): ["start"],
    (Grade.GENERAL, Status.AWAITING_ACCEPTANCE): ["start", "submit_for_acceptance"],
    (Grade.GENERAL, Status.CLOSED): ["start", "submit_for_acceptance", "accept"],
    (Grade.MAJOR, Status.REPORTED): [],
    (Grade.MAJOR, Status.PLAN_APPROVED): ["approve_plan"],
    (Grade.MAJOR, Status.TREATING): ["approve_plan", "start_treatment"],
    (Grade.MAJOR, Status.EVALUATED): ["approve_plan", "start_treatment", "evaluate"],
    (Grade.MAJOR, Status.CLOSED): ["approve_plan", "start_treatment", "evaluate", "close"],
}


def args() -> dict:
    return {
        "comment": "见整改记录",
        "completed_on": timezone.localdate(),
        "measures": "更换光电保护装置",
    }


class Rollback(Exception):
    """Leaves the savepoint so that each try starts from the same state."""


def test_every_state_is_covered():
    assert {state for _, state in PATHS} == set(Status.values)


@pytest.mark.parametrize(("grade", "state"), list(PATHS), ids=lambda v: str(v))
def test_state_move_role_matrix(cast, grade, state):
    # The rectifier is a third colleague, so that either cast user may accept.
    rectifier = make_user("t-rectifier", cast.enterprise.organisation, User.Role.STAFF)
    hazard = record(cast, grade=grade)
    if grade == Grade.MAJOR:  # approve_plan needs the submitted report and the plan
        report_and_plan(cast, hazard)
    for name in PATHS[(grade, state)]:
        actor = rectifier if name in ("submit_for_acceptance", "evaluate") else cast.enterprise
        services.perform(actor=actor, hazard=hazard, move=name, **args())
    hazard.refresh_from_db()
    assert hazard.status == state

    for move in TRANSITIONS.values():
        if not move.offered:  # steps of the order review and the import, tested there
            continue
        for role in ROLES:
            user = getattr(cast, role, None)
            if user is None:  # a role this checkout's cast does not have yet
                continue
            allowed_role = any(role in ACTS_AS[actor] for actor in move.actors)
            opens = state in move.sources and grade == move.grade
            events, audits = HazardEvent.objects.count(), AuditEvent.objects.count()
            where = f"{move.name} by {role} in {grade}/{state}"
            try:
                with transaction.atomic():
                    try:
                        services.perform(actor=user, hazard=hazard, move=move.name, **args())
                    except HazardForbidden:
                        assert not allowed_role, where
                    except HazardConflict:
                        assert allowed_role and not opens, where
                    else:
                        assert allowed_role and opens, where
                        hazard.refresh_from_db()
                        assert hazard.status == move.target, where
                        assert HazardEvent.objects.count() == events + 1, where
                        assert AuditEvent.objects.count() == audits + 1, where
                        event = HazardEvent.objects.latest("pk")
                        assert (event.move, event.from_status, event.to_status) == (
                            move.name,
                            state,
                            move.target,
                        ), where
                        assert AuditEvent.objects.latest("pk").action == f"hazard.{move.name}"
                        raise Rollback
                    # Refused: nothing written.
                    assert HazardEvent.objects.count() == events, where
                    assert AuditEvent.objects.count() == audits, where
            except Rollback:
                pass
            hazard.refresh_from_db()
            assert hazard.status == state, where
