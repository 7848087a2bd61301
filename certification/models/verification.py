"""Verification (复核) by the organising unit: batches of reported
applications and their spot checks, drawn at random for one third of each
batch (domain.md §4.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certification.models.applications import Application
from certification.titles import shown_title
from portal.fields import BoundedTextField
from portal.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from certification.models.onsite import OnSiteReview


class VerificationBatch(models.Model):
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organising unit")
    )
    name = models.CharField(_("name"), max_length=100)
    # The draw: a random seed kept with the batch so anyone can repeat it
    # (certification/verification/rules.py says how the seed picks the items).
    seed = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    # A failed spot check reopens the batch: every item is checked again.
    reopened_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("verification batch")
        verbose_name_plural = _("verification batches")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return shown_title(self.name)


class SpotCheck(models.Model):
    """One application of a batch; ``required`` when the draw (or a reopening,
    or a re-examination of the review unit) calls for an on-site re-check."""

    class Result(models.TextChoices):
        PENDING = "pending", _("To be checked")
        PASSED = "passed", _("Passed")
        FAILED = "failed", pgettext_lazy("spot check", "Failed")

    class Reason(models.TextChoices):
        DRAWN = "drawn", _("Drawn at random")
        REOPENED = "reopened", _("Batch reopened after a failed check")
        UNIT_REEXAMINED = "unit", _("Review unit's reports re-examined")

    batch = models.ForeignKey(
        VerificationBatch, on_delete=models.CASCADE, related_name="checks", null=True, blank=True
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="spot_checks"
    )
    # The review unit whose report is checked (failures count against it).
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="spot_checks")
    required = models.BooleanField(default=False)
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    result = models.CharField(
        pgettext_lazy("spot check", "result"),
        max_length=10,
        choices=Result.choices,
        default=Result.PENDING,
    )
    notes = BoundedTextField(_("notes"), max_length=4000, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    # Not columns: set by the views on the rows they show (for their templates).
    onsite: OnSiteReview | None
    proposed_display: StrOrPromise

    class Meta:
        ordering = ["batch", "application_id"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        indexes = [models.Index(fields=["unit", "result"], name="spotcheck_unit_idx")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.result}"
