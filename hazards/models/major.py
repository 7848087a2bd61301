"""A major hazard's report (国家安全监管总局令第16号 第14条), its treatment plan (第15条)
and listed supervision (挂牌督办) by a district or the city, with the enterprise's
progress reports, the evaluation, the application to close and the officials'
on-site review (核销 or 责令改正)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hazards.models.ledger import Hazard
from portal import scoping
from portal.fields import BoundedTextField
from portal.models.files import StoredFile


class Suspension(models.TextChoices):
    FULL = "full", _("Full suspension (全部停产停业)")
    PARTIAL = "partial", _("Partial suspension (局部停产停业)")
    NONE = "none", _("No suspension (无)")


class MajorHazardReport(models.Model):
    """第14条: what the enterprise reports to the district and the regulators. The
    discovery, location, 判定依据 and interim measures are the hazard's own. Blank
    parts are a draft's; submitting needs all three."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="major_report")
    current_state_and_causes = BoundedTextField(
        _("current state and causes (现状及产生原因)"), max_length=4000, blank=True
    )
    harm_and_difficulty = BoundedTextField(
        _("harm and difficulty of rectification (危害程度和整改难易程度分析)"),
        max_length=4000,
        blank=True,
    )
    treatment_outline = BoundedTextField(
        _("treatment plan (治理方案)"), max_length=4000, blank=True
    )
    suspension = models.CharField(
        _("suspension"), max_length=10, choices=Suspension.choices, default=Suspension.NONE
    )
    workers_congress_on = models.DateField(
        _("reported to the workers' congress on"), null=True, blank=True
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("major hazard report")

    def __str__(self) -> str:
        return f"{self.hazard_id}"


class ReportReceipt(models.Model):
    """The report sent to one office (the district, a regulator), and its
    acknowledgement of receipt."""

    report = models.ForeignKey(MajorHazardReport, on_delete=models.CASCADE, related_name="receipts")
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "organisation"], name="report_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.organisation_id}"


class TreatmentPlan(models.Model):
    """第15条: the six parts, all required for the principal's approval (a draft
    may leave some blank)."""

    SIX_PARTS = (
        "goals_and_tasks",
        "methods_and_measures",
        "funds_and_materials",
        "organisation_and_people",
        "timeline_and_requirements",
        "safety_and_emergency",
    )

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="treatment_plan")
    goals_and_tasks = BoundedTextField(
        _("goals and tasks (治理的目标和任务)"), max_length=4000, blank=True
    )
    methods_and_measures = BoundedTextField(
        _("methods and measures (采取的方法和措施)"), max_length=4000, blank=True
    )
    funds_and_materials = BoundedTextField(
        _("funds and materials (经费和物资的落实)"), max_length=4000, blank=True
    )
    organisation_and_people = BoundedTextField(
        _("responsible organisation and people (负责治理的机构和人员)"), max_length=4000, blank=True
    )
    timeline_and_requirements = BoundedTextField(
        _("time limit and requirements (治理的时限和要求)"), max_length=4000, blank=True
    )
    safety_and_emergency = BoundedTextField(
        _("safety measures and emergency plan (安全措施和应急预案)"), max_length=4000, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("treatment plan")

    def __str__(self) -> str:
        return f"{self.hazard_id}"


class ListingQuerySet(models.QuerySet["SupervisionListing"]):
    def visible_to(self, user) -> ListingQuerySet:
        return scoping.apply(self, user)


class SupervisionListing(models.Model):
    """挂牌督办: a major hazard listed by a district government or the city office."""

    class Level(models.TextChoices):
        CITY = "city", _("City (市级)")
        DISTRICT = "district", _("District (区级)")

    class Status(models.TextChoices):
        LISTED = "listed", _("Under supervision (督办中)")
        CLOSE_APPLIED = "close_applied", _("Application to close under review (申请销号)")
        CORRECTION_ORDERED = "correction_ordered", _("Correction ordered (责令改正)")
        CLOSED = "closed", _("Closed (已核销)")

    number = models.CharField(_("number"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    issuer = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    hazard = models.OneToOneField(Hazard, on_delete=models.PROTECT, related_name="listing")
    listed_on = models.DateField(_("listed on"))
    deadline = models.DateField(_("deadline"))
    suspension = models.CharField(_("suspension"), max_length=10, choices=Suspension.choices)
    requirements = BoundedTextField(_("requirements"), max_length=4000)
    # How often the enterprise reports its progress, in days.
    progress_interval_days = models.PositiveSmallIntegerField(
        _("progress report every (days)"), default=15
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LISTED)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_on", "-pk"]
        verbose_name = _("listed supervision")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("listed_on")),
                name="listing_deadline_not_before_listed",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ListingProgress(models.Model):
    listing = models.ForeignKey(
        SupervisionListing, on_delete=models.CASCADE, related_name="progress_reports"
    )
    reported_on = models.DateField(_("reported on"))
    text = BoundedTextField(_("progress"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.reported_on}"


class ListingEvaluation(models.Model):
    """The evaluation after treatment: by the enterprise's own experts or an
    evaluation body (安全评价机构)."""

    class By(models.TextChoices):
        OWN_EXPERTS = "own_experts", _("The enterprise's own experts")
        EVALUATION_BODY = "evaluation_body", _("A safety evaluation body")

    listing = models.ForeignKey(
        SupervisionListing, on_delete=models.CASCADE, related_name="evaluations"
    )
    by = models.CharField(_("evaluated by"), max_length=20, choices=By.choices)
    body_name = models.CharField(_("name of the body or experts"), max_length=200)
    conclusion = BoundedTextField(_("conclusion"), max_length=4000)
    evaluated_on = models.DateField(_("evaluated on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.evaluated_on}"


def evaluation_file_path(instance: EvaluationFile, filename: str) -> str:
    return f"listings/{instance.evaluation.listing_id}/{filename}"


class EvaluationFile(StoredFile):
    evaluation = models.ForeignKey(
        ListingEvaluation, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=evaluation_file_path, max_length=300)


class CloseApplication(models.Model):
    """The enterprise's written application to close a listing, and the officials'
    on-site review of it (within settings.LISTING_REVIEW_DAYS days)."""

    class Verdict(models.TextChoices):
        CLOSED = "closed", _("Closed, resumption approved (核销)")
        CORRECTION = "correction", _("Correction ordered (责令改正)")

    listing = models.ForeignKey(
        SupervisionListing, on_delete=models.CASCADE, related_name="close_applications"
    )
    text = BoundedTextField(_("application"), max_length=4000)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(auto_now_add=True)
    review_due = models.DateField(_("review due by"))
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    opinion = BoundedTextField(_("opinion"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the review was recorded: after 责令改正 only an evaluation recorded
    # later lets the enterprise apply again.
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.applied_at:%Y-%m-%d}"
