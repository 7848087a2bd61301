"""The registry's grade and certificate-validity columns and its grade filter
(enterprises/pages.py): an enterprise's grade is its best live certificate
(valid or suspended and not past its last day, certification/validity.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Application, Certificate
from certification.validity import LIVE
from certification.workflow import tier_label
from enterprises.pages import StandingProvider

# Best first: a higher grade wins over a lower one and the post standard.
TIER_ORDER: dict[str, int] = {
    Application.Tier.LEVEL_1: 0,
    Application.Tier.LEVEL_2: 1,
    Application.Tier.LEVEL_3: 2,
}
NONE = "none"


def _live() -> Any:
    return Certificate.objects.filter(status__in=LIVE, valid_until__gte=timezone.localdate())


class CertificateStanding(StandingProvider):
    def choices(self) -> list[tuple[str, str]]:
        tiers = [(str(value), str(tier_label(value))) for value in Application.Tier.values]
        return [*tiers, (NONE, _("No live certificate"))]

    def condition(self, grade: str) -> Any:
        live = _live().filter(enterprise_id=OuterRef("pk"))
        if grade == NONE:
            return ~Q(Exists(live))
        if grade in Application.Tier.values:
            return Q(Exists(live.filter(tier=grade)))
        return None

    def rows(self, enterprise_ids: list[int]) -> dict[int, dict[str, Any]]:
        best: dict[int, Certificate] = {}
        for certificate in (
            _live()
            .filter(enterprise_id__in=enterprise_ids)
            .only("enterprise_id", "tier", "number", "valid_until", "status")
        ):
            held = best.get(certificate.enterprise_id)
            rank = TIER_ORDER.get(certificate.tier, 3)
            if held is None or rank < TIER_ORDER.get(held.tier, 3):
                best[certificate.enterprise_id] = certificate
        return {
            pk: {
                "grade": str(tier_label(c.tier)),
                "tier": c.tier,
                "number": c.number,
                "valid_until": c.valid_until,
                "suspended": c.status == Certificate.Status.SUSPENDED,
            }
            for pk, c in best.items()
        }
