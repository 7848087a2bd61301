"""Organisations: every user acts for exactly one of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import scoping
from portal.fields import BoundedTextField
from portal.models.regions import Industry, Region, Street


class OrganisationKind(models.TextChoices):
    CITY_OFFICE = "city_office", _("City safety committee office")
    DISTRICT = "district", _("District government")
    REGULATOR = "regulator", _("Industry regulator")
    # 街道办事处/乡镇政府: the local government of one street or town (属地).
    STREET = "street", _("Street or town office")
    ORGANISING_UNIT = "organising_unit", _("Review organising unit")
    REVIEW_UNIT = "review_unit", _("Review unit")
    GROUP = "group", _("Enterprise group")
    ENTERPRISE = "enterprise", _("Enterprise")


class Tier(models.TextChoices):
    LEVEL_1 = "1", _("Level 1")
    LEVEL_2 = "2", _("Level 2")
    LEVEL_3 = "3", _("Level 3")
    SMALL_MICRO = "small", _("Small and micro post standard")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user) -> OrganisationQuerySet:
        return scoping.apply(self, user)


class Organisation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        DISQUALIFIED = "disqualified", _("Disqualified")
        INACTIVE = "inactive", _("Deactivated")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = BoundedTextField(_("reason"), max_length=2000, blank=True)
    # District governments: their district. Other kinds may record a seat.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("district"),
    )
    # Street and town offices: their street (the only kind that has one).
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
        verbose_name=_("street or town"),
    )
    # Regulators: the industries they regulate.
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="regulators", verbose_name=_("industries")
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="district") | models.Q(region__isnull=False),
                name="district_organisation_has_region",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="street", street__isnull=False)
                | (~models.Q(kind="street") & models.Q(street__isnull=True)),
                name="street_organisation_has_street",
            ),
            # Two active offices of one street would split its enterprises' reports.
            models.UniqueConstraint(
                fields=["street"],
                condition=models.Q(kind="street", status="active"),
                name="one_active_office_per_street",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Qualification(models.Model):
    """An industry × tier pair.

    For a review organising unit: what it organises. For a review unit: what
    it is qualified to review.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="qualifications"
    )
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("tier"), max_length=5, choices=Tier.choices)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "industry", "tier"], name="qualification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.industry} · {self.get_tier_display()}"
