"""Inspection plans and records (排查计划与检查记录): what the enterprise checks, how
often and against which checklist, and each inspection's per-item results. Every
"隐患" result opens a ledger row (InspectionResult.hazard)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from hazards.models.catalogue import CatalogueItem, CatalogueVersion
from hazards.models.ledger import Hazard
from portal import scoping
from portal.fields import BoundedTextField
from portal.models.files import StoredFile


class InspectionKind(models.TextChoices):
    DAILY = "daily", _("Routine (日常)")
    COMPREHENSIVE = "comprehensive", _("Comprehensive (综合)")
    SPECIAL = "special", _("Special (专项)")
    SEASONAL = "seasonal", _("Seasonal (季节性)")
    HOLIDAY = "holiday", _("Holiday (节假日)")
    PRINCIPAL_LED = "principal_led", _("Led by the principal (主要负责人带队)")


class InspectionPlanQuerySet(models.QuerySet["InspectionPlan"]):
    def visible_to(self, user) -> InspectionPlanQuerySet:
        return scoping.apply(self, user)


class InspectionPlan(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")
        ONCE = "once", _("Once")

    class Checklist(models.TextChoices):
        STANDARD = "standard", _("The enterprise's standardization standard")
        CATALOGUE = "catalogue", _("A major-hazard catalogue")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="inspection_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    scope = BoundedTextField(_("scope (sites, departments, equipment)"), max_length=2000)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    checklist = models.CharField(_("checklist"), max_length=20, choices=Checklist.choices)
    # A standard version pinned when the plan is made ("the same standards drive
    # 自查自报"): all its criteria, or those chosen.
    standard_version = models.ForeignKey(
        "reviews.StandardVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("standard version"),
    )
    criteria = models.ManyToManyField("reviews.Criterion", blank=True, related_name="+")
    catalogue_version = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catalogue version"),
    )
    catalogue_items = models.ManyToManyField(CatalogueItem, blank=True, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inspection plan")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(checklist="standard", standard_version__isnull=False)
                    | models.Q(checklist="catalogue", catalogue_version__isnull=False)
                ),
                name="inspection_plan_has_checklist",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InspectionRecordQuerySet(models.QuerySet["InspectionRecord"]):
    def visible_to(self, user) -> InspectionRecordQuerySet:
        return scoping.apply(self, user)


class InspectionRecord(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being recorded")
        COMPLETED = "completed", _("Completed")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="records")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="inspection_records"
    )
    # Copied from the plan; kept so that counts by kind do not move if the plan does.
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    # True when the leader is the enterprise's principal (主要负责人: its account's
    # organisation admin, as in the ledger's workflow); a principal-led plan's
    # records must be led by the principal, so they always count here.
    principal_led = models.BooleanField(_("led by the principal"), default=False)
    inspected_on = models.DateField(_("inspected on"))
    # One of the enterprise account's users; always among the participants.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("led by"),
    )
    notes = BoundedTextField(_("notes"), max_length=4000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InspectionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("inspection record")
        indexes = [
            models.Index(fields=["enterprise", "inspected_on"], name="inspection_ent_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.inspected_on}"


class InspectionParticipant(models.Model):
    """A person who took part; each confirms their participation (签字)."""

    record = models.ForeignKey(
        InspectionRecord, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "user"], name="inspection_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.user_id}"


class InspectionResult(models.Model):
    class Outcome(models.TextChoices):
        CONFORMS = "conforms", _("Conforms (符合)")
        HAZARD = "hazard", _("Hazard (隐患)")
        NOT_APPLICABLE = "na", _("Not applicable (不适用)")

    record = models.ForeignKey(InspectionRecord, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(
        "reviews.Criterion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Blank until answered: the rows are made when the inspection starts, so the
    # checklist stays as it was then whatever happens to the plan.
    outcome = models.CharField(
        _("result"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    # For a "隐患" result, the hazard's description.
    note = BoundedTextField(_("note"), max_length=2000, blank=True)
    # What the ledger row of a "隐患" result is recorded with besides the note.
    location = models.CharField(_("location or equipment"), max_length=200, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Hazard.Category.choices, blank=True
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # The ledger row a "隐患" result opened.
    hazard = models.OneToOneField(
        Hazard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_result",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(criterion__isnull=False, catalogue_item__isnull=True)
                    | models.Q(criterion__isnull=True, catalogue_item__isnull=False)
                ),
                name="inspection_result_one_item",
            ),
            models.UniqueConstraint(
                fields=["record", "criterion"],
                condition=models.Q(criterion__isnull=False),
                name="inspection_result_criterion_once",
            ),
            models.UniqueConstraint(
                fields=["record", "catalogue_item"],
                condition=models.Q(catalogue_item__isnull=False),
                name="inspection_result_item_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.outcome}"


def inspection_photo_path(instance: InspectionPhoto, filename: str) -> str:
    return f"inspections/{instance.record_id}/{filename}"


class InspectionPhoto(StoredFile):
    record = models.ForeignKey(InspectionRecord, on_delete=models.CASCADE, related_name="photos")
    result = models.ForeignKey(
        InspectionResult, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(upload_to=inspection_photo_path, max_length=300)
