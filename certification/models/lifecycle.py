"""A certificate's life after the announcement: its events (suspension,
reinstatement, downgrading, revocation, expiry, renewal) and the annual
self-assessments due in each year of validity (certification/lifecycle/rules.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certification.models.publicity import AnnouncementBatch, Certificate, RevocationReason
from portal.fields import BoundedTextField


class CertificateEvent(models.Model):
    """Append-only history of a certificate's status and grade."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        DOWNGRADED = "downgraded", _("Downgraded")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        RENEWED = "renewed", _("Renewed")
        FLAGGED = "flagged", _("Flagged for revocation review")
        KEPT = "kept", _("Revocation review closed: certificate kept")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    from_tier = models.CharField(max_length=5, blank=True)
    to_tier = models.CharField(max_length=5, blank=True)
    reason = models.CharField(max_length=20, blank=True, choices=RevocationReason.choices)
    note = BoundedTextField(max_length=4000, blank=True)
    # A revocation is published in a revocation announcement.
    announcement = models.ForeignKey(
        AnnouncementBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revocations",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # None: the scheduler
    created_at = models.DateTimeField(auto_now_add=True)

    # Not columns: set by the views on the rows they show (for their templates).
    from_tier_label: str
    to_tier_label: str

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.action}"


class AnnualSelfAssessment(models.Model):
    """The self-assessment due in one year of a certificate's validity
    (year 1 is the first year after the announcement)."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="annual_assessments"
    )
    year = models.PositiveSmallIntegerField(_("year of validity"))
    due_on = models.DateField(_("due"))
    assessment = models.ForeignKey(
        "reviews.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    # Recorded once when the due date passes without a submission (warning list).
    overdue_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["certificate", "year"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "year"], name="annual_assessment_unique")
        ]
        indexes = [
            # The overdue years not submitted (few): the worklist starts from them.
            models.Index(
                fields=["certificate", "due_on"],
                condition=models.Q(overdue_recorded_at__isnull=False, submitted_at__isnull=True),
                name="annual_overdue_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} year {self.year}"
