"""The on-site review (现场评审): scoring against the self-assessment's
baseline and the signed report. Findings with their photos are in
certification/onsite/findings.py, rectification in
certification/onsite/rectification.py.

Hooks of the declared moves (called by certification/engine.perform inside
its transaction; see Move there). They write no audit rows of their own:
perform() records the move, with what a hook puts into ``move.details``.

The other writes (answers, the report and its sign-offs) are plain services; each locks
the application, checks the actor and the state, and writes the audit log.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.assignment import rules as assigning
from certification.engine import Move, TransitionConflict, TransitionForbidden
from certification.models import (
    Application,
    Assignment,
    AssignmentMember,
    Finding,
    OnSiteReview,
    ReportSignoff,
    ReviewFile,
    Status,
)
from certification.workflow import time_limit
from portal import audit, workdays
from portal.errors import ServiceError
from portal.fields import check_length, limit_of
from portal.files import store_upload
from portal.models import OrganisationKind
from reviews.models import Assessment, AssessmentRow, Criterion

# The enterprise (applicant, its account, its group) sees the reviewers'
# scores once the organiser has verified the report.
ENTERPRISE_SEES_SCORES = {
    Status.AWAITING_CONSENT,  # it decides on the lower grade from them
    Status.VERIFIED,
    Status.APPROVED,
    Status.PUBLICITY,
    Status.ANNOUNCED,
}
# Other users in scope see them once the report is in.
AFTER_REPORT = {Status.REPORTED, *ENTERPRISE_SEES_SCORES}
# What the enterprise receives: the veto and deduction list (否决项与扣分项清单).
LISTED_KINDS = (Finding.Kind.VETO, Finding.Kind.DEDUCTION)


def _forbidden(message):

    return TransitionForbidden(message)


def _conflict(message):

    return TransitionConflict(message)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- reads ---------------------------------------------------------------------------


def review_for(application: Application) -> OnSiteReview | None:
    return (
        OnSiteReview.objects.select_related("assessment", "assessment__version")
        .filter(application_id=application.pk)
        .first()
    )


def is_review_unit_user(user, application: Application, unit_id: int | None = None) -> bool:
    """A user of the unit of the application's current assignment."""
    if not getattr(user, "is_authenticated", False) or not user.organisation_id:
        return False
    if unit_id is None:
        unit_id = assigning.current_unit_id(application)
    return unit_id is not None and user.organisation_id == unit_id


def is_enterprise_side(user, application: Application) -> bool:
    """The applicant, the enterprise's own account or its group."""
    org_id = user.organisation_id
    enterprise = application.enterprise
    return org_id is not None and org_id in {
        application.applicant_id,
        enterprise.account_id,
        enterprise.group_id,
    }


def may_see_scores(user, application: Application, *, review: OnSiteReview | None = None) -> bool:
    """Who sees the reviewers' answers, score and proposed grade. The caller
    has already checked that the application is in the user's scope.

    The review unit, the receiver and the city office always; the enterprise
    side only once the receiver has decided on the report (verified, in
    publicity, announced, or closed as no grade reached); everyone else in
    scope once the report is in.
    """
    if not getattr(user, "is_authenticated", False) or not user.organisation_id:
        return False
    org_id = user.organisation_id
    if org_id == application.receiver_id or user.organisation.kind == OrganisationKind.CITY_OFFICE:
        return True
    if is_enterprise_side(user, application):
        if application.status == Status.REJECTED:  # closed as no grade reached:
            # the enterprise needs the scores to know what to rectify.
            review = review if review is not None else review_for(application)
            return review is not None and review.reported_at is not None
        return application.status in ENTERPRISE_SEES_SCORES
    if Assignment.objects.filter(application_id=application.pk, unit_id=org_id).exists():
        return True
    if application.status in AFTER_REPORT:
        return True
    if review is None:
        review = review_for(application)
    return review is not None and review.reported_at is not None


def team_members(application: Application) -> list[AssignmentMember]:
    """The current team, the leader first."""
    return list(
        AssignmentMember.objects.select_related("reviewer").filter(
            assignment__application_id=application.pk, assignment__withdrawn_at__isnull=True
        )
    )


def listed_findings(review: OnSiteReview):
    """The veto and deduction list the enterprise receives."""
    return review.findings.filter(kind__in=LISTED_KINDS)


# --- guards --------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update().select_related("enterprise").get(pk=application.pk)
    )


def _check_review_unit(actor, application: Application) -> None:
    if not (actor.can_act and is_review_unit_user(actor, application)):
        raise _forbidden(_("Only the assigned review unit works on the on-site review."))


def _check_state(application: Application, status: str = Status.ON_SITE_REVIEW) -> None:
    if application.status != status:
        if status == Status.RECTIFICATION:
            message = _(
                "Rectification evidence is uploaded while rectification is requested; "
                "the application is now “%(status)s”."
            )
        else:
            message = _(
                "This is done during the on-site review; the application is now “%(status)s”."
            )
        raise _conflict(message % {"status": application.get_status_display()})


def _review(application: Application) -> OnSiteReview:
    review = review_for(application)
    if review is None:
        raise ServiceError(_("The on-site review has not started."))
    return review


def _unit_review(actor, application: Application) -> tuple[Application, OnSiteReview]:
    """Lock the application; the actor must be of the current review unit and
    the review under way."""
    application = _locked(application)
    _check_review_unit(actor, application)
    _check_state(application)
    return application, _review(application)


# --- start ---------------------------------------------------------------------------


def _team_names(application: Application) -> tuple[str, str]:
    members = team_members(application)
    leader = next((m.reviewer.name for m in members if m.is_leader), "")
    others = "\n".join(m.reviewer.name for m in members if not m.is_leader)
    return leader, others


def finish_start_review(move: Move) -> None:
    """The review's scores start as a copy of the self-assessment's answers
    (the baseline); a review that already exists is reused."""
    application = move.application
    leader, others = _team_names(application)
    existing = review_for(application)
    if existing is not None:
        if not existing.assessment.is_locked:
            Assessment.objects.filter(pk=existing.assessment_id).update(
                team_leader=leader, team_members=others
            )
        move.details["review"] = existing.pk
        return
    own = application.assessment
    review_scores = Assessment.objects.create(
        kind=Assessment.Kind.REVIEW,
        enterprise_id=application.enterprise_id,
        version_id=own.version_id,
        status=Assessment.Status.DRAFT,
        team_leader=leader,
        team_members=others,
        deaths_last_year=max(application.deaths_last_year, own.deaths_last_year),
        created_by=move.actor,
    )
    answers = {
        criterion_id: (result, deduction, na_reason, occurrences, extra)
        for criterion_id, result, deduction, na_reason, occurrences, extra in own.rows.values_list(
            "criterion_id", "result", "deduction", "na_reason", "occurrences", "extra_condition"
        )
    }
    rows = []
    for criterion_id in (
        Criterion.objects.filter(version_id=own.version_id)
        .order_by("position")
        .values_list("pk", flat=True)
    ):
        result, deduction, na_reason, occurrences, extra = answers.get(
            criterion_id, ("", 0, "", None, False)
        )
        rows.append(
            AssessmentRow(
                assessment=review_scores,
                criterion_id=criterion_id,
                result=result,
                deduction=deduction,
                na_reason=na_reason,
                occurrences=occurrences,
                extra_condition=extra,
            )
        )
    AssessmentRow.objects.bulk_create(rows, batch_size=1000)
    review = OnSiteReview.objects.create(application=application, assessment=review_scores)
    move.details.update(
        {"review": review.pk, "review_assessment": review_scores.pk, "rows": len(rows)}
    )


# --- answers -------------------------------------------------------------------------


@transaction.atomic
def review_row_save(
    *,
    actor,
    application: Application,
    row,
    result: str,
    deduction=None,
    na_reason: str = "",
    notes: str = "",
    revision: int,
    occurrences=None,
    extra_condition: bool = False,
) -> AssessmentRow:
    """Save one of the reviewers' answers. Raises reviews.services.EditConflict
    when someone else saved the row since ``revision``."""
    from reviews import services as review_services

    application, review = _unit_review(actor, application)
    row = (
        AssessmentRow.objects.select_related("criterion", "assessment")
        .filter(pk=getattr(row, "pk", row), assessment_id=review.assessment_id)
        .first()
    )
    if row is None:
        raise ServiceError(_("This row is not part of this review."), field="row")
    before = {"result": row.result, "deduction": str(row.deduction)}
    saved = review_services.row_save(
        actor=actor,
        row=row,
        result=result,
        deduction=deduction,
        na_reason=na_reason,
        notes=notes,
        revision=revision,
        occurrences=occurrences,
        extra_condition=extra_condition,
    )
    from certification.onsite import confirmed

    confirmed.mark_confirmed(saved, actor)
    audit.record(
        actor=actor,
        action="application.review.row",
        obj=application,
        before=before,
        after={
            "criterion": saved.criterion.code,
            "result": saved.result,
            "deduction": str(saved.deduction),
            "occurrences": saved.occurrences,
            "extra_condition": saved.extra_condition,
            "revision": saved.revision,
        },
    )
    return saved


# --- the report ----------------------------------------------------------------------


@transaction.atomic
def report_update(
    *, actor, application: Application, summary: str, technical_head: str
) -> OnSiteReview:
    application, review = _unit_review(actor, application)
    summary = (summary or "").strip()
    check_length(summary, OnSiteReview, "summary")
    technical_head = (technical_head or "").strip()
    if len(technical_head) > limit_of(OnSiteReview, "technical_head"):
        raise ServiceError(_("The technical head's name is too long."), field="technical_head")
    fields = ["summary", "technical_head"]
    before = audit.snapshot(review, fields)
    review.summary, review.technical_head = summary, technical_head
    review.save(update_fields=fields)
    old, new = audit.changed(before, audit.snapshot(review, fields))
    if new:
        audit.record(
            actor=actor, action="application.review.report", obj=application, before=old, after=new
        )
    return review


@transaction.atomic
def report_sign(*, actor, application: Application, reviewer) -> ReportSignoff:
    """A team member signs the report, under their training certificate
    number: by their own login, or for a reviewer without one by a user of
    the unit (recorded)."""
    application = _locked(application)
    member = (
        AssignmentMember.objects.select_related("reviewer")
        .filter(
            assignment__application_id=application.pk,
            assignment__withdrawn_at__isnull=True,
            reviewer_id=getattr(reviewer, "pk", reviewer),
        )
        .first()
    )
    if member is None:
        _check_review_unit(actor, application)
        raise ServiceError(_("This reviewer is not on the review team."), field="reviewer")
    if not assigning.may_sign_for(actor, member):
        if actor.can_act and member.reviewer.user_id and is_review_unit_user(actor, application):
            raise _forbidden(
                _("%(name)s has a login and signs the report personally.")
                % {"name": member.reviewer.name}
            )
        raise _forbidden(_("Only the review team signs the report."))
    _check_state(application)
    review = _review(application)
    earlier = (
        ReportSignoff.objects.select_related("signed_by")
        .filter(review=review, member=member)
        .first()
    )
    if earlier is not None:
        signer = earlier.signed_by
        raise _conflict(
            _("%(name)s already signed the report: %(who)s at %(when)s.")
            % {
                "name": member.reviewer.name,
                "who": signer.get_full_name() or signer.username,
                "when": _when(earlier.signed_at),
            }
        )
    signoff = ReportSignoff.objects.create(
        review=review, member=member, certificate_no=member.reviewer.certificate_no, signed_by=actor
    )
    audit.record(
        actor=actor,
        action="application.review.sign",
        obj=application,
        after={
            "reviewer": member.reviewer_id,
            "certificate_no": signoff.certificate_no,
            "on_behalf": member.reviewer.user_id != actor.pk,
        },
    )
    return signoff


def _days_left(application: Application) -> int:
    """Working days left of the review's clock."""
    if application.due_on is None:
        return time_limit(Status.ON_SITE_REVIEW) or 0
    return max(0, workdays.working_days_between(timezone.localdate(), application.due_on))


def _resume(days: int) -> tuple[datetime.date, bool]:
    today = timezone.localdate()
    due = workdays.add_working_days(today, days)
    return due, workdays.is_estimated(today, due)


# Graded tiers, highest first: 一级 is the best grade.
TIER_ORDER = ("1", "2", "3")


def proposed_tier(grade: str, applied: str) -> str:
    """The grade the review reached, but never above the one applied for: a
    review may propose a lower grade (domain.md §4.2), not a higher one."""
    if (
        grade in TIER_ORDER
        and applied in TIER_ORDER
        and (TIER_ORDER.index(grade) < TIER_ORDER.index(applied))
    ):
        return applied
    return grade


def prepare_submit_report(move: Move) -> None:
    """Needs every row scored, the summary, the technical head and every
    member's sign-off; scores with the one scoring function and locks the
    review's scores."""
    from reviews import accident_gate
    from reviews.scoring_data import score_assessment

    application = move.application
    review = _review(application)
    scores = review.assessment
    unanswered = scores.rows.filter(result="").count()
    if unanswered:
        raise ServiceError(
            _("%(n)d criteria are still unanswered in the review.") % {"n": unanswered},
            field="rows",
        )
    from certification.onsite import confirmed

    unconfirmed = confirmed.unconfirmed_count(review)
    if unconfirmed:
        raise ServiceError(confirmed.unconfirmed_message(unconfirmed), field="rows")
    if not review.summary.strip():
        raise ServiceError(_("Write the summary of the review first."), field="summary")
    if not review.technical_head.strip():
        raise ServiceError(
            _("Name the technical head of the review unit first."), field="technical_head"
        )
    signed = set(review.signoffs.values_list("member_id", flat=True))
    unsigned = [m.reviewer.name for m in team_members(application) if m.pk not in signed]
    if unsigned:
        raise ServiceError(
            _("The report still needs the signatures of: %(names)s.")
            % {"names": "、".join(unsigned)},
            field="signoffs",
        )
    # The accident gate again, from the records up to today: an accident
    # during the review bars the grade the review would propose.
    accidents, after, until = accident_gate.application_record(application)
    result = score_assessment(scores, accidents=accidents)
    if not result.scorable:
        raise ServiceError(
            _("Every criterion is marked not applicable, so the review cannot be scored."),
            field="rows",
        )
    at_stake = proposed_tier(result.grade_before_accidents or "", application.tier)
    if at_stake in result.accident_bars:
        raise ServiceError(
            accident_gate.explain(
                accidents, scores.version.standard.regime, at_stake, after, until
            ),
            field="accidents",
        )
    now = timezone.now()
    scores.status = Assessment.Status.SUBMITTED
    scores.submitted_at, scores.submitted_by = now, move.actor
    scores.submitted_score, scores.submitted_grade = result.score, result.grade or ""
    scores.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "submitted_score",
            "submitted_grade",
        ]
    )
    review.score, review.reported_at = result.score, now
    review.proposed_tier = proposed_tier(result.grade or "", application.tier)
    # Kept in case the organiser sends the report back: the review resumes
    # with the days it had left.
    review.review_days_left = _days_left(application)
    review.save(update_fields=["score", "proposed_tier", "reported_at", "review_days_left"])
    move.details.update({"score": str(result.score), "proposed_tier": review.proposed_tier})


def prepare_send_back(move: Move) -> None:
    """The report goes back to the review unit: its scores open again and
    its sign-offs are void (the report must be signed again)."""
    application = move.application
    review = _review(application)
    Assessment.objects.filter(pk=review.assessment_id).update(
        status=Assessment.Status.DRAFT,
        submitted_at=None,
        submitted_by=None,
        submitted_score=None,
        submitted_grade="",
    )
    voided, _by_model = review.signoffs.all().delete()
    review.reported_at = None
    review.save(update_fields=["reported_at"])
    if review.review_days_left is not None:
        move.due = _resume(review.review_days_left)
    move.details.update({"signoffs_voided": voided})


# --- files ----------------------------------------------------------------------


def _store(
    review: OnSiteReview,
    upload,
    file_type: str,
    *,
    actor,
    purpose: str,
    finding: Finding | None = None,
) -> ReviewFile:
    return store_upload(
        ReviewFile(review=review, finding=finding, purpose=purpose),
        upload,
        detected=file_type,
        uploaded_by=actor,
    )
