"""Every state × every move × every cast role, against the declaration.

``services.perform`` must succeed exactly when certification/workflow.py
allows the move (the state is one of its sources, the tier is one it
applies to, the user belongs to the applicant or the receiver as the move
says, or the review unit of the current assignment) and otherwise refuse it — TransitionConflict for the wrong state,
ServiceError for the wrong tier, TransitionForbidden for the wrong role —
writing neither a timeline row nor an audit row.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from certification import services
from certification.assignment import current_unit_id
from certification.models import Application, ApplicationEvent, Status
from certification.workflow import APPLICANT, RECEIVER, TRANSITIONS, Transition
from portal.errors import ServiceError
from portal.models import AuditEvent, Industry, Qualification
from reviews.models import Reviewer
from tests.certification.factories import (
    add_all_materials,
    make_tiered_version,
    submitted_assessment,
)

ROLES = ["city", "district", "district_staff", "other_district", "regulator",
         "other_regulator", "association", "reviewer", "group", "enterprise",
         "enterprise_staff", "other_enterprise"]
TIERS = ["1", "2", "3"]  # the test standard grades 1–3; "pass" needs a small-firm standard
RECEIVER_OF = {"1": "city", "2": "association", "3": "district"}

# How the services walk a draft to each state this slice reaches. A path
# ending in None stops there and the status is set directly: the state
# belongs to a later part of the workflow (test set-up only).
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: ["submit"],
    Status.RETURNED: ["submit", "return"],
    Status.REJECTED: ["submit", "reject"],
    Status.WITHDRAWN: ["withdraw"],
}
ASSIGNED_PATH = ["submit", "accept", "assign", "sign"]
REACHED_BY_TIER = {
    Status.ACCEPTED: {"2": ["submit", "accept"], "3": ["submit", "accept"]},
    Status.ASSIGNED: {"2": ASSIGNED_PATH, "3": ASSIGNED_PATH},
    Status.ON_SITE_REVIEW: {"2": [*ASSIGNED_PATH, "start_review"],
                            "3": [*ASSIGNED_PATH, "start_review"]},
    Status.NATIONAL: {"1": ["submit", "forward_national"]},
    Status.NATIONAL_DECIDED: {"1": ["submit", "forward_national", "record_national_result"]},
}
ARGS = {"comment": "理由见附件", "national_result": "approved",
        "national_reference": "应急管理部公告2026年第5号"}


def team_args(cast) -> dict:
    """The assign move's unit and team: cast.reviewer's unit, qualified for
    machinery levels 2 and 3, with two reviewers (made once per test)."""
    unit = cast.reviewer.organisation
    Qualification.objects.get_or_create(organisation=unit, tier="2",
                                        industry=Industry.objects.get(code="machinery"))
    leader, _ = Reviewer.objects.get_or_create(unit=unit, certificate_no="AQBZ-T-0001",
                                               defaults={"name": "王建"})
    member, _ = Reviewer.objects.get_or_create(unit=unit, certificate_no="AQBZ-T-0002",
                                               defaults={"name": "李明"})
    return {"unit": unit, "leader": leader, "members": [member]}


class Rollback(Exception):
    """Leaves the savepoint so that each try starts from the same state."""


def walk(cast, version, state: str, tier: str) -> Application:
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    application = services.application_create(actor=cast.enterprise, enterprise=cast.ent,
                                               assessment=assessment, tier=tier)
    add_all_materials(cast.enterprise, application)
    services.application_update(actor=cast.enterprise, application=application,
                                declaration_confirmed=True)
    path = PATHS.get(state) or REACHED_BY_TIER.get(state, {}).get(tier)
    for name in path if path is not None else ["submit"]:
        if name == "sign":
            for reviewer in team_args(cast)["members"] + [team_args(cast)["leader"]]:
                services.declaration_sign(actor=cast.reviewer, application=application,
                                          reviewer=reviewer)
            continue
        who = TRANSITIONS[name].actor
        actor = (cast.enterprise if who == APPLICANT
                 else getattr(cast, RECEIVER_OF[tier]) if who == RECEIVER else cast.reviewer)
        services.perform(actor=actor, application=application, transition=name, **ARGS,
                         **team_args(cast))
    if path is None:
        Application.objects.filter(pk=application.pk).update(status=state)
    application.refresh_from_db()
    assert application.status == state
    return application


def expected(application: Application, move: Transition, user) -> type | None:
    """What the declaration says: None for success, else the refusal."""
    if application.status not in move.sources:
        return services.TransitionConflict
    if move.tiers is not None and application.tier not in move.tiers:
        return ServiceError
    party = {APPLICANT: application.applicant_id, RECEIVER: application.receiver_id}.get(
        move.actor) or current_unit_id(application)
    if user.organisation_id != party:
        return services.TransitionForbidden
    return None


def attempt(application: Application, name: str, user,
            args: dict) -> tuple[type | None, list[str]]:
    """Try the move inside a savepoint that is always rolled back; return
    the outcome and what was wrong with the writes."""
    problems: list[str] = []
    try:
        with transaction.atomic():
            events, audits = ApplicationEvent.objects.count(), AuditEvent.objects.count()
            try:
                result = services.perform(actor=user, application=application,
                                          transition=name, **ARGS, **args)
            except ServiceError as error:
                outcome = type(error)
                if (ApplicationEvent.objects.count(), AuditEvent.objects.count()) != (
                        events, audits):
                    problems.append("a refused move wrote a timeline or audit row")
                if Application.objects.get(pk=application.pk).status != application.status:
                    problems.append("a refused move changed the status")
            else:
                outcome = None
                move = TRANSITIONS[name]
                if result.status != move.target:
                    problems.append(f"ended in {result.status}, not {move.target}")
                event = ApplicationEvent.objects.filter(application=application).last()
                if (ApplicationEvent.objects.count() != events + 1
                        or (event.transition, event.from_status, event.actor_id) != (
                            name, application.status, user.pk)):
                    problems.append("no single timeline row for the move")
                written = list(AuditEvent.objects.order_by("id")
                               .values_list("action", "before", "after")[audits:])
                if [(action, before["status"], after["status"])
                        for action, before, after in written] != [
                        (f"application.{name}", application.status, move.target)]:
                    problems.append(f"not exactly the move's audit row: {written}")
            raise Rollback
    except Rollback:
        pass
    return outcome, problems


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("state", Status.values)
def test_perform_follows_the_declaration(cast, version, state, tier):
    application = walk(cast, version, state, tier)
    args = team_args(cast)
    wrong = []
    successes = 0
    for name, move in TRANSITIONS.items():
        for role in ROLES:
            user = getattr(cast, role)
            want = expected(application, move, user)
            got, problems = attempt(application, name, user, args)
            if got is not want:
                wrong.append(f"{name} by {role}: expected {want and want.__name__ or 'success'}"
                             f", got {got and got.__name__ or 'success'}")
            wrong += [f"{name} by {role}: {problem}" for problem in problems]
            # The API lists the moves open to a user with can_perform: it must agree.
            if services.can_perform(user, application, move) != (want is None):
                wrong.append(f"{name} by {role}: can_perform disagrees")
            successes += want is None
    assert not wrong, "\n".join(wrong)
    application.refresh_from_db()
    assert application.status == state  # every try was rolled back
    # Sanity: the matrix is not vacuous where moves start.
    starts_here = any(state in m.sources and (m.tiers is None or tier in m.tiers)
                      for m in TRANSITIONS.values())
    assert (successes > 0) == starts_here


def test_the_audit_log_matches_the_state_history(cast, version):
    """For each timeline row exactly one application.<move> audit row, with
    the same statuses before and after and the same actor, in order."""
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)

    def new(tier):
        application = services.application_create(actor=cast.enterprise, enterprise=cast.ent,
                                                   assessment=assessment, tier=tier)
        add_all_materials(cast.enterprise, application)
        services.application_update(actor=cast.enterprise, application=application,
                                    declaration_confirmed=True)
        return application

    def run(application, *steps):
        for name, user in steps:
            services.perform(actor=user, application=application, transition=name, **ARGS)

    e, d, s = cast.enterprise, cast.district, cast.district_staff
    looped = new("3")
    run(looped, ("submit", e), ("return", d), ("resubmit", e), ("return", s),
        ("resubmit", cast.enterprise_staff), ("accept", s), ("withdraw", e))
    rejected = new("2")
    run(rejected, ("submit", e), ("reject", cast.association))
    national = new("1")
    run(national, ("submit", e), ("forward_national", cast.city),
        ("record_national_result", cast.city))
    withdrawn = new("3")
    run(withdrawn, ("withdraw", cast.enterprise_staff))

    actions = [f"application.{name}" for name in TRANSITIONS]
    for application in (looped, rejected, national, withdrawn):
        history = [(f"application.{ev.transition}", ev.from_status, ev.to_status, ev.actor_id)
                   for ev in ApplicationEvent.objects.filter(application=application)]
        log = [(row.action, row.before["status"], row.after["status"], row.actor_id)
               for row in AuditEvent.objects.filter(
                   object_type="certification.application", object_id=str(application.pk),
                   action__in=actions).order_by("id")]
        assert history and log == history
    assert ApplicationEvent.objects.count() == 7 + 2 + 3 + 1
    assert AuditEvent.objects.filter(action__in=actions).count() == 7 + 2 + 3 + 1
