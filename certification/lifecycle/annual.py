"""Annual self-assessments reach the grading authority, which acknowledges
each one once (domain.md §4.1: "形成自评报告报送审核公告部门"). The daily run
(certification/lifecycle/daily.py) delivers them; the authority acknowledges on
the certificate page or through the API."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certification.lifecycle.rules import _check_authority, _conflict, _when
from certification.models import AnnualSelfAssessment, Certificate
from portal import audit
from portal.notify import message, notify_after_commit


def grading_authority_id(certificate: Certificate) -> int:
    """The organisation an annual self-assessment is delivered to: the
    application's grading authority when it has one, else the organisation
    that announced the certificate."""
    authority_id = getattr(certificate.application, "authority_id", None)
    return authority_id or certificate.announcement.organiser_id


@transaction.atomic
def annual_acknowledge(*, actor, row: AnnualSelfAssessment) -> AnnualSelfAssessment:
    """The grading authority acknowledges a delivered self-assessment, once."""
    row = (
        AnnualSelfAssessment.objects.select_for_update(of=("self",))
        .select_related("certificate__announcement", "certificate__enterprise")
        .get(pk=row.pk)
    )
    certificate = row.certificate
    _check_authority(actor, certificate)
    if row.submitted_at is None:
        raise _conflict(_("This self-assessment has not been delivered yet."))
    if row.acknowledged_at is not None:
        raise _conflict(
            _("This self-assessment was acknowledged on %(date)s.")
            % {"date": _when(row.acknowledged_at)}
        )
    row.acknowledged_at = timezone.now()
    row.acknowledged_by = actor
    row.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(
        actor=actor,
        action="certificate.annual.acknowledged",
        obj=certificate,
        after={"year": row.year, "kind": row.kind, "assessment": row.assessment_id},
    )
    text = message(
        gettext_noop(
            "Certificate %(number)s (%(enterprise)s): the grading authority acknowledged "
            "the self-assessment due on %(due)s."
        ),
        number=certificate.number,
        enterprise=certificate.enterprise.name,
        due=row.due_on.isoformat(),
    )
    notify_after_commit(
        [certificate.enterprise.account_id],
        text,
        reverse("certification:lifecycle_certificate", args=[certificate.pk]),
    )
    return row
