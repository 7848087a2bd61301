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


class MetricSnapshot(models.Model):
    """The figures of one scope, one row of one dimension and one period
    (reporting/snapshots/). The open period's row is rewritten each night with that
    day's figures; once the period has ended it is frozen and never recomputed, so
    trends and the assessment reports read what was known at the period's end."""

    class ScopeKind(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street or town")
        REGULATOR = "regulator", _("Industry regulator")

    class PeriodKind(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    scope_kind = models.CharField(max_length=10, choices=ScopeKind.choices)
    # "" for the city, the region or street code, or the regulator organisation's id.
    scope_key = models.CharField(max_length=32, blank=True)
    # "" for the scope's total row; otherwise grade, industry, scale or street.
    dimension = models.CharField(max_length=12, blank=True)
    key = models.CharField(max_length=32, blank=True)
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    # 2026-12-06, 2026-12, 2026-Q4 or 2026.
    period_code = models.CharField(max_length=10)
    # The day the figures were counted for (the period's last day once frozen).
    as_of = models.DateField()
    frozen_at = models.DateTimeField(null=True, blank=True)
    # Metric name -> number.
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["scope_kind", "scope_key", "period_kind", "period_code", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "scope_kind",
                    "scope_key",
                    "dimension",
                    "key",
                    "period_kind",
                    "period_code",
                ],
                name="metric_snapshot_unique",
            )
        ]
        indexes = [
            # A trend: one scope's total row over the periods of one kind.
            models.Index(
                fields=["scope_kind", "scope_key", "period_kind", "dimension", "period_code"],
                name="metric_snapshot_trend_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope_kind}:{self.scope_key} {self.period_code} {self.dimension}={self.key}"


class Escalation(models.Model):
    """A worklist item overdue past ``WORKLIST_ESCALATION_DAYS`` that was reported to
    the next level up (street → district → city office). One row per item: the
    unique constraint is what makes an escalation happen once."""

    # The worklist the item is on (reporting/worklists/), e.g. "renewal_due".
    kind = models.CharField(max_length=40)
    # The record's model label and primary key (a certificate, application, hazard …).
    model = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    from_organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="+", null=True
    )
    to_organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    overdue_since = models.DateField()
    escalated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-escalated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "model", "object_id"], name="escalation_once")
        ]
        indexes = [
            models.Index(fields=["to_organisation", "-escalated_at"], name="escalation_inbox_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.model}#{self.object_id}"


from reporting.assessment.models import *  # noqa: E402,F403
from reporting.standing.models import *  # noqa: E402,F403
