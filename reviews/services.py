"""Writes on assessments: create (or copy), answer, attach evidence, submit."""

from __future__ import annotations

import datetime
from collections.abc import Container
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from portal import audit
from portal.errors import ServiceError
from portal.fields import check_length
from portal.files import check_document, store_upload, upload_name
from portal.models import User
from reviews.models import (
    Assessment,
    AssessmentRow,
    Criterion,
    Evidence,
    ExtraTrigger,
    Result,
    StandardVersion,
)
from reviews.scoring_data import score_assessment
from reviews.selectors import applicable_versions


class EditConflict(ServiceError):
    """Someone else saved the row since this user loaded it."""

    def __init__(self, row: AssessmentRow):
        super().__init__(
            _(
                "Someone else changed this answer while you were editing it. "
                "Their version is shown now; check it and save again."
            )
        )
        self.row = row


def _check_self_assessment(assessment: Assessment) -> None:
    """The reviewers' sheet changes only through the on-site review
    (certification/onsite/rules.py), never as a self-assessment."""
    if assessment.kind != Assessment.Kind.SELF:
        raise ServiceError(_("This is the review unit's on-site review, not a self-assessment."))


# An assessment's period: none before the scheme's standards existed, none
# more than a few years ahead (a typo such as 0001 or 9999 is refused).
FIRST_PERIOD_DAY = datetime.date(2000, 1, 1)
YEARS_AHEAD = 5


def last_period_day(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def _check_period(
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    changed: Container[str] = ("period_start", "period_end"),
) -> None:
    """Refuse a ``changed`` day out of bounds, or an end before the start."""
    first, last = FIRST_PERIOD_DAY, last_period_day()
    for field, value in (("period_start", period_start), ("period_end", period_end)):
        if field in changed and value and not first <= value <= last:
            raise ServiceError(
                _("The period must lie between %(first)s and %(last)s.")
                % {"first": first.isoformat(), "last": last.isoformat()},
                field=field,
            )
    if period_start and period_end and period_end < period_start:
        raise ServiceError(_("The period ends before it starts."), field="period_end")


@transaction.atomic
def assessment_create(
    *,
    actor: User,
    enterprise: Enterprise,
    version: StandardVersion,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    team_leader: str = "",
    team_members: str = "",
    deaths_last_year: int = 0,
    copy_from: Assessment | None = None,
) -> Assessment:
    """A new self-assessment with one row per criterion, made in one bulk insert.

    With ``copy_from`` (e.g. last year's), answers are copied for criteria of
    the same code, so a new version of the standard keeps what still fits.
    """
    if version.pk not in {v.pk for v in applicable_versions(enterprise)}:
        raise ServiceError(
            _("This standard does not apply to your enterprise, or the version is not published."),
            field="version",
        )
    _check_period(period_start, period_end)
    if copy_from is not None and (
        copy_from.enterprise_id != enterprise.pk or copy_from.kind != Assessment.Kind.SELF
    ):
        raise ServiceError(_("You can only copy your own assessments."), field="copy_from")
    assessment = Assessment.objects.create(
        enterprise=enterprise,
        version=version,
        period_start=period_start,
        period_end=period_end,
        team_leader=team_leader,
        team_members=team_members,
        deaths_last_year=deaths_last_year,
        copied_from=copy_from,
        created_by=actor,
    )
    previous: dict[str, AssessmentRow] = {}
    if copy_from is not None:
        previous = {row.criterion.code: row for row in copy_from.rows.select_related("criterion")}
    rows: list[AssessmentRow] = []
    for criterion_id, code in version.criteria.order_by("position").values_list("pk", "code"):
        old = previous.get(code)
        rows.append(
            AssessmentRow(
                assessment=assessment,
                criterion_id=criterion_id,
                result=old.result if old else "",
                deduction=old.deduction if old else 0,
                occurrences=old.occurrences if old else None,
                extra_condition=old.extra_condition if old else False,
                na_reason=old.na_reason if old else "",
                notes=old.notes if old else "",
            )
        )
    AssessmentRow.objects.bulk_create(rows, batch_size=1000)
    audit.record(
        actor=actor,
        action="assessment.create",
        obj=assessment,
        after={
            "version": version.pk,
            "rows": len(rows),
            "copied_from": copy_from.pk if copy_from else None,
        },
    )
    return assessment


def _decimal(value: object, field: str) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        raise ServiceError(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise ServiceError(_("Enter a number."), field=field)
    return number


def _occurrences(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        count = int(str(value).strip())
    except ValueError:
        raise ServiceError(
            _("Enter the number of occurrences as a whole number."), field="occurrences"
        ) from None
    if not 1 <= count <= 32767:
        raise ServiceError(
            _("Enter the number of occurrences as a whole number."), field="occurrences"
        )
    return count


def _partial_deduction(
    criterion: Criterion, deduction: object, occurrences: object
) -> tuple[Decimal, int | None]:
    """(points deducted, occurrences) of a partly compliant answer. Counted
    occurrences × the criterion's unit are capped at its points ("扣完为止");
    a typed total above the points is refused, as it is likely a typo."""
    count = _occurrences(occurrences)
    if count is not None:
        if not criterion.deduction_unit:
            raise ServiceError(
                _(
                    "This criterion does not deduct per occurrence; enter the points "
                    "deducted instead."
                ),
                field="occurrences",
            )
        return min(criterion.deduction_unit * count, criterion.points), count
    amount = _decimal(deduction, "deduction")
    if amount <= 0 or amount > criterion.points:
        message = _(
            "The deduction must be more than 0 and at most the criterion's %(points)s points."
        ) % {"points": criterion.points}
        if criterion.deduction_unit:
            message += " " + _(
                "Or count the occurrences (%(unit)s points each): their total is capped at "
                "the points."
            ) % {"unit": criterion.deduction_unit}
        raise ServiceError(message, field="deduction")
    if amount != amount.quantize(Decimal("0.1")):
        raise ServiceError(_("Use at most one decimal place."), field="deduction")
    return amount, None


def row_save(
    *,
    actor: User,
    row: AssessmentRow,
    result: str,
    deduction: object = None,
    na_reason: str = "",
    notes: str = "",
    revision: int,
    occurrences: object = None,
    extra_condition: bool = False,
) -> AssessmentRow:
    """Save one answer. ``revision`` is the row's revision the user started from:
    if the row changed since, nothing is written and EditConflict is raised.

    ``occurrences`` counts a per-occurrence deduction instead of ``deduction``;
    ``extra_condition`` is the assessor's finding that a ``condition`` extra
    deduction applies (kept only with a finding against the criterion)."""
    criterion = row.criterion
    if row.assessment.is_locked:
        raise ServiceError(_("This assessment has been submitted and can no longer change."))
    if result not in Result.values and result != "":
        raise ServiceError(_("Choose one of the answers."), field="result")
    amount, count = Decimal("0"), None
    if result == Result.PARTIAL:
        if criterion.is_veto:
            raise ServiceError(
                _("A veto criterion is either met or not: choose compliant or not compliant."),
                field="result",
            )
        amount, count = _partial_deduction(criterion, deduction, occurrences)
    if result == Result.NOT_APPLICABLE and not criterion.allow_na:
        raise ServiceError(
            _(
                "The standard does not allow this criterion to be marked not applicable: "
                "answer whether it is met."
            ),
            field="result",
        )
    extra_condition = bool(
        extra_condition
        and criterion.extra_deduction
        and criterion.extra_trigger == ExtraTrigger.CONDITION
        and result in (Result.PARTIAL, Result.NON_COMPLIANT)
    )
    na_reason = (na_reason or "").strip()
    check_length(na_reason, AssessmentRow, "na_reason")
    check_length((notes or "").strip(), AssessmentRow, "notes")
    if result == Result.NOT_APPLICABLE and not na_reason:
        raise ServiceError(_("Say why this criterion does not apply."), field="na_reason")
    if result != Result.NOT_APPLICABLE:
        na_reason = ""
    # Compare-and-set on the revision: the later of two concurrent saves loses
    # and is told, instead of silently overwriting the first.
    updated = AssessmentRow.objects.filter(
        pk=row.pk,
        revision=revision,
        assessment__status=Assessment.Status.DRAFT,
    ).update(
        result=result,
        deduction=amount,
        occurrences=count,
        extra_condition=extra_condition,
        na_reason=na_reason,
        notes=notes.strip(),
        revision=F("revision") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    # The row alone, by its key: its criterion is the one already read, and its
    # assessment was read for this save (a join here let PostgreSQL walk the
    # assessments' index from the first to this one when its statistics were stale).
    fresh = AssessmentRow.objects.get(pk=row.pk)
    fresh.criterion = criterion
    if not updated:
        fresh.assessment = Assessment.objects.get(pk=row.assessment_id)  # its status now
        if fresh.assessment.is_locked:
            raise ServiceError(_("This assessment has been submitted and can no longer change."))
        raise EditConflict(fresh)
    fresh.assessment = row.assessment
    return fresh


@transaction.atomic
def evidence_add(*, actor: User, row: AssessmentRow, upload: UploadedFile[bytes]) -> Evidence:
    assessment = Assessment.objects.select_for_update().get(pk=row.assessment_id)
    _check_self_assessment(assessment)
    if assessment.is_locked:
        raise ServiceError(_("This assessment has been submitted and can no longer change."))
    kind = check_document(upload, settings.EVIDENCE_MAX_BYTES)
    # A re-upload under the same name (as store_upload records it) is a new version.
    earlier = row.evidence.filter(original_name=upload_name(upload)).count()
    evidence = store_upload(
        Evidence(row=row, file_version=earlier + 1), upload, detected=kind, uploaded_by=actor
    )
    audit.record(
        actor=actor,
        action="assessment.evidence.add",
        obj=assessment,
        after={
            "row": row.pk,
            "criterion": row.criterion.code,
            "file": evidence.original_name,
            "sha256": evidence.sha256,
            "file_version": evidence.file_version,
        },
    )
    return evidence


@transaction.atomic
def assessment_update(*, actor: User, assessment: Assessment, **fields: Any) -> Assessment:
    """Change the team, period or declared accident record of a draft."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_self_assessment(assessment)
    if assessment.is_locked:
        raise ServiceError(_("This assessment has been submitted and can no longer change."))
    allowed = {"period_start", "period_end", "team_leader", "team_members", "deaths_last_year"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    before = audit.snapshot(assessment, list(fields))
    for name, value in fields.items():
        setattr(assessment, name, value)
    _check_period(assessment.period_start, assessment.period_end, changed=fields)
    assessment.save(update_fields=list(fields))
    old, new = audit.changed(before, audit.snapshot(assessment, list(fields)))
    if new:
        audit.record(actor=actor, action="assessment.update", obj=assessment, before=old, after=new)
    return assessment


@transaction.atomic
def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    """Lock the assessment; it becomes the basis of an application."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _check_self_assessment(assessment)
    if assessment.is_locked:
        raise ServiceError(_("This assessment has already been submitted."))
    missing = assessment.rows.filter(result="").aggregate(n=Count("id"))["n"]
    if missing:
        raise ServiceError(_("%(n)d criteria are still unanswered.") % {"n": missing})
    if not assessment.team_leader.strip():
        raise ServiceError(_("Name the leader of the self-assessment team."), field="team_leader")
    result = score_assessment(assessment)
    if not result.scorable:
        raise ServiceError(
            _("Every criterion is marked not applicable, so the assessment cannot be scored.")
        )
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.submitted_score = result.score
    assessment.submitted_grade = result.grade or ""
    assessment.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "submitted_score",
            "submitted_grade",
        ]
    )
    audit.record(
        actor=actor,
        action="assessment.submit",
        obj=assessment,
        before={"status": Assessment.Status.DRAFT},
        after={"status": assessment.status, "score": str(result.score), "grade": result.grade},
    )
    return assessment
