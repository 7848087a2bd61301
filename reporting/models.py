"""Targets (目标) of the standardization drive: who must reach which grade by when
(reporting/targets/). Progress is counted live from enterprises and certificates."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Industry, Region

RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Target(models.Model):
    class Grade(models.TextChoices):
        # Any of 一/二/三级.
        LEVEL_3 = "level_3", _("Level 3 or better")
        # The small-and-micro post standard tier, or any grade above it.
        POST = "post", _("Post standard (岗位达标) or better")

    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    # Empty: every industry, scale or district.
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="+", verbose_name=_("industries")
    )
    scales = models.JSONField(_("scales"), default=list, blank=True)
    regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("districts")
    )
    required_grade = models.CharField(_("required grade"), max_length=10, choices=Grade.choices)
    deadline = models.DateField(_("deadline"))
    rate = models.DecimalField(
        _("target rate (%)"), max_digits=5, decimal_places=2, validators=RATE_VALIDATORS
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return self.title


class TargetAllocation(models.Model):
    """A district's own rate for a target (defaults to the target's rate)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="allocations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(max_digits=5, decimal_places=2, validators=RATE_VALIDATORS)

    class Meta:
        ordering = ["region_id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "region"], name="target_allocation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.rate}"


class TargetStage(models.Model):
    """An intermediate goal: the rate to reach by a date."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="stages")
    due_on = models.DateField(_("due"))
    rate = models.DecimalField(max_digits=5, decimal_places=2, validators=RATE_VALIDATORS)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["target", "due_on"], name="target_stage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.rate}"
