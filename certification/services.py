"""Every write on applications: create, materials, and one function per move.

Each move follows the same four steps (style.md rule 2): lock the row, guard
on its current state and the actor's role, write with update_fields, record
the timeline and the audit log; notifications go out after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certification import assignment as assigning
from certification import lifecycle, onsite, publicity, verification
from certification.models import (
    Application,
    ApplicationEvent,
    Assignment,
    AssignmentMember,
    Material,
    MaterialKind,
    Status,
)
from certification.models.applications import REQUIRED_MATERIALS
from certification.workflow import (
    APPLICANT,
    RECEIVER,
    REVIEW_UNIT,
    TRANSITIONS,
    WITH_REVIEW_UNIT,
    Transition,
    time_limit,
)
from enterprises.accidents import deaths_last_12_months
from enterprises.models import Enterprise
from portal import audit, workdays
from portal.errors import ServiceError
from portal.files import ALLOWED_TYPES, check_document, sha256_of
from portal.models import Organisation, OrganisationKind, Qualification
from portal.notify import notify_after_commit
from reviews.models import Assessment, Reviewer
from reviews.scoring import score
from reviews.scoring_data import accident_gate, answers_for, spec_for_version


class TransitionForbidden(ServiceError):
    """The user's role may not make this move (a 403, not a 400)."""


class TransitionConflict(ServiceError):
    """The application is no longer in a state this move starts from
    (typically: someone else acted first)."""


TIER_NAMES = {"1": "一级", "2": "二级", "3": "三级", "pass": "达标"}


# --- who receives an application -------------------------------------------------


def receiver_for(enterprise: Enterprise, tier: str) -> Organisation:
    """Level 3 (and small-firm standards) → the district; level 2 → the
    organising unit of the industry; level 1 → the city office, which forwards
    it to the national organising unit."""
    if tier in ("3", "pass"):
        org = Organisation.objects.filter(kind=OrganisationKind.DISTRICT,
                                          region_id=enterprise.region_id,
                                          status=Organisation.Status.ACTIVE).first()
    elif tier == "2":
        org = Organisation.objects.filter(
            kind=OrganisationKind.ORGANISING_UNIT, status=Organisation.Status.ACTIVE,
            pk__in=Qualification.objects.filter(industry_id=enterprise.industry_id, tier="2")
            .values("organisation")).order_by("pk").first()
    else:
        org = Organisation.objects.filter(kind=OrganisationKind.CITY_OFFICE,
                                          status=Organisation.Status.ACTIVE).first()
    if org is None:
        raise ServiceError(_("No organisation in the portal receives %(tier)s applications for "
                             "this industry and district yet; contact the city office.")
                           % {"tier": TIER_NAMES.get(tier, tier)}, field="tier")
    return org


def _applicant_for(actor, enterprise: Enterprise) -> Organisation:
    org = actor.organisation
    if org.kind == OrganisationKind.ENTERPRISE and enterprise.account_id == org.pk:
        return org
    if org.kind == OrganisationKind.GROUP and enterprise.group_id == org.pk:
        return org
    raise TransitionForbidden(_("Only the enterprise or its group can apply for it."))


def check_qualifies(assessment: Assessment, tier: str, deaths_last_year: int) -> None:
    """Refuse, naming the gap, unless the self-assessment earns the tier.

    The score and grade come from the scoring function, with the accident
    record as declared in the application when that is worse.
    """
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ServiceError(_("Submit the self-assessment first; an application is based on a "
                             "submitted self-assessment."), field="assessment")
    spec = spec_for_version(assessment.version)
    if tier not in spec.thresholds:
        raise ServiceError(_("The standard of this self-assessment does not grade %(tier)s.")
                           % {"tier": TIER_NAMES.get(tier, tier)}, field="tier")
    # Issue 5: the deaths recorded on the enterprise in the last 12 months
    # count too, when more than declared (enterprises/accidents.py).
    deaths = max(deaths_last_year, assessment.deaths_last_year,
                 deaths_last_12_months(assessment.enterprise_id))
    result = score(spec, answers_for(assessment), deaths_last_year=deaths,
                   accident_gate=accident_gate())
    threshold = spec.thresholds[tier]
    if result.score is None or result.score < threshold:
        raise ServiceError(
            _("%(tier)s needs a score of at least %(threshold)s; the self-assessment scored "
              "%(score)s, %(gap)s short.") % {
                "tier": TIER_NAMES.get(tier, tier), "threshold": threshold,
                "score": result.score, "gap": threshold - (result.score or 0)}, field="tier")
    if result.failed_vetoes:
        raise ServiceError(_("Veto criteria failed in the self-assessment: %(codes)s.")
                           % {"codes": ", ".join(result.failed_vetoes)}, field="tier")
    order = sorted(spec.thresholds, key=lambda g: spec.thresholds[g], reverse=True)
    if result.grade is None or order.index(result.grade) > order.index(tier):
        raise ServiceError(_("With %(deaths)d death(s) in the last year the accident record "
                             "does not allow %(tier)s.") % {
            "deaths": deaths, "tier": TIER_NAMES.get(tier, tier)}, field="deaths_last_year")


@transaction.atomic
def application_create(*, actor, enterprise: Enterprise, assessment: Assessment, tier: str,
                       deaths_last_year: int = 0, serious_injuries_last_year: int = 0,
                       accidents_last_3_years: str = "") -> Application:
    applicant = _applicant_for(actor, enterprise)
    if assessment.enterprise_id != enterprise.pk or assessment.kind != Assessment.Kind.SELF:
        raise ServiceError(_("Choose a self-assessment of this enterprise."), field="assessment")
    # Issue 5: the re-apply lock after a revocation, and a live certificate of
    # this grade only renewed within its renewal window (certification/lifecycle.py).
    lifecycle.check_may_apply(enterprise, tier)
    check_qualifies(assessment, tier, deaths_last_year)
    open_states = set(Status.values) - {Status.REJECTED, Status.WITHDRAWN,
                                        Status.NATIONAL_DECIDED, Status.ANNOUNCED}
    if enterprise.applications.filter(tier=tier, status__in=open_states).exists():
        raise ServiceError(_("This enterprise already has an open application for %(tier)s.")
                           % {"tier": TIER_NAMES.get(tier, tier)}, field="tier")
    application = Application.objects.create(
        enterprise=enterprise, applicant=applicant, assessment=assessment, tier=tier,
        industry_id=enterprise.industry_id, receiver=receiver_for(enterprise, tier),
        deaths_last_year=deaths_last_year, serious_injuries_last_year=serious_injuries_last_year,
        accidents_last_3_years=accidents_last_3_years, created_by=actor,
        due_on=_due(Status.DRAFT)[0],
    )
    audit.record(actor=actor, action="application.create", obj=application, after={
        "tier": tier, "assessment": assessment.pk, "receiver": application.receiver_id})
    return application


def _editable_by_applicant(application: Application, actor) -> None:
    if actor.organisation_id != application.applicant_id:
        raise TransitionForbidden(_("Only the applicant can change the application."))
    if application.status not in (Status.DRAFT, Status.RETURNED):
        raise ServiceError(_("The application can be changed only as a draft or after it was "
                             "returned for correction."))


@transaction.atomic
def application_update(*, actor, application: Application, **fields) -> Application:
    """Change the accident declaration of a draft or returned application."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _editable_by_applicant(application, actor)
    allowed = {"deaths_last_year", "serious_injuries_last_year", "accidents_last_3_years",
               "declaration_confirmed"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    before = audit.snapshot(application, list(fields))
    for name, value in fields.items():
        setattr(application, name, value)
    application.save(update_fields=list(fields))
    old, new = audit.changed(before, audit.snapshot(application, list(fields)))
    if new:
        audit.record(actor=actor, action="application.update", obj=application, before=old,
                     after=new)
    return application


@transaction.atomic
def material_add(*, actor, application: Application, kind: str, upload) -> Material:
    application = Application.objects.select_for_update().get(pk=application.pk)
    _editable_by_applicant(application, actor)
    if kind not in MaterialKind.values:
        raise ServiceError(_("Choose what kind of material this is."), field="kind")
    file_type = check_document(upload, settings.EVIDENCE_MAX_BYTES)
    digest = sha256_of(upload)
    material = Material(application=application, kind=kind, original_name=upload.name[:255],
                        content_type=ALLOWED_TYPES[file_type], size=upload.size, sha256=digest,
                        uploaded_by=actor)
    material.file.save(f"{digest}.{file_type}", upload, save=False)
    material.save()
    audit.record(actor=actor, action="application.material.add", obj=application,
                 after={"kind": kind, "file": material.original_name, "sha256": digest})
    return material


# --- moves -------------------------------------------------------------------------


def _due(status: str):
    days = time_limit(status)
    if days is None:
        return None, False
    today = timezone.localdate()
    due = workdays.add_working_days(today, days)
    return due, workdays.is_estimated(today, due)


def _acts_as(actor, application: Application, transition: Transition) -> bool:
    if not actor.can_act:
        return False
    if transition.actor == APPLICANT:
        return actor.organisation_id == application.applicant_id
    if transition.actor == RECEIVER:
        return actor.organisation_id == application.receiver_id
    if transition.actor == REVIEW_UNIT:
        unit_id = assigning.current_unit_id(application)
        return unit_id is not None and actor.organisation_id == unit_id
    return False


# Moves offered only when a condition of the application holds (their
# PREPARE step refuses otherwise).
OFFERED_WHEN = {"confirm_renewal": lifecycle.fast_path_allowed}


def can_perform(actor, application: Application, transition: Transition) -> bool:
    condition = OFFERED_WHEN.get(transition.name)
    return (application.status in transition.sources
            and (transition.tiers is None or application.tier in transition.tiers)
            and _acts_as(actor, application, transition)
            and (condition is None or condition(application)))


def _check_ready_to_submit(application: Application) -> None:
    have = set(application.materials.values_list("kind", flat=True))
    missing = [MaterialKind(kind).label for kind in REQUIRED_MATERIALS if kind not in have]
    if missing:
        raise ServiceError(_("Upload the missing materials first: %(list)s.")
                           % {"list": "、".join(str(m) for m in missing)}, field="materials")
    if not application.declaration_confirmed:
        raise ServiceError(_("Confirm the accident-record declaration first."),
                           field="declaration_confirmed")
    check_qualifies(application.assessment, application.tier, application.deaths_last_year)


def _check_declarations(application: Application) -> None:
    assigning.check_declarations(assigning.current_assignment(application))


@dataclass
class Move:
    """One move in progress: what perform() and the move's own steps share."""

    actor: object
    application: Application
    transition: Transition
    comment: str
    data: dict
    fields: list[str] = field(default_factory=lambda: [
        "status", "status_changed_at", "due_on", "due_is_estimated"])
    details: dict = field(default_factory=dict)  # extra audit data
    units: list = field(default_factory=list)  # review units to notify
    team: list | None = None
    # A PREPARE step may set the new state's due date itself, as (date,
    # is_estimated): a rectification deadline, or the review's days left.
    due: tuple | None = None


def _prepare_submit(move: Move) -> None:
    _check_ready_to_submit(move.application)
    if move.application.submitted_at is None:
        move.application.submitted_at = timezone.now()
        move.fields.append("submitted_at")


def _prepare_national_result(move: Move) -> None:
    result = move.data.get("national_result") or ""
    reference = (move.data.get("national_reference") or "").strip()
    if result not in ("approved", "refused") or not reference:
        raise ServiceError(_("Enter the national result and its reference."),
                           field="national_result")
    move.application.national_result = result
    move.application.national_reference = reference
    move.fields += ["national_result", "national_reference"]


def _prepare_assign(move: Move) -> None:
    unit = move.data.get("unit")
    assigning.check_unit(move.application, unit)
    move.team = assigning.check_team(unit, move.data.get("leader"),
                                     move.data.get("members") or ())


def _finish_assign(move: Move) -> None:
    unit = move.data["unit"]
    current = _assign(move.actor, move.application, unit, move.team)
    move.details = {"unit": unit.pk, "team": [
        {"reviewer": reviewer.pk, "certificate_no": reviewer.certificate_no,
         "leader": is_leader} for reviewer, is_leader in move.team]}
    move.units.append(current.unit_id)


# A move's own work, by move name: PREPARE checks and sets fields before the
# status changes (refusing raises and writes nothing); FINISH writes related
# rows after. Both run inside perform()'s transaction.
PREPARE = {
    "submit": _prepare_submit,
    "resubmit": _prepare_submit,
    "record_national_result": _prepare_national_result,
    "assign": _prepare_assign,
    "start_review": lambda move: _check_declarations(move.application),
    "request_rectification": onsite.prepare_request_rectification,
    "submit_rectification": onsite.prepare_submit_rectification,
    "submit_report": onsite.prepare_submit_report,
    "send_back": onsite.prepare_send_back,
    "confirm_renewal": lifecycle.prepare_confirm_renewal,
    "verify": verification.prepare_verify,
    "close_not_reached": verification.prepare_close_not_reached,
    "start_publicity": publicity.prepare_start_publicity,
    "withdraw_from_publicity": publicity.prepare_withdraw_from_publicity,
    "announce": publicity.prepare_announce,
}
FINISH = {
    "assign": _finish_assign,
    "start_review": onsite.finish_start_review,
    "announce": publicity.finish_announce,
}


def _follow_review_unit(move: Move, before: str) -> None:
    """A move that takes the application away from its review unit ends the
    assignment and its object permissions; one that stays tells the unit."""
    target = move.transition.target
    if before in WITH_REVIEW_UNIT and target not in WITH_REVIEW_UNIT:
        ended = _end_assignment(move.application, move.comment or str(move.transition.label))
        if ended is not None:
            move.details["assignment_ended"] = ended.unit_id
            move.units.append(ended.unit_id)
    elif target in WITH_REVIEW_UNIT and move.transition.name not in FINISH:
        move.units.append(assigning.current_unit_id(move.application))


def _conflict_message(application: Application) -> str:
    last = application.events.select_related("actor", "organisation").last()
    if last is None:
        return _("The application is now “%(status)s”; this step is not open.") % {
            "status": application.get_status_display()}
    return _("%(who)s (%(org)s) already moved this application to “%(status)s” at %(when)s.") % {
        "who": last.actor.get_full_name() or last.actor.username,
        "org": last.organisation or "—",
        "status": application.get_status_display(),
        "when": timezone.localtime(last.created_at).strftime("%Y-%m-%d %H:%M")}


@transaction.atomic
def perform(*, actor, application: Application, transition: str, comment: str = "",
            **data) -> Application:
    """Carry out one declared move. Raises TransitionConflict when the
    application is no longer where the move starts (someone acted first),
    TransitionForbidden for the wrong role, ServiceError for bad input.

    ``data`` carries what a move needs beyond a comment (the national result
    and reference; the review unit, leader and members of ``assign``); each
    move's PREPARE step reads its own and ignores the rest.
    """
    declared = TRANSITIONS.get(transition)
    if declared is None:
        raise ServiceError(_("Unknown step “%(name)s”.") % {"name": transition})
    # Lock first: of two people acting at once, the second waits here and
    # then finds the state already changed.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in declared.sources:
        raise TransitionConflict(_conflict_message(application))
    if declared.tiers is not None and application.tier not in declared.tiers:
        raise ServiceError(_("This step does not apply to %(tier)s applications.")
                           % {"tier": TIER_NAMES.get(application.tier, application.tier)})
    if not _acts_as(actor, application, declared):
        raise TransitionForbidden(_("Your organisation cannot take this step."))
    move = Move(actor=actor, application=application, transition=declared,
                comment=(comment or "").strip(), data=data)
    if declared.needs_comment and not move.comment:
        raise ServiceError(_("Give the reasons; the applicant sees them."), field="comment")
    if declared.name in PREPARE:
        PREPARE[declared.name](move)
    before = application.status
    application.status = declared.target
    application.status_changed_at = timezone.now()
    application.due_on, application.due_is_estimated = (
        move.due if move.due is not None else _due(declared.target))
    application.save(update_fields=move.fields)
    ApplicationEvent.objects.create(application=application, transition=declared.name,
                                    from_status=before, to_status=declared.target, actor=actor,
                                    organisation_id=actor.organisation_id, comment=move.comment)
    if declared.name in FINISH:
        FINISH[declared.name](move)
    _follow_review_unit(move, before)
    audit.record(actor=actor, action=f"application.{declared.name}", obj=application,
                 before={"status": before},
                 after={"status": declared.target,
                        **({"comment": move.comment} if move.comment else {}), **move.details})
    _notify(application, declared, move.units)
    return application


def _assign(actor, application: Application, unit: Organisation, team) -> Assignment:
    current = Assignment.objects.create(application=application, unit=unit, assigned_by=actor)
    AssignmentMember.objects.bulk_create(
        AssignmentMember(assignment=current, reviewer=reviewer, is_leader=is_leader)
        for reviewer, is_leader in team)
    assigning.grant(current)
    return current


def _end_assignment(application: Application, reason: str) -> Assignment | None:
    """The application leaves its review unit: the assignment becomes
    history (withdrawn) and the unit's object permissions go."""
    current = Assignment.objects.select_for_update().filter(
        application=application, withdrawn_at__isnull=True).first()
    if current is None:
        return None
    current.withdrawn_at = timezone.now()
    current.withdrawn_reason = reason[:300]
    current.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    assigning.revoke(current)
    return current


@transaction.atomic
def declaration_sign(*, actor, application: Application, reviewer: Reviewer) -> AssignmentMember:
    """A team member's no-conflict declaration, signed by the reviewer's own
    login, or for a reviewer without one by a user of the unit (recorded).
    Goes to the audit log; the timeline keeps to status moves."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Status.ASSIGNED:
        raise TransitionConflict(_("Declarations are signed while a review unit is assigned; "
                                   "the application is now “%(status)s”.")
                                 % {"status": application.get_status_display()})
    member = (AssignmentMember.objects.select_related("reviewer", "declaration_signed_by")
              .filter(assignment__application=application, assignment__withdrawn_at__isnull=True,
                      reviewer_id=getattr(reviewer, "pk", reviewer)).first())
    if member is None:
        if assigning.current_unit_id(application) != actor.organisation_id:
            raise TransitionForbidden(_("Only the assigned review unit signs declarations."))
        raise ServiceError(_("This reviewer is not on the review team."), field="reviewer")
    if not assigning.may_sign_for(actor, member):
        if member.reviewer.user_id:
            raise TransitionForbidden(_("%(name)s has a login and signs the declaration "
                                        "personally.") % {"name": member.reviewer.name})
        raise TransitionForbidden(_("Only the assigned review unit signs declarations."))
    if member.declaration_signed_at is not None:
        signer = member.declaration_signed_by
        raise TransitionConflict(_("%(name)s's declaration was already signed by %(who)s at "
                                   "%(when)s.") % {
            "name": member.reviewer.name,
            "who": signer.get_full_name() or signer.username,
            "when": timezone.localtime(member.declaration_signed_at).strftime("%Y-%m-%d %H:%M")})
    member.declaration_signed_at = timezone.now()
    member.declaration_signed_by = actor
    member.save(update_fields=["declaration_signed_at", "declaration_signed_by"])
    audit.record(actor=actor, action="application.declaration.sign", obj=application, after={
        "reviewer": member.reviewer_id, "certificate_no": member.reviewer.certificate_no,
        "on_behalf": member.reviewer.user_id != actor.pk})
    return member


def _notify(application: Application, move: Transition, units=()) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(enterprise)s · %(tier)s application: %(status)s") % {
            "enterprise": application.enterprise.name,
            "tier": TIER_NAMES.get(application.tier, application.tier),
            "status": application.get_status_display()}
    url = reverse("certification:detail", args=[application.pk])
    notify_after_commit([application.applicant_id, application.receiver_id,
                         application.enterprise.account_id, *units], text, url)


# One named function per move (style.md rule 1), all through perform().

def application_submit(*, actor, application, comment=""):
    return perform(actor=actor, application=application, transition="submit", comment=comment)


def application_resubmit(*, actor, application, comment=""):
    return perform(actor=actor, application=application, transition="resubmit",
                   comment=comment)


def application_withdraw(*, actor, application, comment=""):
    return perform(actor=actor, application=application, transition="withdraw",
                   comment=comment)


def application_accept(*, actor, application, comment=""):
    return perform(actor=actor, application=application, transition="accept", comment=comment)


def application_return(*, actor, application, comment):
    return perform(actor=actor, application=application, transition="return", comment=comment)


def application_reject(*, actor, application, comment):
    return perform(actor=actor, application=application, transition="reject", comment=comment)


def application_forward_national(*, actor, application, comment=""):
    return perform(actor=actor, application=application, transition="forward_national",
                   comment=comment)


def application_record_national_result(*, actor, application, national_result,
                                       national_reference, comment=""):
    return perform(actor=actor, application=application, transition="record_national_result",
                   comment=comment, national_result=national_result,
                   national_reference=national_reference)


def application_assign(*, actor, application, unit, leader, members, comment=""):
    return perform(actor=actor, application=application, transition="assign", comment=comment,
                   unit=unit, leader=leader, members=members)


def application_start_review(*, actor, application, comment=""):
    return perform(actor=actor, application=application, transition="start_review",
                   comment=comment)


def application_withdraw_assignment(*, actor, application, comment):
    return perform(actor=actor, application=application, transition="withdraw_assignment",
                   comment=comment)
