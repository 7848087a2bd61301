"""重大事故隐患判定标准 as data: a catalogue (e.g. the 工贸 one of 应急管理部令第10号),
its versions, and the situations (items) that make a hazard major when chosen as its
判定依据. Loaded from YAML files like the standards (hazards/catalogues/)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.fields import BoundedTextField
from portal.models import Industry


class HazardCatalogue(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # The family of industries it is written for (工贸, 化工和危险化学品, 矿山, 燃气…).
    sector = models.CharField(_("sector"), max_length=50)
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="hazard_catalogues", verbose_name=_("industries")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("major-hazard catalogue")
        verbose_name_plural = _("major-hazard catalogues")

    def __str__(self) -> str:
        return self.name


class CatalogueVersion(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("In force")
        RETIRED = "retired", _("Retired")

    catalogue = models.ForeignKey(
        HazardCatalogue, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.CharField(_("version"), max_length=50)
    # The regulation that publishes it, e.g. "应急管理部令第10号".
    source = models.CharField(_("source"), max_length=300)
    effective_date = models.DateField(_("effective from"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    # The loaded file's digest: loading the same file again changes nothing.
    sha256 = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["catalogue", "-effective_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "version"], name="hazard_catalogue_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.catalogue} ({self.version})"


class CatalogueItem(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="items")
    # The article and item of the regulation, e.g. "4.1" (第四条第一项).
    code = models.CharField(_("code"), max_length=30)
    # 管理类 / 行业类 / 专项类 in the 工贸 catalogue.
    group = models.CharField(_("group"), max_length=50)
    # The industry or subject of the article (冶金, 粉尘爆炸…); empty for general articles.
    section = models.CharField(_("section"), max_length=100, blank=True)
    text = BoundedTextField(_("situation"), max_length=4000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="hazard_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"
