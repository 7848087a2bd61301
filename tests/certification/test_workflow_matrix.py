"""Every state × every move × every cast role, against the declaration.

``engine.perform`` must succeed exactly when certification/workflow.py
allows the move (the state is one of its sources, the tier is one it
applies to, the user belongs to the applicant, the receiver or the grading
authority as the move says, or the review unit of the current assignment) and otherwise refuse it — TransitionConflict for the wrong state,
ServiceError for the wrong tier, TransitionForbidden for the wrong role —
writing neither a timeline row nor an audit row.
"""

from __future__ import annotations

import copy
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from certification import engine
from certification.applications import services
from certification.assignment import rules as assigning
from certification.assignment.rules import current_unit_id
from certification.models import (
    AnnouncementBatch,
    Application,
    ApplicationEvent,
    OnSiteReview,
    PublicityBatch,
    Status,
)
from certification.onsite import confirmation
from certification.onsite import findings as onsite_findings
from certification.onsite import rectification as rectifying
from certification.onsite import rules as onsite
from certification.verification import rules as verification
from certification.verification import spot_checks
from certification.workflow import (
    APPLICANT,
    AUTHORITY,
    RECEIVER,
    SYSTEM,
    TRANSITIONS,
    Transition,
)
from portal.errors import ServiceError
from portal.models import AuditEvent
from tests.cast import build_cast
from tests.certification.factories import (
    PDF,
    add_all_materials,
    make_tiered_version,
    review_team,
    submitted_assessment,
)

ROLES = [
    "city",
    "district",
    "district_staff",
    "other_district",
    "street",  # watches its street's enterprises: never a party to a move
    "other_street",
    "regulator",
    "other_regulator",
    "association",
    "reviewer",
    "group",
    "enterprise",
    "enterprise_staff",
    "other_enterprise",
]
TIERS = ["1", "2", "3"]  # the test standard grades 1–3; "pass" needs a small-firm standard
RECEIVER_OF = {"1": "city", "2": "association", "3": "district"}
# The grading authority of each tier (settings.GRADING_AUTHORITIES): 朝阳区 for
# level 3, the machinery regulator for level 2.
AUTHORITY_OF = {"2": "regulator", "3": "district"}

# How the services walk a draft to each state. Where a tier never reaches a
# state (level 1 is reviewed nationally) the status is set directly, so the
# matrix still checks that nothing can move it.
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: ["submit"],
    Status.RETURNED: ["submit", "return"],
    Status.REJECTED: ["submit", "reject"],
    Status.WITHDRAWN: ["withdraw"],
}
ASSIGNED_PATH = ["submit", "accept", "assign", "sign"]
IN_REVIEW = [*ASSIGNED_PATH, "start_review", "prepare_report"]
REPORTED = [*IN_REVIEW, "submit_report", "spot_checks_passed"]
VERIFIED = [*REPORTED, "verify"]
APPROVED = [*VERIFIED, "approve", "publicity_batch"]
PUBLICITY = [*APPROVED, "publicise", "window_over"]
# Level 2 applied for, level 3 reached (a level 3 application has no lower grade).
AWAITING_CONSENT = [*IN_REVIEW, "submit_report", "lower_grade", "spot_checks_passed"]


def local(path: list[str]) -> dict[str, list[str]]:
    """The same path for the tiers reviewed in Beijing (level 1 goes national)."""
    return {"2": path, "3": path}


REACHED_BY_TIER = {
    Status.ACCEPTED: local(["submit", "accept"]),
    Status.ASSIGNED: local(ASSIGNED_PATH),
    Status.ON_SITE_REVIEW: local(IN_REVIEW),
    Status.RECTIFICATION: local([*IN_REVIEW, "request_rectification", "evidence"]),
    Status.REPORTED: local(REPORTED),
    Status.AWAITING_CONSENT: {"2": [*AWAITING_CONSENT, "verify_lower"]},
    Status.VERIFIED: local(VERIFIED),
    Status.APPROVED: local(APPROVED),
    Status.PUBLICITY: local(PUBLICITY),
    Status.ANNOUNCED: local([*PUBLICITY, "announce"]),
    Status.NATIONAL: {"1": ["submit", "forward_national"]},
    Status.NATIONAL_DECIDED: {"1": ["submit", "forward_national", "record_national_result"]},
}
ARGS = {
    "comment": "理由见附件",
    "national_result": "approved",
    "national_reference": "应急管理部公告2026年第5号",
}


def team_args(cast) -> dict:
    """The assign move's unit and team (made once per test)."""
    return review_team(cast)


def deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=14)


def prepare(cast, application: Application, step: str, receiver, args: dict) -> bool:
    """Set-up steps of the walk that are not moves: they make each guarded
    move of the next state possible, so the matrix sees the declaration's
    answer and not a missing precondition. Returns False for a real move."""
    team = review_team(cast)
    if step == "sign":
        for reviewer in [team["leader"], *team["members"]]:
            assigning.declaration_sign(
                actor=cast.reviewer, application=application, reviewer=reviewer
            )
    elif step == "prepare_report":  # rows checked, a finding to rectify, the report signed
        confirmation.review_rows_confirm(
            actor=cast.reviewer,
            application=application,
            rows=confirmation.unconfirmed_ids(onsite.review_for(application)),
        )
        onsite_findings.finding_add(
            actor=cast.reviewer,
            application=application,
            kind="deduction",
            text="安全培训记录不全。",
        )
        onsite.report_update(
            actor=cast.reviewer,
            application=application,
            summary="现场评审基本符合要求。",
            technical_head="赵工",
        )
        for reviewer in [team["leader"], *team["members"]]:
            onsite.report_sign(actor=cast.reviewer, application=application, reviewer=reviewer)
    elif step == "evidence":
        rectifying.rectification_evidence_add(
            actor=cast.enterprise,
            application=application,
            upload=SimpleUploadedFile("整改报告.pdf", PDF),
            note="已补全培训记录。",
        )
    elif step == "spot_checks_passed":
        batch = verification.batch_create(actor=receiver, applications=[application])
        for check in batch.checks.filter(required=True):
            spot_checks.spot_check_record(
                actor=receiver, check=check, result="passed", notes="复核通过。"
            )
    elif step == "lower_grade":  # the review found level 3 only
        OnSiteReview.objects.filter(application=application).update(proposed_tier="3")
    elif step == "publicity_batch":  # the batch the start_publicity move needs
        args["publicity_batch"] = PublicityBatch.objects.create(
            organiser_id=Application.objects.get(pk=application.pk).authority_id,
            title="测试公示",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            created_by=receiver,
        )
    elif step == "window_over":  # the publicity ended; an announcement to join
        PublicityBatch.objects.filter(items__application=application).update(
            starts_on=timezone.localdate() - datetime.timedelta(days=20),
            ends_on=timezone.localdate() - datetime.timedelta(days=10),
        )
        args["announcement"] = AnnouncementBatch.objects.create(
            organiser_id=Application.objects.get(pk=application.pk).authority_id,
            year=timezone.localdate().year,
            number=1,
            title="测试公告",
            announced_on=timezone.localdate(),
            created_by=receiver,
        )
    else:
        return False
    return True


class Rollback(Exception):
    """Leaves the savepoint so that each try starts from the same state."""


def walk(cast, version, state: str, tier: str, args: dict) -> Application:
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)
    application = services.application_create(
        actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier=tier
    )
    add_all_materials(cast.enterprise, application)
    services.application_update(
        actor=cast.enterprise, application=application, declaration_confirmed=True
    )
    path = PATHS.get(state) or REACHED_BY_TIER.get(state, {}).get(tier)
    receiver = getattr(cast, RECEIVER_OF[tier])
    for name in path if path is not None else ["submit"]:
        if name == "publicise":
            name = "start_publicity"
        if prepare(cast, application, name, receiver, args):
            continue
        who = TRANSITIONS[name].actor
        actor = {
            APPLICANT: cast.enterprise,
            RECEIVER: receiver,
            AUTHORITY: getattr(cast, AUTHORITY_OF.get(tier, "city")),
        }.get(who, cast.reviewer)
        engine.perform(actor=actor, application=application, transition=name, **ARGS, **args)
    if path is None:
        Application.objects.filter(pk=application.pk).update(status=state)
    application.refresh_from_db()
    assert application.status == state
    return application


def expected(application: Application, move: Transition, user) -> type | None:
    """What the declaration says: None for success, else the refusal."""
    if application.status not in move.sources:
        return engine.TransitionConflict
    if move.tiers is not None and application.tier not in move.tiers:
        return ServiceError
    if move.actor == SYSTEM:  # the scheduler's moves: no person makes them
        return engine.TransitionForbidden
    party = {
        APPLICANT: application.applicant_id,
        RECEIVER: application.receiver_id,
        AUTHORITY: application.authority_id,
    }.get(move.actor, current_unit_id(application))
    if user.organisation_id != party:
        return engine.TransitionForbidden
    condition = engine.hook(move.offered_when) if move.offered_when else None
    if condition is not None and not condition(application):
        return ServiceError  # e.g. confirm_renewal off the renewal fast path
    return None


# Moves that write one more audit row besides their own.
EXTRA_AUDIT = {"close_not_reached": "enterprise.application_lock"}


def tally(application: Application) -> tuple[int, int, str]:
    """The timeline rows, the audit rows and the application's status, in one
    query: the matrix takes it twice for each of its thousands of tries."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {ApplicationEvent._meta.db_table}),"
            f" (SELECT COUNT(*) FROM {AuditEvent._meta.db_table}),"
            f" (SELECT status FROM {Application._meta.db_table} WHERE id = %s)",
            [application.pk],
        )
        return cursor.fetchone()


def attempt(application: Application, name: str, user, args: dict) -> tuple[type | None, list[str]]:
    """Try the move inside a savepoint that is always rolled back; return
    the outcome and what was wrong with the writes."""
    problems: list[str] = []
    try:
        with transaction.atomic():
            events, audits, _ = tally(application)
            try:
                result = engine.perform(
                    actor=user, application=application, transition=name, **ARGS, **args
                )
            except ServiceError as error:
                outcome = type(error)
                after_events, after_audits, status = tally(application)
                if (after_events, after_audits) != (events, audits):
                    problems.append("a refused move wrote a timeline or audit row")
                if status != application.status:
                    problems.append("a refused move changed the status")
            else:
                outcome = None
                move = TRANSITIONS[name]
                if result.status != move.target:
                    problems.append(f"ended in {result.status}, not {move.target}")
                event = ApplicationEvent.objects.filter(application=application).last()
                if ApplicationEvent.objects.count() != events + 1 or (
                    event.transition,
                    event.from_status,
                    event.actor_id,
                ) != (name, application.status, user.pk):
                    problems.append("no single timeline row for the move")
                written = list(
                    AuditEvent.objects.order_by("id").values_list("action", "before", "after")[
                        audits:
                    ]
                )
                # Closing without a grade also locks re-application
                # (enterprises/preconditions.py): its own row, part of the move.
                extra = [EXTRA_AUDIT[name]] if name in EXTRA_AUDIT else []
                own = [row for row in written if row[0] == f"application.{name}"]
                if sorted(row[0] for row in written if row not in own) != extra or [
                    (action, before["status"], after["status"]) for action, before, after in own
                ] != [(f"application.{name}", application.status, move.target)]:
                    problems.append(f"not exactly the move's audit row: {written}")
            raise Rollback
    except Rollback:
        pass
    return outcome, problems


# The cast, the standard and the review team: written once for the module (tests/conftest.py's
# module_db); each of the ~60 matrix tests walks its own application in its own savepoint.
@pytest.fixture(scope="module")
def shared(module_db):
    cast = build_cast()
    review_team(cast)
    return cast, make_tiered_version()


@pytest.fixture
def cast(shared, db):
    return copy.deepcopy(shared[0])  # what a test caches on its users stays with it


@pytest.fixture
def version(shared, db):
    return copy.deepcopy(shared[1])


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("state", Status.values)
def test_perform_follows_the_declaration(cast, version, state, tier):
    args = {**team_args(cast), "deadline": deadline()}
    application = walk(cast, version, state, tier, args)
    wrong = []
    successes = 0
    for name, move in TRANSITIONS.items():
        for role in ROLES:
            user = getattr(cast, role)
            want = expected(application, move, user)
            got, problems = attempt(application, name, user, args)
            if got is not want:
                wrong.append(
                    f"{name} by {role}: expected {want and want.__name__ or 'success'}"
                    f", got {got and got.__name__ or 'success'}"
                )
            wrong += [f"{name} by {role}: {problem}" for problem in problems]
            # The API lists the moves open to a user with can_perform: it must agree.
            if engine.can_perform(user, application, move) != (want is None):
                wrong.append(f"{name} by {role}: can_perform disagrees")
            successes += want is None
    assert not wrong, "\n".join(wrong)
    application.refresh_from_db()
    assert application.status == state  # every try was rolled back
    # Sanity: the matrix is not vacuous where moves start.
    starts_here = any(
        state in m.sources and (m.tiers is None or tier in m.tiers) for m in TRANSITIONS.values()
    )
    assert (successes > 0) == starts_here


def test_the_audit_log_matches_the_state_history(cast, version):
    """For each timeline row exactly one application.<move> audit row, with
    the same statuses before and after and the same actor, in order."""
    assessment = submitted_assessment(cast.enterprise, cast.ent, version)

    def new(tier):
        application = services.application_create(
            actor=cast.enterprise, enterprise=cast.ent, assessment=assessment, tier=tier
        )
        add_all_materials(cast.enterprise, application)
        services.application_update(
            actor=cast.enterprise, application=application, declaration_confirmed=True
        )
        return application

    def run(application, *steps):
        for name, user in steps:
            engine.perform(actor=user, application=application, transition=name, **ARGS)

    e, d, s = cast.enterprise, cast.district, cast.district_staff
    looped = new("3")
    run(
        looped,
        ("submit", e),
        ("return", s),  # once: a second return is refused (applications.services)
        ("resubmit", cast.enterprise_staff),
        ("accept", d),
        ("withdraw", e),
    )
    rejected = new("2")
    run(rejected, ("submit", e), ("reject", cast.association))
    national = new("1")
    run(
        national,
        ("submit", e),
        ("forward_national", cast.city),
        ("record_national_result", cast.city),
    )
    withdrawn = new("3")
    run(withdrawn, ("withdraw", cast.enterprise_staff))

    actions = [f"application.{name}" for name in TRANSITIONS]
    for application in (looped, rejected, national, withdrawn):
        history = [
            (f"application.{ev.transition}", ev.from_status, ev.to_status, ev.actor_id)
            for ev in ApplicationEvent.objects.filter(application=application)
        ]
        log = [
            (row.action, row.before["status"], row.after["status"], row.actor_id)
            for row in AuditEvent.objects.filter(
                object_type="certification.application",
                object_id=str(application.pk),
                action__in=actions,
            ).order_by("id")
        ]
        assert history and log == history
    assert ApplicationEvent.objects.count() == 5 + 2 + 3 + 1
    assert AuditEvent.objects.filter(action__in=actions).count() == 5 + 2 + 3 + 1
