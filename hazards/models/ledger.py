"""The hazard ledger (事故隐患信息档案, 国家安全监管总局令第16号): one row per hazard, its
timeline, deadline extensions and photos. The states and moves are declared in
hazards/workflow.py; only hazards/services.py changes ``status``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from hazards.models.catalogue import CatalogueItem
from portal import scoping
from portal.fields import BoundedTextField
from portal.models import Industry, Region, Street
from portal.models.files import StoredFile


class AccidentType(models.TextChoices):
    """The accident a hazard may lead to: the 20 classes of GB 6441-1986 《企业职工伤亡事故分类》."""

    STRUCK_BY_OBJECT = "struck_by_object", _("Struck by an object (物体打击)")
    VEHICLE = "vehicle", _("Vehicle injury (车辆伤害)")
    MACHINERY = "machinery", _("Machinery injury (机械伤害)")
    LIFTING = "lifting", _("Lifting injury (起重伤害)")
    ELECTROCUTION = "electrocution", _("Electric shock (触电)")
    DROWNING = "drowning", _("Drowning (淹溺)")
    BURN = "burn", _("Burn or scald (灼烫)")
    FIRE = "fire", _("Fire (火灾)")
    FALL = "fall", _("Fall from height (高处坠落)")
    COLLAPSE = "collapse", _("Collapse (坍塌)")
    ROOF_FALL = "roof_fall", _("Roof or rib fall (冒顶片帮)")
    FLOODING = "flooding", _("Water inrush (透水)")
    BLASTING = "blasting", _("Blasting (放炮)")
    EXPLOSIVES = "explosives", _("Explosives explosion (火药爆炸)")
    GAS_EXPLOSION = "gas_explosion", _("Gas explosion (瓦斯爆炸)")
    BOILER = "boiler", _("Boiler explosion (锅炉爆炸)")
    VESSEL = "vessel", _("Pressure vessel explosion (容器爆炸)")
    OTHER_EXPLOSION = "other_explosion", _("Other explosion (其它爆炸)")
    POISONING = "poisoning", _("Poisoning and asphyxiation (中毒和窒息)")
    OTHER = "other", _("Other injury (其它伤害)")


# Not closed (销号): the rows the partial indexes below hold.
OPEN = ~models.Q(status="closed")


class HazardQuerySet(models.QuerySet["Hazard"]):
    def visible_to(self, user) -> HazardQuerySet:
        return scoping.apply(self, user)


class Hazard(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-inspection (自查)")
        PRINCIPAL = "principal", _("Principal-led inspection (主要负责人带队)")
        SUPERIOR = "superior", _("Inspection by the superior unit (上级检查)")
        ENFORCEMENT = "enforcement", _("Government inspection (执法检查)")
        TIP_OFF = "tip_off", _("Tip-off (举报)")
        REVIEW = "review", _("Standardization review (评审发现)")

    class Grade(models.TextChoices):
        GENERAL = "general", _("General (一般)")
        MAJOR = "major", _("Major (重大)")

    class Category(models.TextChoices):
        MANAGEMENT = "management", _("Basic management (基础管理类)")
        SITE = "site", _("Site management (现场管理类)")

    class Status(models.TextChoices):
        # 一般事故隐患
        PENDING = "pending", _("To be rectified (待整改)")
        IN_PROGRESS = "in_progress", _("Being rectified (整改中)")
        AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Awaiting acceptance (待验收)")
        # 重大事故隐患
        REPORTED = "reported", _("Reported (已报告)")
        PLAN_APPROVED = "plan_approved", _("Plan approved (方案已批)")
        TREATING = "treating", _("Being treated (治理中)")
        EVALUATED = "evaluated", _("Evaluated (已评估)")
        # both
        CLOSED = "closed", _("Closed (已销号)")

    number = models.CharField(_("number"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("enterprise")
    )
    # Where and in which industry the enterprise was when the hazard was found, kept
    # with the row so that the period statistics do not move when the registry does.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The enterprise's district now, on every hazard, closed ones included: a district
    # sees every hazard of its enterprises, and reads them by this column instead of
    # joining the registry (hazards/registry_sync.py keeps it when an enterprise moves).
    enterprise_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    found_on = models.DateField(_("found on"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    location = models.CharField(_("location or equipment"), max_length=200)
    description = BoundedTextField(_("description"), max_length=4000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    specialty = models.CharField(_("specialty"), max_length=50, blank=True)
    # The clause or standard criterion the hazard breaches (free text, or the code of
    # ``criterion`` when it cites the enterprise's standard).
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    criterion = models.ForeignKey(
        "reviews.Criterion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    # 重大 needs the situation of the 判定标准 it meets.
    major_basis = models.ForeignKey(
        CatalogueItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("major-hazard basis (判定依据)"),
    )
    accident_type = models.CharField(
        _("possible accident"), max_length=20, choices=AccidentType.choices, blank=True
    )
    measures = BoundedTextField(_("rectification measures"), max_length=4000, blank=True)
    responsible_department = models.CharField(
        _("responsible department"), max_length=100, blank=True
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    funds = models.DecimalField(
        _("funds (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    deadline = models.DateField(_("deadline"))
    interim_measures = BoundedTextField(_("interim measures"), max_length=4000, blank=True)
    # Close-out.
    completed_on = models.DateField(_("rectification completed on"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acceptance_note = BoundedTextField(_("acceptance verdict"), max_length=2000, blank=True)
    closed_on = models.DateField(_("closed on (销号)"), null=True, blank=True)
    # The day the daily job flagged the enterprise's certificates because this major
    # hazard was still open past its deadline (hazards/standardization.py): once only.
    overdue_flagged_on = models.DateField(null=True, blank=True, editable=False)

    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        indexes = [
            models.Index(fields=["enterprise", "status"], name="hazard_enterprise_status_idx"),
            models.Index(fields=["region", "status", "deadline"], name="hazard_region_due_idx"),
            # The officials' lists and counts read open hazards only (a few percent of
            # the ledger) through the enterprise in scope: partial indexes on them.
            models.Index(fields=["-found_on", "-id"], condition=OPEN, name="hazard_open_found_idx"),
            # The ledger list of every hazard (newest first) in its order: a page walks
            # it and checks each row's enterprise, where without it PostgreSQL sorts
            # the whole scope (140,000 hazards of a district).
            models.Index(fields=["-found_on", "-id"], name="hazard_found_idx"),
            # A district's ledger (every hazard of its enterprises) in that order: its
            # pages and a search's capped count walk its own rows only.
            models.Index(
                fields=["enterprise_region", "-found_on", "-id"],
                name="hazard_ent_region_found_idx",
            ),
            # The list filtered by an open status, for the city office and a district.
            models.Index(
                fields=["status", "-found_on", "-id"],
                condition=OPEN,
                name="hazard_open_status_found_idx",
            ),
            models.Index(
                fields=["region", "status", "-found_on", "-id"],
                condition=OPEN,
                name="hazard_open_region_status_idx",
            ),
            models.Index(fields=["deadline", "id"], condition=OPEN, name="hazard_open_due_idx"),
            # The counts as an index-only scan joined to the enterprises in scope.
            models.Index(
                fields=["enterprise"],
                include=["id", "deadline", "grade"],
                condition=OPEN,
                name="hazard_open_enterprise_idx",
            ),
            models.Index(
                fields=["-found_on", "-id"],
                condition=OPEN & models.Q(grade="major"),
                name="hazard_open_major_idx",
            ),
            # Open hazards follow their enterprise (hazards/registry_sync.py), so the
            # officials' lists and counts of them scope on the row's own place: the
            # ledger list (newest first) and the worklists (soonest deadline first).
            models.Index(
                fields=["region", "-found_on", "-id"],
                include=["deadline", "grade"],
                condition=OPEN,
                name="hazard_open_region_found_idx",
            ),
            models.Index(
                fields=["region", "deadline", "id"],
                include=["grade"],
                condition=OPEN,
                name="hazard_open_region_due_idx",
            ),
            models.Index(
                fields=["street", "-found_on", "-id"],
                include=["deadline", "grade"],
                condition=OPEN,
                name="hazard_open_street_found_idx",
            ),
            models.Index(
                fields=["street", "deadline", "id"],
                include=["grade"],
                condition=OPEN,
                name="hazard_open_street_due_idx",
            ),
            models.Index(
                fields=["industry", "deadline", "id"],
                include=["grade"],
                condition=OPEN,
                name="hazard_open_industry_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("found_on")),
                name="hazard_deadline_not_before_found",
            ),
            models.CheckConstraint(
                condition=~models.Q(grade="major") | models.Q(major_basis__isnull=False),
                name="hazard_major_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if self.pk is None:  # a new row (a copy of another included): the district now
            self.enterprise_region_id = self.enterprise.region_id
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())


class HazardEvent(models.Model):
    """The hazard's timeline: one row per move (the audit log has the same)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    move = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    comment = BoundedTextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.move}"


class HazardExtension(models.Model):
    """A deadline extended: why, from when to when, who approved it."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    reason = BoundedTextField(_("reason"), max_length=2000)
    old_deadline = models.DateField()
    new_deadline = models.DateField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.hazard_id}: {self.old_deadline} → {self.new_deadline}"


def hazard_photo_path(instance: HazardPhoto, filename: str) -> str:
    return f"hazards/{instance.hazard_id}/{filename}"


class HazardPhoto(StoredFile):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Before rectification")
        AFTER = "after", _("After rectification")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=hazard_photo_path, max_length=300)


class HazardCounter(models.Model):
    """Gap-free hazard numbers per enterprise and year, incremented under the row lock."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
