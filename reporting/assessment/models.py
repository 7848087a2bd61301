"""District assessment (考核) of standardization work (reporting/assessment/).

A ``Scheme`` is the assessing office's indicator set for one year and level: the
city office assesses the districts and the city's industry departments (level
``city``), a district its streets and its own departments (level ``district``; a
district department is a regulator organisation whose ``region`` is the district). Its ``Indicator`` rows are computed from
the frozen metric snapshots or scored by hand with evidence. An
``AssessmentReport`` is one assessed unit's report for one period and version:
drafts come from the frozen snapshot, the unit comments or objects, the assessing
office finalises (a new, signed version that is never changed again) and may
publish a summary. ``ReportRun`` is one batch of reports with its progress,
``Bulletin`` the ranking bulletin (通报) of a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.fields import BoundedTextField
from portal.models import Region


class Scheme(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("City assesses districts and industry departments")
        DISTRICT = "district", _("District assesses its streets and departments")

    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    # The district issuing a district-level scheme; empty: the city's scheme, and for
    # the district level the one used by every district without a scheme of its own.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    # The shipped default: the portal's example, not an official scheme.
    is_example = models.BooleanField(_("example"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "level", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level", "region"], name="assessment_scheme_unique"
            ),
            models.UniqueConstraint(
                fields=["year", "level"],
                condition=models.Q(region__isnull=True),
                name="assessment_scheme_unique_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        COMPUTED = "computed", _("Computed from the snapshots")
        MANUAL = "manual", _("Scored by hand with evidence")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    # One of reports.SECTIONS: where the indicator is shown in the report.
    section = models.CharField(_("section"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A name of indicators.METRICS (computed indicators only).
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    # scoring.RULES: {"type": "linear", "zero": 60, "full": 100} or
    # {"type": "deduct", "per": 2}; empty for manual indicators.
    rule = models.JSONField(_("scoring rule"), default=dict, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="assessment_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.weight}"


class ReportRun(models.Model):
    """A batch of reports (every unit of one level for one period) with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    level = models.CharField(max_length=10, choices=Scheme.Level.choices)
    # The district whose streets are assessed (level district).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_kind = models.CharField(max_length=8)
    period_code = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = BoundedTextField(max_length=2000, blank=True)
    # Empty: started by Celery beat after the period closed.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When its message was last sent: a run still pending long after is queued again
    # (services.requeue_stalled_runs; a killed worker's message can be lost).
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.level} {self.period_code} {self.done}/{self.total}"


class AssessmentReport(models.Model):
    class UnitKind(models.TextChoices):
        DISTRICT = "district", _("District")
        REGULATOR = "regulator", _("Industry regulator")
        STREET = "street", _("Street or town")
        DEPARTMENT = "department", _("District department")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="reports")
    unit_kind = models.CharField(max_length=10, choices=UnitKind.choices)
    # The region or street code, or the regulator organisation's id (a city or a
    # district department).
    unit_key = models.CharField(max_length=32)
    unit_name = models.CharField(max_length=200)
    # The district of a district's, a street's or a district department's report
    # (scoping); empty for the city's departments.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_kind = models.CharField(max_length=8)
    period_code = models.CharField(max_length=10)
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    # What the report says: the snapshot figures, the tables and the scores (reports.build).
    data = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    total = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    rank_change = models.SmallIntegerField(null=True, blank=True)
    comment = BoundedTextField(_("comment"), max_length=4000, blank=True)
    objects_to_scores = models.BooleanField(_("objection"), default=False)
    commented_at = models.DateTimeField(null=True, blank=True)
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment_due = models.DateField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # SHA-256 of the final version's content, printed on it.
    signature = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="assessment/%Y/", blank=True)
    xlsx = models.FileField(upload_to="assessment/%Y/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_code", "unit_kind", "unit_key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_kind", "unit_key", "period_kind", "period_code", "version"],
                name="assessment_report_version",
            )
        ]
        indexes = [
            models.Index(
                fields=["period_kind", "period_code", "unit_kind"], name="assessment_report_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.period_code} v{self.version}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class ManualScore(models.Model):
    """The assessing office's score of a manual indicator for one draft, with evidence."""

    report = models.ForeignKey(
        AssessmentReport, on_delete=models.CASCADE, related_name="manual_scores"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="assessment/evidence/%Y/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="assessment_manual_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.score}"


class Bulletin(models.Model):
    """The ranking bulletin (通报) of a period: the city's of the districts, or a
    district's of its streets."""

    level = models.CharField(max_length=10, choices=Scheme.Level.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_kind = models.CharField(max_length=8)
    period_code = models.CharField(max_length=10)
    content_hash = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="assessment/bulletins/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_code", "level", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region", "period_kind", "period_code", "content_hash"],
                name="assessment_bulletin_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.region_id} {self.period_code}"


__all__ = ["AssessmentReport", "Bulletin", "Indicator", "ManualScore", "ReportRun", "Scheme"]
