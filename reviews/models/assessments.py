"""Assessments: one row per criterion of the exact standard version used."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from enterprises.name_copy import EnterpriseNameCopy
from enterprises.place_copy import EnterprisePlace
from portal import scoping
from portal.fields import BoundedTextField
from portal.models import StoredFile
from reviews.models.standards import Criterion, StandardVersion


class Result(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant (符合)")
    PARTIAL = "partial", _("Partly compliant (部分符合)")
    NON_COMPLIANT = "non_compliant", _("Not compliant (不符合)")
    NOT_APPLICABLE = "na", _("Not applicable (不适用)")


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def visible_to(self, user) -> AssessmentQuerySet:
        return scoping.apply(self, user)


class Assessment(EnterprisePlace, EnterpriseNameCopy):
    class Kind(models.TextChoices):
        SELF = "self", _("Self-assessment")
        # The review unit's on-site scores (certification/onsite/rules.py): reached
        # only through the application, never through the assessment pages.
        REVIEW = "review", _("On-site review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("enterprise"),
    )
    version = models.ForeignKey(
        StandardVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("standard version"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SELF)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    team_leader = models.CharField(_("team leader"), max_length=50, blank=True)
    team_members = BoundedTextField(
        _("team members"), max_length=2000, blank=True, help_text=_("One name and post per line.")
    )
    # Declared deaths in production-safety accidents in the year before; feeds
    # the accident-record gate of the scoring (domain.md §3.4).
    deaths_last_year = models.PositiveSmallIntegerField(_("deaths in the last year"), default=0)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Score at submission, from the scoring function, kept for lists and reports.
    submitted_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    submitted_grade = models.CharField(max_length=5, blank=True)

    objects = AssessmentQuerySet.as_manager()

    # Not columns: set by the views on the rows they show (for their templates).
    shown_score: Decimal | None
    shown_grade: str

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            models.Index(fields=["enterprise", "-created_at"], name="assessment_enterprise_idx"),
            # A district's, street's or regulator's list, newest first, and its count, on
            # the row's copy of the enterprise's place (enterprises/place_copy.py).
            models.Index(fields=["region", "kind", "status", "id"], name="assessment_region_idx"),
            models.Index(fields=["street", "kind", "status", "id"], name="assessment_street_idx"),
            models.Index(
                fields=["enterprise_industry", "kind", "status", "id"],
                name="assessment_industry_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.version}"

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT


class AssessmentRow(models.Model):
    # No index of its own: row_unique (assessment, criterion) serves every
    # lookup by assessment, and a second index on 10 million rows only costs writes.
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=15, choices=Result.choices, blank=True)
    deduction = models.DecimalField(_("deduction"), max_digits=6, decimal_places=1, default=0)
    # Itemised: occurrences × the criterion's unit; ``deduction`` keeps the capped total.
    occurrences = models.PositiveSmallIntegerField(_("occurrences"), null=True, blank=True)
    # 追加扣除情形成立: the finding that takes a ``condition`` extra deduction.
    extra_condition = models.BooleanField(_("extra deduction condition found"), default=False)
    na_reason = BoundedTextField(_("reason it does not apply"), max_length=2000, blank=True)
    notes = BoundedTextField(_("notes"), max_length=4000, blank=True)
    # Optimistic concurrency: a save names the revision it started from.
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The reviewers' sheet only: a row copied from the self-assessment is unconfirmed
    # until a reviewer saves or confirms it on site (certification/onsite/confirmation.py).
    confirmed_at = models.DateTimeField(_("checked on site"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Not columns: set by the answer sheets' views on the rows they show (for their
    # templates: reviews/views/rendering.py, certification/onsite/views.py).
    rid: str
    shown: dict[str, Any]
    points_text: str
    buttons: str
    deduct_label: str
    occurrences_label: str
    has_condition: bool
    extra_help: str
    differs: bool
    self_answer: dict[str, Any] | None
    deduction_text: str

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="row_unique"),
            models.CheckConstraint(condition=models.Q(deduction__gte=0), name="deduction_gte0"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion_id}"


def evidence_path(instance: Evidence, filename: str) -> str:
    row = instance.row
    return f"evidence/{row.assessment.enterprise_id}/{row.assessment_id}/{instance.sha256}"


class Evidence(StoredFile):
    """An uploaded file; re-uploading a file of the same name adds a version."""

    row = models.ForeignKey(AssessmentRow, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    file_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["original_name", "-file_version"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.file_version})"
