"""Choosing who reviews an application: suggestions of review units, the
conflict-of-interest check, the review team, and the object permissions
(django-guardian) that let the unit see the application and its enterprise.

The moves themselves (assign, withdraw_assignment, start_review) are carried
out by certification/engine.py with the hooks here (prepare_assign,
finish_assign, prepare_start_review, end_assignment); the team's no-conflict
declarations are signed here (declaration_sign).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from certification.assignment.simplified import FULL_TEAM, team_minimum
from certification.engine import Move, TransitionConflict, TransitionForbidden
from certification.models import Application, Assignment, AssignmentMember, Status
from certification.selectors import current_unit_id
from enterprises.models import Enterprise
from portal import audit
from portal.errors import ServiceError
from portal.models import Organisation, OrganisationKind, Qualification, User
from portal.models.organisations import Tier
from reviews.models import ConflictRelation, Reviewer

VIEW_APPLICATION = "certification.view_application"
VIEW_ENTERPRISE = "enterprises.view_enterprise"

# The qualification tier a unit needs to review an application of a tier.
QUALIFICATION_TIER = {"1": "1", "2": "2", "3": "3", "pass": "small"}

# A unit's current workload: its current assignments in these states.
WORKLOAD_STATES = [Status.ASSIGNED, Status.ON_SITE_REVIEW, Status.RECTIFICATION]


def current_assignment(application: Application) -> Assignment | None:
    return (
        Assignment.objects.filter(application_id=application.pk, withdrawn_at__isnull=True)
        .select_related("unit")
        .first()
    )


# --- conflict of interest ------------------------------------------------------------


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def conflicts_by_unit(
    enterprise: Enterprise, unit_ids, *, exclude_application: int | None = None
) -> dict[int, list[str]]:
    """Why each of these units may not review the enterprise: an active
    consulting or ownership relation, or a review of it within
    settings.REVIEW_CONFLICT_YEARS. Units without a conflict are absent."""
    today = timezone.localdate()
    reasons: dict[int, list[str]] = {}
    relations = (
        ConflictRelation.objects.filter(enterprise=enterprise, unit_id__in=list(unit_ids))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .order_by("started_on", "pk")
    )
    for relation in relations:
        values = {"enterprise": enterprise.name, "since": relation.started_on.isoformat()}
        if relation.kind == ConflictRelation.Kind.CONSULTING:
            text = (
                _(
                    "Conflict of interest: consulted for %(enterprise)s (recorded relation "
                    "since %(since)s)."
                )
                % values
            )
        else:
            text = (
                _(
                    "Conflict of interest: shares ownership with %(enterprise)s (recorded "
                    "relation since %(since)s)."
                )
                % values
            )
        if relation.note:
            text = f"{text} {relation.note}"
        reasons.setdefault(relation.unit_id, []).append(text)
    years = settings.REVIEW_CONFLICT_YEARS
    if years:
        since = _years_ago(today, years)
        earlier = Assignment.objects.filter(
            unit_id__in=list(unit_ids),
            application__enterprise=enterprise,
            withdrawn_at__isnull=True,
            assigned_at__date__gte=since,
        ).order_by("-assigned_at")
        if exclude_application is not None:
            earlier = earlier.exclude(application_id=exclude_application)
        seen = set()
        for assignment in earlier:
            if assignment.unit_id in seen:
                continue
            seen.add(assignment.unit_id)
            reasons.setdefault(assignment.unit_id, []).append(
                _(
                    "Conflict of interest: reviewed %(enterprise)s (assigned on %(date)s), within "
                    "the last %(years)d years."
                )
                % {
                    "enterprise": enterprise.name,
                    "years": years,
                    "date": timezone.localdate(assignment.assigned_at).isoformat(),
                }
            )
    return reasons


def _not_qualified(application: Application) -> str:
    tier = QUALIFICATION_TIER.get(application.tier, application.tier)
    return _("Not qualified for %(industry)s · %(tier)s.") % {
        "industry": application.industry,
        "tier": Tier(tier).label if tier in Tier.values else tier,
    }


def _unit_status(unit: Organisation) -> str:
    return _("The unit is %(status)s.") % {"status": unit.get_status_display().lower()}


# --- suggestions ---------------------------------------------------------------------


@dataclass
class Suggestion:
    unit: Organisation
    workload: int
    reasons: list[str] = field(default_factory=list)  # why it is excluded; empty: eligible
    reviewers: list[Reviewer] = field(default_factory=list)  # its active reviewers

    @property
    def eligible(self) -> bool:
        return not self.reasons


def units_with_workload():
    return Organisation.objects.filter(kind=OrganisationKind.REVIEW_UNIT).annotate(
        workload=Count(
            "assignments",
            filter=Q(
                assignments__withdrawn_at__isnull=True,
                assignments__application__status__in=WORKLOAD_STATES,
            ),
        )
    )


def suggestions(application: Application) -> list[Suggestion]:
    """Every review unit: the eligible ones first (qualified for the
    application's industry and tier, active, without a conflict of interest),
    by current workload then name; then the excluded ones, each with why."""
    units = list(units_with_workload().order_by("workload", "name"))
    tier = QUALIFICATION_TIER.get(application.tier, application.tier)
    qualified = set(
        Qualification.objects.filter(
            organisation__in=units, industry_id=application.industry_id, tier=tier
        ).values_list("organisation_id", flat=True)
    )
    conflicts = conflicts_by_unit(
        application.enterprise, [u.pk for u in units], exclude_application=application.pk
    )
    reviewers: dict[int, list[Reviewer]] = {}
    for reviewer in Reviewer.objects.filter(unit__in=units, is_active=True).order_by("name"):
        reviewers.setdefault(reviewer.unit_id, []).append(reviewer)
    result = []
    for unit in units:
        reasons = []
        if unit.status != Organisation.Status.ACTIVE:
            reasons.append(_unit_status(unit))
        if unit.pk not in qualified:
            reasons.append(_not_qualified(application))
        reasons += conflicts.get(unit.pk, [])
        result.append(
            Suggestion(
                unit=unit,
                workload=unit.workload,
                reasons=reasons,
                reviewers=reviewers.get(unit.pk, []),
            )
        )
    return sorted(result, key=lambda s: not s.eligible)  # stable: keeps workload, name


# --- the checks of the assign move ---------------------------------------------------


def check_unit(application: Application, unit: Organisation | None) -> Organisation:
    """Refuse, naming the reason, a unit that may not review the application;
    the unit when it may."""
    if unit is None:
        raise ServiceError(_("Choose a review unit."), field="unit")
    if unit.kind != OrganisationKind.REVIEW_UNIT:
        raise ServiceError(_("%(name)s is not a review unit.") % {"name": unit.name}, field="unit")
    if unit.status != Organisation.Status.ACTIVE:
        raise ServiceError(f"{unit.name}: {_unit_status(unit)}", field="unit")
    tier = QUALIFICATION_TIER.get(application.tier, application.tier)
    if not unit.qualifications.filter(industry_id=application.industry_id, tier=tier).exists():
        raise ServiceError(f"{unit.name}: {_not_qualified(application)}", field="unit")
    reasons = conflicts_by_unit(
        application.enterprise, [unit.pk], exclude_application=application.pk
    ).get(unit.pk)
    if reasons:
        raise ServiceError(f"{unit.name}: {' '.join(reasons)}", field="unit")
    return unit


def check_team(
    unit: Organisation, leader: Reviewer | None, members, *, minimum: int = FULL_TEAM
) -> list[tuple[Reviewer, bool]]:
    """The team as (reviewer, is_leader): the leader and the other members,
    all active reviewers of the unit, at least ``minimum`` in all (two; the
    simplified path of a small firm's grade may ask fewer)."""
    if leader is None:
        raise ServiceError(_("Choose the team leader."), field="leader")
    team = [leader] + [r for r in dict.fromkeys(members or []) if r.pk != leader.pk]
    for reviewer in team:
        if reviewer.unit_id != unit.pk:
            raise ServiceError(
                _("%(name)s is not a reviewer of %(unit)s.")
                % {"name": reviewer.name, "unit": unit.name},
                field="leader" if reviewer is leader else "members",
            )
        if not reviewer.is_active:
            raise ServiceError(
                _("%(name)s is no longer an active reviewer.") % {"name": reviewer.name},
                field="leader" if reviewer is leader else "members",
            )
    if len(team) < minimum:
        if minimum == FULL_TEAM:
            message = _("A review team needs at least two reviewers, the leader included.")
        else:
            message = ngettext(
                "A review team needs at least %(n)d reviewer, the leader included.",
                "A review team needs at least %(n)d reviewers, the leader included.",
                minimum,
            ) % {"n": minimum}
        raise ServiceError(message, field="members")
    return [(reviewer, reviewer is leader) for reviewer in team]


def check_declarations(assignment: Assignment) -> None:
    """start_review: every member signed, and the unit is still active."""
    if assignment.unit.status != Organisation.Status.ACTIVE:
        raise ServiceError(
            _(
                "%(unit)s is no longer active (%(status)s); withdraw the "
                "assignment and assign another unit."
            )
            % {"unit": assignment.unit.name, "status": assignment.unit.get_status_display()}
        )
    unsigned = [
        m.reviewer.name
        for m in assignment.members.select_related("reviewer").filter(
            declaration_signed_at__isnull=True
        )
    ]
    if unsigned:
        raise ServiceError(
            _("No-conflict declarations still to be signed: %(names)s.")
            % {"names": "、".join(unsigned)},
            field="declarations",
        )


def may_sign_for(user, member: AssignmentMember) -> bool:
    """A reviewer with a login signs their own declaration; for one without,
    any user of the unit signs on their behalf (and is recorded)."""
    if not user.can_act:
        return False
    reviewer = member.reviewer
    if reviewer.user_id:
        return reviewer.user_id == user.pk
    return user.organisation_id == reviewer.unit_id


# --- object permissions --------------------------------------------------------------


def grantees(assignment: Assignment) -> list[User]:
    """Every active user of the unit, and the team's own logins."""
    logins = AssignmentMember.objects.filter(
        assignment=assignment, reviewer__user__isnull=False
    ).values("reviewer__user")
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(organisation_id=assignment.unit_id) | Q(pk__in=logins))
        .distinct()
    )


def grant(assignment: Assignment) -> None:
    users = grantees(assignment)
    if not users:
        return
    application = assignment.application
    assign_perm(VIEW_APPLICATION, users, application)
    assign_perm(VIEW_ENTERPRISE, users, Enterprise(pk=application.enterprise_id))


def _rows(model, pk, codename: str):
    return UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk),
        permission__codename=codename,
    )


def revoke(assignment: Assignment) -> None:
    """Take the grants of an ending assignment back. The enterprise stays
    visible to users that another current assignment of it still covers."""
    application = assignment.application
    holders = set(
        _rows(Application, application.pk, "view_application").values_list("user_id", flat=True)
    )
    _rows(Application, application.pk, "view_application").delete()
    still = set()
    for other in (
        Assignment.objects.filter(
            application__enterprise_id=application.enterprise_id, withdrawn_at__isnull=True
        )
        .exclude(pk=assignment.pk)
        .select_related("application")
    ):
        still |= {user.pk for user in grantees(other)}
    _rows(Enterprise, application.enterprise_id, "view_enterprise").filter(
        user_id__in=holders - still
    ).delete()


# --- the assign move, declarations and the end of an assignment -------------------------


def prepare_start_review(move: Move) -> None:
    """Every team member has signed the no-conflict declaration."""
    assignment = current_assignment(move.application)
    assert assignment is not None  # an application in ASSIGNED has its current assignment
    check_declarations(assignment)
    # The review's working days count from the assignment (domain.md §4.2
    # "自接到通知之日起"), not from the start on site: the due date carries over.
    application = move.application
    if application.due_on is not None:
        move.due = (application.due_on, application.due_is_estimated)


def prepare_assign(move: Move) -> None:
    unit = check_unit(move.application, move.data.get("unit"))
    move.team = check_team(
        unit,
        move.data.get("leader"),
        move.data.get("members") or (),
        minimum=team_minimum(move.application.tier),
    )


def finish_assign(move: Move) -> None:
    unit = move.data["unit"]
    team = move.team
    assert team is not None  # chosen by prepare_assign
    current = _assign(move.actor, move.application, unit, team)
    move.details = {
        "unit": unit.pk,
        "team": [
            {
                "reviewer": reviewer.pk,
                "certificate_no": reviewer.certificate_no,
                "leader": is_leader,
            }
            for reviewer, is_leader in team
        ],
    }
    move.units.append(current.unit_id)


def _assign(actor, application: Application, unit: Organisation, team) -> Assignment:
    current = Assignment.objects.create(application=application, unit=unit, assigned_by=actor)
    AssignmentMember.objects.bulk_create(
        AssignmentMember(assignment=current, reviewer=reviewer, is_leader=is_leader)
        for reviewer, is_leader in team
    )
    grant(current)
    return current


def end_assignment(application: Application, reason: str) -> int | None:
    """The application leaves its review unit: the assignment becomes
    history (withdrawn) and the unit's object permissions go. Returns the
    unit's id (the workflow's LEAVE_REVIEW_UNIT)."""
    current = (
        Assignment.objects.select_for_update()
        .filter(application=application, withdrawn_at__isnull=True)
        .first()
    )
    if current is None:
        return None
    current.withdrawn_at = timezone.now()
    current.withdrawn_reason = reason[:300]
    current.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    revoke(current)
    return current.unit_id


@transaction.atomic
def declaration_sign(*, actor, application: Application, reviewer: Reviewer) -> AssignmentMember:
    """A team member's no-conflict declaration, signed by the reviewer's own
    login, or for a reviewer without one by a user of the unit (recorded).
    Goes to the audit log; the timeline keeps to status moves."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Status.ASSIGNED:
        raise TransitionConflict(
            _(
                "Declarations are signed while a review unit is assigned; "
                "the application is now “%(status)s”."
            )
            % {"status": application.get_status_display()}
        )
    member = (
        AssignmentMember.objects.select_related("reviewer", "declaration_signed_by")
        .filter(
            assignment__application=application,
            assignment__withdrawn_at__isnull=True,
            reviewer_id=getattr(reviewer, "pk", reviewer),
        )
        .first()
    )
    if member is None:
        if current_unit_id(application) != actor.organisation_id:
            raise TransitionForbidden(_("Only the assigned review unit signs declarations."))
        raise ServiceError(_("This reviewer is not on the review team."), field="reviewer")
    if not may_sign_for(actor, member):
        if member.reviewer.user_id:
            raise TransitionForbidden(
                _("%(name)s has a login and signs the declaration personally.")
                % {"name": member.reviewer.name}
            )
        raise TransitionForbidden(_("Only the assigned review unit signs declarations."))
    if member.declaration_signed_at is not None:
        signer = member.declaration_signed_by
        raise TransitionConflict(
            _("%(name)s's declaration was already signed by %(who)s at %(when)s.")
            % {
                "name": member.reviewer.name,
                "who": (signer.get_full_name() or signer.username) if signer else "—",
                "when": timezone.localtime(member.declaration_signed_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    member.declaration_signed_at = timezone.now()
    member.declaration_signed_by = actor
    member.save(update_fields=["declaration_signed_at", "declaration_signed_by"])
    audit.record(
        actor=actor,
        action="application.declaration.sign",
        obj=application,
        after={
            "reviewer": member.reviewer_id,
            "certificate_no": member.reviewer.certificate_no,
            "on_behalf": member.reviewer.user_id != actor.pk,
        },
    )
    return member
