"""One government order (by 朝阳区) and one named tip-off (received by 建外街道) of the
cast's enterprise, for the URL matrix: made once per database state, found again on
later calls."""

from __future__ import annotations

from hazards.models import GovernmentInspection, TipOff
from tests.hazards.enforcement.world import named_tip_off, order

NUMBER = "URL matrix order"


def matrix_order(cast) -> GovernmentInspection:
    found = GovernmentInspection.objects.filter(order_number=NUMBER).first()
    return found or order(cast, number=NUMBER)


def matrix_tip_off(cast) -> TipOff:
    found = TipOff.objects.filter(enterprise=cast.ent, receiving_office=cast.street.organisation)
    return found.first() or named_tip_off(cast)
