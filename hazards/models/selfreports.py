"""Quarterly and annual self-reports (自查自报, 国家安全监管总局令第16号 第14条): the
statistics form an enterprise files for a period, pre-filled from its ledger,
signed by the principal and acknowledged by its street office (or district); and
the district → city quarterly table (第24条), frozen per quarter."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from portal import scoping
from portal.fields import BoundedTextField
from portal.models import Industry, Region, Street


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


# The form's figures, in the order the form shows them: pre-filled from the ledger
# and the inspection records, editable with a reason.
COUNT_FIGURES = (
    "inspections_daily",
    "inspections_comprehensive",
    "inspections_special",
    "inspections_seasonal",
    "inspections_holiday",
    "inspections_principal_led",
    "inspection_participants",
    "general_found",
    "general_rectified",
    "general_rectified_on_time",
    "general_open",
    "general_overdue",
    "major_carried_over",
    "major_new",
    "major_closed",
    "major_treating",
    "major_listed_city",
    "major_listed_district",
    "major_overdue",
    "suspensions",
)
FIGURES = (*COUNT_FIGURES, "funds")


class SelfReportQuerySet(models.QuerySet["SelfReport"]):
    def visible_to(self, user) -> SelfReportQuerySet:
        return scoping.apply(self, user)


class SelfReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted (已报)")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged (已签收)")
        RETURNED = "returned", _("Returned (退回)")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="self_reports"
    )
    # Where the enterprise was when the report was started (the period's statistics
    # do not move with the registry).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    # The month (1–12) or quarter (1–4); 0 for a year.
    period = models.PositiveSmallIntegerField(_("month or quarter"), default=0)
    due_on = models.DateField(_("due on"))
    # A correction is a new version; only the newest is current.
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = BoundedTextField(
        _("reason for the correction"), max_length=2000, blank=True
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    zero_report = models.BooleanField(_("zero report (零报告)"), default=False)

    inspections_daily = models.PositiveIntegerField(_("routine inspections"), default=0)
    inspections_comprehensive = models.PositiveIntegerField(
        _("comprehensive inspections"), default=0
    )
    inspections_special = models.PositiveIntegerField(_("special inspections"), default=0)
    inspections_seasonal = models.PositiveIntegerField(_("seasonal inspections"), default=0)
    inspections_holiday = models.PositiveIntegerField(_("holiday inspections"), default=0)
    inspections_principal_led = models.PositiveIntegerField(
        _("inspections led by the principal"), default=0
    )
    inspection_participants = models.PositiveIntegerField(
        _("participants (person-times)"), default=0
    )
    general_found = models.PositiveIntegerField(_("general hazards found"), default=0)
    general_rectified = models.PositiveIntegerField(_("general hazards rectified"), default=0)
    general_rectified_on_time = models.PositiveIntegerField(
        _("general hazards rectified in time"), default=0
    )
    general_open = models.PositiveIntegerField(_("general hazards still open"), default=0)
    general_overdue = models.PositiveIntegerField(_("general hazards overdue"), default=0)
    major_carried_over = models.PositiveIntegerField(_("major hazards carried over"), default=0)
    major_new = models.PositiveIntegerField(_("major hazards found"), default=0)
    major_closed = models.PositiveIntegerField(_("major hazards closed (销号)"), default=0)
    major_treating = models.PositiveIntegerField(_("major hazards in treatment"), default=0)
    major_listed_city = models.PositiveIntegerField(_("listed by the city"), default=0)
    major_listed_district = models.PositiveIntegerField(_("listed by the district"), default=0)
    major_overdue = models.PositiveIntegerField(_("major hazards overdue"), default=0)
    suspensions = models.PositiveIntegerField(_("suspensions of production"), default=0)
    funds = models.DecimalField(
        _("funds spent (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    # The ledger's figures when the form was pre-filled; a figure that differs needs
    # ``adjustment_reason``.
    prefilled = models.JSONField(default=dict, blank=True)
    adjustment_reason = BoundedTextField(
        _("reason for changed figures"), max_length=2000, blank=True
    )

    analysis = BoundedTextField(_("analysis"), max_length=4000, blank=True)
    next_measures = BoundedTextField(_("measures for the next period"), max_length=4000, blank=True)
    filled_by = models.CharField(_("filled in by"), max_length=50, blank=True)
    # Standardization section.
    standardization_grade = models.CharField(_("standardization grade"), max_length=40, blank=True)
    self_assessment_score = models.DecimalField(
        _("last self-assessment score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    annual_self_assessment_done = models.BooleanField(
        _("annual self-assessment done"), default=False
    )

    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Filed after due_on (迟报); set on submission.
    late = models.BooleanField(default=False)
    # The street office, or the district where there is none.
    receiver = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    return_reason = BoundedTextField(_("reason for returning"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SelfReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-period", "-pk"]
        verbose_name = _("self-report")
        indexes = [
            # A district's filing status: its period's current forms only (they follow
            # their enterprise, hazards/registry_sync.py), index-only, counted per street.
            models.Index(
                fields=["region", "period_kind", "year", "period", "enterprise"],
                include=["id", "status", "late", "zero_report", "street"],
                condition=models.Q(is_current=True),
                name="selfreport_region_ent_idx",
            ),
            models.Index(
                fields=["street", "period_kind", "year", "period"],
                condition=models.Q(is_current=True),
                name="selfreport_street_period_idx",
            ),
            # The filing status joins the enterprises in scope to the period's current
            # forms: an index-only scan of that period.
            models.Index(
                fields=["period_kind", "year", "period", "enterprise"],
                include=["id", "status", "late", "zero_report"],
                condition=models.Q(is_current=True),
                name="selfreport_period_ent_idx",
            ),
            # The list of current forms in its order (newest period first), for the
            # city office and, on the form's own place, for a district
            # (selectors.current_reports_visible_to).
            models.Index(
                fields=["-year", "-period", "-id"],
                condition=models.Q(is_current=True),
                name="selfreport_current_list_idx",
            ),
            models.Index(
                fields=["region", "-year", "-period", "-id"],
                condition=models.Q(is_current=True),
                name="selfreport_region_list_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period_kind", "year", "period"],
                condition=models.Q(is_current=True),
                name="selfreport_one_current_per_period",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "period_kind", "year", "period", "version"],
                name="selfreport_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}-{self.period_kind}{self.period} v{self.version}"


class ReportingRule(models.Model):
    """A district's own reporting rule: it may require monthly reports."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="reporting_rule")
    monthly = models.BooleanField(_("monthly self-reports required"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.region_id} monthly={self.monthly}"


class SelfReportReminder(models.Model):
    """A reminder sent for one enterprise, period and lead time: sent once."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    period_key = models.CharField(max_length=20)  # e.g. 2026-Q3, 2026-Y, 2026-M07
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period_key", "days_before"], name="selfreport_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period_key} -{self.days_before}"


class QuarterlyTableQuerySet(models.QuerySet["QuarterlyTable"]):
    def visible_to(self, user) -> QuarterlyTableQuerySet:
        return scoping.apply(self, user)


class QuarterlyTable(models.Model):
    """第24条: a district's quarterly table for the city, per industry and street,
    generated from the ledger by a Celery job and frozen once generated."""

    class Status(models.TextChoices):
        GENERATING = "generating", _("Being generated")
        FROZEN = "frozen", _("Frozen")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GENERATING)
    generated_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = QuarterlyTableQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "quarter"], name="quarterly_table_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}Q{self.quarter}"


TABLE_FIGURES = (
    "major_carried_over",
    "major_new",
    "major_closed",
    "major_treating",
    "major_listed_city",
    "major_listed_district",
    "major_overdue",
    "general_found",
    "general_rectified",
    "general_rectified_on_time",
    "reports_due",
    "reports_filed",
    "reports_on_time",
)


class QuarterlyTableRow(models.Model):
    """One industry × street line of the table (null: not given)."""

    table = models.ForeignKey(QuarterlyTable, on_delete=models.CASCADE, related_name="rows")
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    major_carried_over = models.PositiveIntegerField(default=0)
    major_new = models.PositiveIntegerField(default=0)
    major_closed = models.PositiveIntegerField(default=0)
    major_treating = models.PositiveIntegerField(default=0)
    major_listed_city = models.PositiveIntegerField(default=0)
    major_listed_district = models.PositiveIntegerField(default=0)
    major_overdue = models.PositiveIntegerField(default=0)
    general_found = models.PositiveIntegerField(default=0)
    general_rectified = models.PositiveIntegerField(default=0)
    general_rectified_on_time = models.PositiveIntegerField(default=0)
    reports_due = models.PositiveIntegerField(default=0)
    reports_filed = models.PositiveIntegerField(default=0)
    reports_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.table_id} {self.industry_id} {self.street_id}"
