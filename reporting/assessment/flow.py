"""The assessed unit comments or objects, the assessing office scores the manual
indicators, finalises (a signed, immutable version) and publishes the summary."""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal import audit
from portal.errors import ServiceError
from portal.files import check_document, upload_name
from portal.notify import message, notify_after_commit
from reporting.assessment import selectors
from reporting.assessment.models import (
    AssessmentReport,
    Indicator,
    ManualScore,
    ReportRun,
    Scheme,
)
from reporting.assessment.services import (
    AssessmentError,
    assessing_organisations,
    copy_manual,
    start_run,
    title_message,
    unit_organisations,
)

logger = logging.getLogger(__name__)
Status = AssessmentReport.Status


# --- the flow ---------------------------------------------------------------------


def _latest_draft(report: AssessmentReport) -> None:
    newest = (
        AssessmentReport.objects.filter(
            unit_kind=report.unit_kind,
            unit_key=report.unit_key,
            period_kind=report.period_kind,
            period_code=report.period_code,
        )
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    if report.is_final:
        raise AssessmentError(_("This report is final and can no longer be changed."))
    if newest != report.pk:
        raise AssessmentError(_("A newer version of this report exists: open it instead."))


def comment(*, actor: Any, report: AssessmentReport, text: str, objection: bool) -> None:
    """The assessed unit's comment or objection on its draft, within the window."""
    if not selectors.is_assessed_unit(actor, report):
        raise PermissionDenied
    with transaction.atomic():
        report = AssessmentReport.objects.select_for_update().get(pk=report.pk)
        _latest_draft(report)
        if report.comment_due and timezone.localdate() > report.comment_due:
            raise AssessmentError(
                _("The time to comment ended on %(date)s.") % {"date": report.comment_due}
            )
        text = (text or "").strip()
        if not text:
            raise AssessmentError(_("Write the comment."))
        if len(text) > 4000:
            raise AssessmentError(_("The comment may have at most 4000 characters."))
        before = {"comment": report.comment, "objection": report.objects_to_scores}
        report.comment, report.objects_to_scores = text, bool(objection)
        report.commented_at, report.commented_by = timezone.now(), actor
        report.save(update_fields=["comment", "objects_to_scores", "commented_at", "commented_by"])
        audit.record(
            actor=actor,
            action="assessment.report_commented",
            obj=report,
            before=before,
            after={"comment": text, "objection": bool(objection)},
        )
        notify_after_commit(
            assessing_organisations(report),
            message(
                gettext_noop("%(unit)s objects to its assessment report.")
                if objection
                else gettext_noop("%(unit)s commented on its assessment report."),
                unit=report.unit_name,
            ),
            reverse("assessment:report", args=[report.pk]),
        )


def enter_manual_score(
    *,
    actor: Any,
    report: AssessmentReport,
    code: str,
    score: Any,
    note: str = "",
    evidence: Any = None,
) -> ReportRun:
    """The assessing office's score of a manual indicator with its evidence; the
    level's reports are built again (totals and ranks change) as a new version."""
    if not selectors.is_assessing_office(actor, report):
        raise PermissionDenied
    with transaction.atomic():
        report = (
            AssessmentReport.objects.select_for_update().select_related("scheme").get(pk=report.pk)
        )
        _latest_draft(report)
        indicator = Indicator.objects.filter(
            scheme=report.scheme, code=code, kind=Indicator.Kind.MANUAL
        ).first()
        if indicator is None:
            raise AssessmentError(
                _("Unknown manual indicator: %(code)s.") % {"code": str(code)[:40]}
            )
        try:
            points = Decimal(str(score).strip())
        except (InvalidOperation, ValueError):
            points = Decimal(-1)
        if not points.is_finite() or points < 0 or points > indicator.weight:
            raise AssessmentError(
                _("The score must lie between 0 and %(weight)s.") % {"weight": indicator.weight}
            )
        if len(note or "") > 500:
            raise AssessmentError(_("The note may have at most 500 characters."))
        detected = ""
        if evidence is not None:
            try:  # a PDF, image or office file by its content, within the size limit
                detected = check_document(evidence, settings.EVIDENCE_MAX_BYTES)
            except ServiceError as error:
                raise AssessmentError(str(error.message)) from None
        if (
            evidence is None
            and not ManualScore.objects.filter(report=report, indicator=indicator)
            .exclude(evidence="")
            .exists()
        ):
            raise AssessmentError(_("Attach the evidence for the score."))
        row, _created = ManualScore.objects.get_or_create(
            report=report,
            indicator=indicator,
            defaults={"score": points, "entered_by": actor},
        )
        row.score, row.note, row.entered_by = points, (note or "").strip(), actor
        if evidence is not None:
            row.evidence.save(
                f"{upload_name(evidence, 80).rsplit('.', 1)[0] or 'evidence'}.{detected}",
                evidence,
                save=False,
            )
        row.save()
        audit.record(
            actor=actor,
            action="assessment.manual_scored",
            obj=report,
            after={"indicator": code, "score": str(points)},
        )
        return start_run(
            actor=actor,
            level=report.scheme.level,
            region=report.region if report.scheme.level == Scheme.Level.DISTRICT else None,
            period_kind=report.period_kind,
            period_code=report.period_code,
        )


def finalise(*, actor: Any, report: AssessmentReport) -> AssessmentReport:
    """A final, signed version of the latest draft (rendered by a worker)."""
    if not selectors.is_assessing_office(actor, report):
        raise PermissionDenied
    with transaction.atomic():
        report = (
            AssessmentReport.objects.select_for_update().select_related("scheme").get(pk=report.pk)
        )
        _latest_draft(report)
        today = timezone.localdate()
        if report.commented_at is None and report.comment_due and today <= report.comment_due:
            raise AssessmentError(
                _(
                    "The assessed unit may comment until %(date)s; finalise after that or once it has commented."
                )
                % {"date": report.comment_due}
            )
        now = timezone.now()
        final = AssessmentReport.objects.create(
            scheme=report.scheme,
            unit_kind=report.unit_kind,
            unit_key=report.unit_key,
            unit_name=report.unit_name,
            region=report.region,
            period_kind=report.period_kind,
            period_code=report.period_code,
            version=report.version + 1,
            status=Status.FINAL,
            data=report.data,
            content_hash=report.content_hash,
            total=report.total,
            rank=report.rank,
            rank_change=report.rank_change,
            comment=report.comment,
            objects_to_scores=report.objects_to_scores,
            commented_at=report.commented_at,
            commented_by=report.commented_by,
            comment_due=report.comment_due,
            finalised_at=now,
            finalised_by=actor,
        )
        final.signature = hashlib.sha256(
            f"{report.content_hash}|{final.version}|{actor.pk}|{now.isoformat()}|{report.comment}".encode()
        ).hexdigest()
        final.save(update_fields=["signature"])
        copy_manual(report, final)
        audit.record(
            actor=actor,
            action="assessment.report_finalised",
            obj=final,
            after={
                "version": final.version,
                "signature": final.signature,
                "total": str(final.total),
            },
        )
        notify_after_commit(
            unit_organisations(final),
            message(
                gettext_noop("The assessment report %(title)s is final."),
                title=title_message(final),
            ),
            reverse("assessment:report", args=[final.pk]),
        )
        from reporting.assessment.tasks import render_report_task

        transaction.on_commit(lambda: render_report_task.delay(final.pk))
    return final


def publish(*, actor: Any, report: AssessmentReport) -> None:
    """Publish the summary (unit, period, total, rank) of a final report."""
    if not selectors.is_assessing_office(actor, report):
        raise PermissionDenied
    if not report.is_final:
        raise AssessmentError(_("Only a final report's summary may be published."))
    if report.published_at:
        return
    AssessmentReport.objects.filter(pk=report.pk).update(published_at=timezone.now())
    audit.record(actor=actor, action="assessment.summary_published", obj=report)
