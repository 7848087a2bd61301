"""A major row from a government order is closed by the issuing office's follow-up
review (整改复查), not by the principal nor the district through ``close``; under
listed supervision, by the listing's review alone."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hazards import services as ledger
from hazards.enforcement import services
from hazards.errors import HazardForbidden
from hazards.models import Hazard
from hazards.workflow import TRANSITIONS
from tests.hazards.enforcement.test_services import written
from tests.hazards.enforcement.world import item, order, rows
from tests.hazards.factories import catalogue_item
from tests.hazards.supervision.world import listed, report_and_plan


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def major_row(cast) -> Hazard:
    inspection = order(cast, items=[item(major_basis=catalogue_item())])
    (row,) = rows(inspection)
    report_and_plan(cast, row)
    return ledger.perform(actor=cast.enterprise, hazard=row, move="approve_plan")


def evaluate(cast, row: Hazard) -> Hazard:
    ledger.perform(actor=cast.enterprise, hazard=row, move="start_treatment")
    return ledger.perform(
        actor=cast.enterprise_staff,
        hazard=row,
        move="evaluate",
        comment="治理完成，经评估隐患消除。",
        completed_on=timezone.localdate(),
    )


def review(cast, row: Hazard, number: str = "朝应急复查〔2026〕1号"):
    return services.order_review(
        actor=cast.district,
        inspection=row.order_item.inspection,
        review_number=number,
        reviewed_on=timezone.localdate(),
        opinion="经复查，整改合格。",
    )


def test_the_principal_and_the_district_cannot_close_an_evaluated_major_order_row(cast):
    row = evaluate(cast, major_row(cast))
    order_number = row.order_item.inspection.order_number
    for who in (cast.enterprise, cast.district):
        before = written()
        with pytest.raises(HazardForbidden) as refused:
            ledger.perform(actor=who, hazard=row, move="close", comment="销号")
        assert order_number in str(refused.value.message)
        assert "整改复查" in str(refused.value.message)
        assert written() == before
        assert not ledger.can_perform(who, row, TRANSITIONS["close"])
    row.refresh_from_db()
    assert row.status == Hazard.Status.EVALUATED


def test_the_issuing_offices_review_closes_an_evaluated_major_row(cast):
    row = evaluate(cast, major_row(cast))

    inspection = review(cast, row)

    row.refresh_from_db()
    assert row.status == Hazard.Status.CLOSED
    assert row.accepted_by == cast.district and row.closed_on == timezone.localdate()
    assert row.events.latest("pk").move == "review_pass_major"
    assert inspection.status == inspection.Status.REVIEWED


def test_a_listed_major_order_row_is_left_to_the_listings_review(cast):
    row = major_row(cast)
    listing = listed(cast, row)
    evaluate(cast, row)

    review(cast, row)

    row.refresh_from_db()
    assert row.status == Hazard.Status.EVALUATED  # the order's review passed it by
    with pytest.raises(HazardForbidden) as refused:
        ledger.perform(actor=cast.enterprise, hazard=row, move="close", comment="销号")
    assert listing.number in str(refused.value.message)


def test_a_major_row_from_no_order_is_still_closed_by_the_principal(cast):
    from tests.hazards.supervision.world import approved

    row = evaluate(cast, approved(cast))
    ledger.perform(actor=cast.enterprise, hazard=row, move="close", comment="验收合格，销号。")
    row.refresh_from_db()
    assert row.status == Hazard.Status.CLOSED
