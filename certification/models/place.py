"""The enterprise's place (and industry) kept on an application's or a certificate's
own row."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Industry, Region, Street


class EnterprisePlace(models.Model):
    """A copy of the enterprise's district, street and industry in the registry, taken
    when the row is written and updated in the transaction that moves the enterprise
    (certification/registry_sync.py), so a district's, street's or regulator's lists and
    counts read the row's own indexes instead of joining 500,000 registry rows. The
    concrete models index them, leading composite indexes (hence no index of their own).
    The enterprise's industry is not the row's ``industry`` (the one applied for, which
    chose the standard and the organising unit, and stays).
    """

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("district"),
    )
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("street or town"),
    )
    enterprise_industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        null=True,  # as the registry's: an enterprise may have none yet
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("enterprise's industry"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # Every new row written through the ORM takes its enterprise's place, copies of
        # another row included (bulk writers set region, street and enterprise_industry
        # themselves).
        if self.pk is None:
            enterprise = self.enterprise  # type: ignore[attr-defined]
            self.region_id = enterprise.region_id
            self.street_id = enterprise.street_id
            self.enterprise_industry_id = enterprise.industry_id
        super().save(*args, **kwargs)
