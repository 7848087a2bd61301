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
    (year 1 is the first year after the announcement), or the extra one a
    fatal accident calls for (kind "accident", year 0)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual")
        # "发生死亡事故后应重新进行评定" (domain.md §4.1, [C] wkfff/ssms).
        ACCIDENT = "accident", _("After a fatal accident")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="annual_assessments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ANNUAL)
    # The fatal accident an extra self-assessment answers.
    accident = models.ForeignKey(
        "enterprises.Accident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
    # The report goes to the grading authority, which acknowledges it (domain.md
    # §4.1: "形成自评报告报送审核公告部门").
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["certificate", "year", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "year"],
                condition=models.Q(kind="annual"),
                name="annual_assessment_unique",
            ),
            models.UniqueConstraint(
                fields=["certificate", "accident"],
                condition=models.Q(kind="accident"),
                name="accident_assessment_unique",
            ),
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
