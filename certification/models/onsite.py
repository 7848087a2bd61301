"""The on-site review (现场评审): the review unit's scoring, its findings,
the rectification it asks for, and its report.

The reviewers score on an Assessment of kind "review" whose rows start from
the enterprise's self-assessment; the one scoring function scores it like any
other assessment (reviews/scoring.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certification.models.applications import Application
from certification.models.assignments import AssignmentMember
from portal.fields import BoundedTextField
from portal.models import StoredFile
from reviews.models import Assessment, Criterion


class OnSiteReview(models.Model):
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="onsite")
    # kind=review; made when the review starts, a copy of the self-assessment's answers.
    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="onsite", verbose_name=_("review scores")
    )
    started_at = models.DateTimeField(auto_now_add=True)
    # The report.
    summary = BoundedTextField(_("summary of the review"), max_length=20000, blank=True)
    technical_head = models.CharField(
        _("technical head of the review unit"), max_length=50, blank=True
    )
    proposed_tier = models.CharField(_("proposed grade"), max_length=5, blank=True)
    score = models.DecimalField(
        _("review score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    # Rectification: what the unit asked for, by when, and the review's
    # working days left when the clock stopped.
    rectification_deadline = models.DateField(_("rectify by"), null=True, blank=True)
    review_days_left = models.PositiveSmallIntegerField(null=True, blank=True)
    rectification_note = BoundedTextField(_("what was rectified"), max_length=10000, blank=True)

    class Meta:
        verbose_name = _("on-site review")
        verbose_name_plural = _("on-site reviews")

    def __str__(self) -> str:
        return f"{self.application}"


class Finding(models.Model):
    """One item of the veto and deduction list (否决项与扣分项清单)."""

    class Kind(models.TextChoices):
        VETO = "veto", _("Veto item")
        DEDUCTION = "deduction", _("Deduction")
        SUGGESTION = "suggestion", _("Suggestion")

    review = models.ForeignKey(OnSiteReview, on_delete=models.CASCADE, related_name="findings")
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("criterion"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = BoundedTextField(_("finding"), max_length=4000)
    must_rectify = models.BooleanField(_("must be rectified"), default=True)
    rectified = models.BooleanField(_("rectified"), default=False)
    # The hazard the review unit recorded from this finding in the enterprise's ledger
    # (hazards.Hazard, kept by id and number: certification does not import hazards).
    ledger_hazard_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    ledger_hazard_number = models.CharField(max_length=40, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.text[:50]


def _review_file_path(instance, filename: str) -> str:
    return f"onsite/{instance.review_id}/{instance.sha256}"


class ReviewFile(StoredFile):
    """A photo of a finding (taken by the reviewers) or a file of the
    enterprise's rectification evidence."""

    class Purpose(models.TextChoices):
        FINDING_PHOTO = "finding_photo", _("Photo of a finding")
        RECTIFICATION = "rectification", _("Rectification evidence")

    review = models.ForeignKey(OnSiteReview, on_delete=models.CASCADE, related_name="files")
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    purpose = models.CharField(max_length=15, choices=Purpose.choices)
    file = models.FileField(upload_to=_review_file_path, max_length=300)

    class Meta:
        ordering = ["uploaded_at", "id"]


class ReportSignoff(models.Model):
    """A team member's signature on the report, with the training-certificate
    number it was signed under (domain.md §4.2)."""

    review = models.ForeignKey(OnSiteReview, on_delete=models.CASCADE, related_name="signoffs")
    member = models.ForeignKey(AssignmentMember, on_delete=models.PROTECT, related_name="+")
    certificate_no = models.CharField(max_length=40)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "member"], name="signoff_unique")]

    def __str__(self) -> str:
        return f"{self.member} signed {self.review_id}"
