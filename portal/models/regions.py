"""Reference data: districts (区县), their streets and towns, and industries."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def localised_name(path: str):
    """The name at ``path`` ("region__name") as a query expression in the
    reader's language: its English name on English pages, where it has one."""
    if (get_language() or "").startswith("en"):
        return Coalesce(NullIf(F(f"{path}_en"), Value("")), F(path))
    return F(path)


class LocalisedNameMixin:
    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Region(LocalisedNameMixin, models.Model):
    """A district-level area: the 16 districts plus the Economic-Technological Zone."""

    class Kind(models.TextChoices):
        DISTRICT = "district", pgettext_lazy("kind of region", "District")
        ZONE = "zone", pgettext_lazy("kind of region", "Development zone")

    # GB/T 2260 code; the development zone has no official code, so it gets
    # the synthetic 110400 (domain.md §6.1).
    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    is_demonstration = models.BooleanField(_("demonstration district"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.display_name


class Street(LocalisedNameMixin, models.Model):
    """A street (街道), town (镇) or township (乡) inside a district."""

    class Kind(models.TextChoices):
        SUBDISTRICT = "subdistrict", _("Subdistrict (街道)")
        TOWN = "town", _("Town (镇)")
        TOWNSHIP = "township", _("Township (乡)")
        AREA = "area", _("Area (地区)")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="streets", verbose_name=_("district")
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("street or town")
        verbose_name_plural = _("streets and towns")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="street_unique_name_in_region")
        ]

    def __str__(self) -> str:
        return self.display_name


class Industry(LocalisedNameMixin, models.Model):
    """An industry of the seed document, mapped to GB/T 4754 (domain.md §6.5)."""

    class Group(models.TextChoices):
        HIGH_RISK = "high_risk", _("High-risk industries")
        INDUSTRY_TRADE = "industry_trade", _("Industry and trade (工贸)")
        UTILITIES = "utilities", _("City utilities")
        CROWDED_PLACES = "crowded_places", _("Crowded places")

    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    gbt4754 = models.CharField(_("GB/T 4754 codes"), max_length=100)
    certificate_code = models.CharField(_("certificate code"), max_length=4, blank=True)
    requires_safety_licence = models.BooleanField(_("requires a safety licence"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return self.display_name
