"""Government inspections, their orders and follow-up reviews, and tip-offs, through
the services: who may, bad input, all or nothing, one audit row per change, nothing
written on refusal."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hazards import services as ledger
from hazards.enforcement import services
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import GovernmentInspection, Hazard, HazardEvent, OrderItem, TipOff
from portal.errors import ServiceError
from portal.models import AuditEvent
from tests.hazards.enforcement.world import CONTACT, REPORTER, item, named_tip_off, order, rows
from tests.hazards.factories import catalogue_item

TODAY = timezone.localdate


def written() -> tuple[int, ...]:
    return (
        GovernmentInspection.objects.count(),
        OrderItem.objects.count(),
        Hazard.objects.count(),
        HazardEvent.objects.count(),
        TipOff.objects.count(),
        AuditEvent.objects.count(),
    )


def rectify(cast, hazard: Hazard) -> None:
    hazard.refresh_from_db()
    if hazard.status == Hazard.Status.PENDING:
        ledger.perform(actor=cast.enterprise, hazard=hazard, move="start")
    ledger.perform(
        actor=cast.enterprise_staff,
        hazard=hazard,
        move="submit_for_acceptance",
        completed_on=TODAY(),
        measures="已更换灭火器。",
    )


# --- recording an inspection --------------------------------------------------------


@pytest.mark.parametrize("who", ["district", "street", "regulator", "city"])
def test_each_office_with_the_enterprise_in_scope_records_an_order_whose_items_become_rows(
    cast, who
):
    before = AuditEvent.objects.count()
    inspection = order(cast, actor=getattr(cast, who))
    found = rows(inspection)
    assert [h.source for h in found] == [Hazard.Source.ENFORCEMENT] * 2
    assert {h.deadline for h in found} == {inspection.order_deadline}
    assert {h.found_on for h in found} == {inspection.inspected_on}
    assert all(h.status == Hazard.Status.PENDING for h in found)
    assert inspection.organisation_id == getattr(cast, who).organisation_id
    # one audit row per hazard and one for the inspection
    assert AuditEvent.objects.count() - before == 3
    assert AuditEvent.objects.filter(action="hazard.inspection.record").count() == 1


@pytest.mark.parametrize(
    "who",
    ["other_district", "other_street", "other_regulator", "enterprise", "group", "association"],
)
def test_nobody_else_records_an_inspection_and_nothing_is_written(cast, who):
    before = written()
    with pytest.raises(HazardForbidden):
        order(cast, actor=getattr(cast, who))
    assert written() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"order_deadline": TODAY() - datetime.timedelta(days=5)}, "order_deadline"),
        ({"inspected_on": TODAY() + datetime.timedelta(days=1)}, "inspected_on"),
        ({"inspectors": "  "}, "inspectors"),
        ({"order_number": ""}, "order_number"),
        ({"items": []}, "items"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(cast, overrides, field):
    before = written()
    with pytest.raises(ServiceError) as refused:
        order(cast, **overrides)
    assert refused.value.field == field
    assert written() == before


def test_one_bad_item_refuses_the_whole_order(cast):
    before = written()
    with pytest.raises(ServiceError) as refused:
        order(cast, items=[item(), item(grade=Hazard.Grade.MAJOR)])
    assert "2" in str(refused.value.message)
    assert refused.value.field == "major_basis"
    assert written() == before


def test_a_major_item_with_its_basis_is_a_major_row(cast):
    basis = catalogue_item()
    inspection = order(cast, items=[item(major_basis=basis)])
    (row,) = rows(inspection)
    assert row.grade == Hazard.Grade.MAJOR
    assert row.status == Hazard.Status.REPORTED


def test_an_order_number_is_unique(cast):
    order(cast)
    before = written()
    with pytest.raises(ServiceError) as refused:
        order(cast, actor=cast.street)
    assert refused.value.field == "order_number"
    assert written() == before


# --- the rows of an order -----------------------------------------------------------


def test_the_enterprise_cannot_accept_a_row_of_an_order(cast):
    row = rows(order(cast))[0]
    rectify(cast, row)
    before = written()
    with pytest.raises(HazardForbidden):
        ledger.perform(actor=cast.enterprise, hazard=row, move="accept", comment="合格")
    assert written() == before
    moves = [t.name for t in ledger_moves(cast.enterprise, row)]
    assert "accept" not in moves and "reject_acceptance" not in moves


def ledger_moves(user, hazard):
    from hazards.views import moves_open_to

    hazard.refresh_from_db()
    return moves_open_to(user, hazard)


def test_the_review_moves_are_never_offered_nor_made_alone(cast):
    inspection = order(cast)
    row = rows(inspection)[0]
    rectify(cast, row)
    assert ledger_moves(cast.district, row) == []
    before = written()
    with pytest.raises(ServiceError):
        ledger.perform(actor=cast.district, hazard=row, move="review_pass", comment="合格")
    assert written() == before


def test_the_review_closes_rows_awaiting_acceptance_and_sends_back_the_others(cast):
    inspection = order(cast)
    done, not_done = rows(inspection)
    rectify(cast, done)
    before = AuditEvent.objects.count()
    services.order_review(
        actor=cast.district_staff,
        inspection=inspection,
        review_number="朝应急复查〔2026〕1号",
        reviewed_on=TODAY(),
        opinion="一项已整改合格，一项未整改。",
    )
    done.refresh_from_db()
    not_done.refresh_from_db()
    inspection.refresh_from_db()
    assert done.status == Hazard.Status.CLOSED
    assert done.closed_on == TODAY()
    assert done.accepted_by == cast.district_staff
    assert not_done.status == Hazard.Status.IN_PROGRESS
    assert not_done.events.last().comment == "一项已整改合格，一项未整改。"
    assert inspection.status == GovernmentInspection.Status.ORDERED  # a row is still open
    assert inspection.review_number == "朝应急复查〔2026〕1号"
    # one audit row per row moved and one for the review
    assert AuditEvent.objects.count() - before == 3

    rectify(cast, not_done)
    services.order_review(
        actor=cast.district,
        inspection=inspection,
        review_number="朝应急复查〔2026〕2号",
        reviewed_on=TODAY(),
        opinion="已全部整改。",
    )
    inspection.refresh_from_db()
    assert inspection.status == GovernmentInspection.Status.REVIEWED
    with pytest.raises(HazardConflict):
        services.order_review(
            actor=cast.district,
            inspection=inspection,
            review_number="3",
            reviewed_on=TODAY(),
            opinion="再次复查",
        )


def test_a_row_awaiting_acceptance_named_as_not_passed_goes_back(cast):
    inspection = order(cast, items=[item()])
    (row,) = rows(inspection)
    rectify(cast, row)
    services.order_review(
        actor=cast.district,
        inspection=inspection,
        review_number="R1",
        reviewed_on=TODAY(),
        opinion="整改不到位。",
        not_passed=[row.pk],
    )
    row.refresh_from_db()
    assert row.status == Hazard.Status.IN_PROGRESS
    assert row.completed_on is None


@pytest.mark.parametrize("who", ["street", "city", "enterprise", "other_district"])
def test_only_the_issuing_office_reviews_and_nothing_is_written_otherwise(cast, who):
    inspection = order(cast)
    before = written()
    with pytest.raises(HazardForbidden):
        services.order_review(
            actor=getattr(cast, who),
            inspection=inspection,
            review_number="R1",
            reviewed_on=TODAY(),
            opinion="合格",
        )
    assert written() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"review_number": ""}, "review_number"),
        ({"opinion": " "}, "opinion"),
        ({"reviewed_on": TODAY() + datetime.timedelta(days=1)}, "reviewed_on"),
        ({"reviewed_on": TODAY() - datetime.timedelta(days=30)}, "reviewed_on"),
        ({"not_passed": [10**9]}, "not_passed"),
    ],
)
def test_a_bad_review_changes_nothing(cast, overrides, field):
    inspection = order(cast)
    rectify(cast, rows(inspection)[0])
    before = written()
    values = {"review_number": "R1", "reviewed_on": TODAY(), "opinion": "合格"}
    values.update(overrides)
    with pytest.raises(ServiceError) as refused:
        services.order_review(actor=cast.district, inspection=inspection, **values)
    assert refused.value.field == field
    assert written() == before
    assert {h.status for h in rows(inspection)} == {
        Hazard.Status.AWAITING_ACCEPTANCE,
        Hazard.Status.PENDING,
    }


# --- tip-offs -----------------------------------------------------------------------------


def test_a_tip_off_audit_row_says_only_whether_a_reporter_was_given(cast):
    tip_off = named_tip_off(cast)
    row = AuditEvent.objects.get(action="hazard.tip_off.receive")
    assert row.after["reporter_given"] is True
    assert REPORTER not in str(row.after) and CONTACT not in str(row.after)
    assert REPORTER not in row.object_repr
    assert tip_off.receiving_office_id == cast.street.organisation_id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"anonymous": True}, "reporter_name"),  # anonymous with a name
        ({"reporter_name": ""}, "reporter_name"),
        ({"reporter_contact": ""}, "reporter_contact"),
        ({"content": ""}, "content"),
        ({"received_on": TODAY() + datetime.timedelta(days=1)}, "received_on"),
    ],
)
def test_a_bad_tip_off_is_refused_and_nothing_written(cast, overrides, field):
    values = {
        "received_on": TODAY(),
        "content": "有隐患",
        "anonymous": False,
        "reporter_name": REPORTER,
        "reporter_contact": CONTACT,
    }
    values.update(overrides)
    before = written()
    with pytest.raises(ServiceError) as refused:
        services.tip_off_receive(actor=cast.street, enterprise=cast.ent, **values)
    assert refused.value.field == field
    assert written() == before


@pytest.mark.parametrize("who", ["other_street", "enterprise", "group", "other_regulator"])
def test_only_offices_with_the_enterprise_in_scope_receive_tip_offs(cast, who):
    before = written()
    with pytest.raises(HazardForbidden):
        named_tip_off(cast, actor=getattr(cast, who))
    assert written() == before


def test_confirming_records_a_tip_off_hazard_and_only_the_receiver_may(cast):
    tip_off = named_tip_off(cast)
    hazard_fields = {
        "found_on": TODAY(),
        "location": "仓库",
        "description": "消防通道堵塞。",
        "category": Hazard.Category.SITE,
        "deadline": TODAY() + datetime.timedelta(days=3),
    }
    before = written()
    with pytest.raises(HazardForbidden):
        services.tip_off_confirm(actor=cast.district, tip_off=tip_off, **hazard_fields)
    with pytest.raises(ServiceError):
        services.tip_off_confirm(
            actor=cast.street,
            tip_off=tip_off,
            **{**hazard_fields, "deadline": TODAY() - datetime.timedelta(days=9)},
        )
    assert written() == before
    services.tip_off_confirm(actor=cast.street, tip_off=tip_off, outcome="属实", **hazard_fields)
    tip_off.refresh_from_db()
    assert tip_off.status == TipOff.Status.CONFIRMED
    assert tip_off.hazard.source == Hazard.Source.TIP_OFF
    assert tip_off.hazard.enterprise == cast.ent
    with pytest.raises(HazardConflict):
        services.tip_off_dismiss(actor=cast.street, tip_off=tip_off, outcome="不属实")


def test_dismissing_needs_the_outcome(cast):
    tip_off = named_tip_off(cast)
    before = written()
    with pytest.raises(ServiceError):
        services.tip_off_dismiss(actor=cast.street, tip_off=tip_off, outcome="")
    assert written() == before
    services.tip_off_dismiss(actor=cast.street, tip_off=tip_off, outcome="经核查不属实")
    tip_off.refresh_from_db()
    assert tip_off.status == TipOff.Status.UNFOUNDED
    assert AuditEvent.objects.filter(action="hazard.tip_off.dismiss").count() == 1
