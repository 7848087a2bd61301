"""The enterprise's place (district, street) and industry kept on the rows a
district's, street's or regulator's lists and counts read: applications,
certificates, self-assessments.

Such a list joined to the registry made PostgreSQL walk the list's rows and probe
500,000 enterprises for each, or hash them all, to find one district's rows. With a
copy on the row, the row's own indexes find them. The copy is taken when the row is
written (``save``) and follows the registry in the transaction that moves the
enterprise (enterprises.signals.enterprise_moved: the owning apps' registry_sync
modules). Bulk writers set ``region``, ``street`` and ``enterprise_industry`` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.selectors import enterprise_scope
from portal.models import Industry, OrganisationKind, Region, Street
from portal.types import AnyUser


class EnterprisePlace(models.Model):
    """A copy of the enterprise's district, street and industry in the registry. The
    concrete models index them, leading composite indexes (hence no index of their
    own). The enterprise's industry is not an application's ``industry`` (the one
    applied for, which chose the standard and the organising unit, and stays)."""

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
        # another row included.
        if self.pk is None:
            for field, value in place_of(self.enterprise).items():  # type: ignore[attr-defined]
                setattr(self, field, value)
        super().save(*args, **kwargs)


def place_of(enterprise: Any) -> dict[str, int | None]:
    """The enterprise's place as an EnterprisePlace row copies it: field → value, for a
    new row or an UPDATE when the registry moves the enterprise."""
    return {
        "region_id": enterprise.region_id,
        "street_id": enterprise.street_id,
        "enterprise_industry_id": enterprise.industry_id,
    }


def place_scope(user: AnyUser) -> Q:
    """The registry's scope rule (enterprises.selectors.enterprise_scope) for a row with
    a copy of its enterprise's place. A district, a street and a regulator: on the
    copy, which the row's own indexes serve. Anyone else: on the joined enterprise row
    (its account, group or industries are not copied)."""
    org = user.organisation if user.is_authenticated else None
    kind = org.kind if org is not None else ""
    if kind in {OrganisationKind.DISTRICT, OrganisationKind.STREET}:
        return enterprise_scope(user)  # the same columns, region_id / street_id, on this row
    if kind == OrganisationKind.REGULATOR and org is not None and org.is_active:
        # Joining the registry made PostgreSQL hash all 500,000 enterprises for each
        # status tab's count.
        industries = Q(enterprise_industry__in=org.industries.all())
        return industries & Q(region_id=org.region_id) if org.region_id else industries
    return enterprise_scope(user, "enterprise__")
