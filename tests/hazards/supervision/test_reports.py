"""The major hazard report (16号令 第14条) and treatment plan (第15条): drafted by the
enterprise, signed and submitted by its principal, sent to the district and the
regulators who acknowledge it; the plan approved only once complete."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import translation

from hazards import services as ledger
from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import Hazard, MajorHazardReport, ReportReceipt, TreatmentPlan
from hazards.supervision import reports, rules
from portal.errors import ServiceError
from portal.models import AuditEvent
from tests.hazards.factories import record
from tests.hazards.supervision.world import PLAN, REPORT, approved, major, reported, today


def refused(call, error=ServiceError) -> str:
    audits = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(error) as caught:
        with transaction.atomic():
            call()
    assert AuditEvent.objects.count() == audits, "a refusal writes nothing"
    return str(caught.value.message)


def audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_the_enterprise_drafts_and_the_principal_submits_to_the_district_and_regulator(cast):
    hazard = major(cast)
    report = reports.report_save(
        actor=cast.enterprise_staff, hazard=hazard, current_state_and_causes="现状"
    )
    assert report.submitted_at is None and audits("hazard.report.save") == 1
    reports.report_save(actor=cast.enterprise_staff, hazard=hazard, **REPORT)
    assert audits("hazard.report.save") == 2
    message = refused(
        lambda: reports.report_submit(actor=cast.enterprise_staff, hazard=hazard), HazardForbidden
    )
    assert "principal" in message
    report = reports.report_submit(actor=cast.enterprise, hazard=hazard)
    assert report.signed_by == cast.enterprise and report.submitted_at is not None
    assert audits("hazard.report.submit") == 1
    receivers = set(report.receipts.values_list("organisation_id", flat=True))
    assert receivers == {cast.district.organisation_id, cast.regulator.organisation_id}


def test_submitting_needs_all_three_parts_naming_the_missing(cast):
    hazard = major(cast)
    reports.report_save(actor=cast.enterprise, hazard=hazard, current_state_and_causes="现状")
    message = refused(lambda: reports.report_submit(actor=cast.enterprise, hazard=hazard))
    assert "harm and difficulty of rectification" in message and "treatment plan" in message
    assert not ReportReceipt.objects.exists()


def test_a_submitted_report_no_longer_changes(cast):
    hazard = reported(cast)
    message = refused(
        lambda: reports.report_save(actor=cast.enterprise, hazard=hazard, treatment_outline="x"),
        HazardConflict,
    )
    assert "submitted" in message or "提交" in message
    assert MajorHazardReport.objects.get().treatment_outline == REPORT["treatment_outline"]


@pytest.mark.parametrize("who", ["district", "regulator", "group", "other_enterprise", "street"])
def test_only_the_enterprise_writes_its_report_and_plan(cast, who):
    hazard = major(cast)
    refused(
        lambda: reports.report_save(actor=getattr(cast, who), hazard=hazard, **REPORT),
        HazardForbidden,
    )
    refused(
        lambda: reports.plan_save(actor=getattr(cast, who), hazard=hazard, **PLAN), HazardForbidden
    )


def test_a_general_hazard_has_no_report(cast):
    hazard = record(cast)
    refused(lambda: reports.report_save(actor=cast.enterprise, hazard=hazard, **REPORT))


def test_bad_report_input_changes_nothing(cast):
    hazard = major(cast)
    refused(lambda: reports.report_save(actor=cast.enterprise, hazard=hazard, suspension="some"))
    refused(
        lambda: reports.report_save(
            actor=cast.enterprise,
            hazard=hazard,
            workers_congress_on=today() + datetime.timedelta(days=1),
        )
    )
    refused(
        lambda: reports.report_save(
            actor=cast.enterprise, hazard=hazard, current_state_and_causes="x" * 4001
        )
    )
    assert not MajorHazardReport.objects.exists()


def test_each_office_acknowledges_its_receipt_once(cast):
    reported(cast)
    receipt = ReportReceipt.objects.get(organisation=cast.district.organisation)
    refused(
        lambda: reports.report_acknowledge(actor=cast.regulator, receipt=receipt), HazardForbidden
    )
    reports.report_acknowledge(actor=cast.district_staff, receipt=receipt)
    receipt.refresh_from_db()
    assert (
        receipt.acknowledged_by == cast.district_staff and audits("hazard.report.acknowledge") == 1
    )
    refused(
        lambda: reports.report_acknowledge(actor=cast.district, receipt=receipt), HazardConflict
    )


def test_a_report_is_late_after_the_setting(cast, settings):
    settings.MAJOR_HAZARD_REPORT_DAYS = 3
    late = major(cast, found_on=today() - datetime.timedelta(days=5))
    assert rules.report_late(late, None)
    in_time = major(cast, found_on=today() - datetime.timedelta(days=3))
    assert not rules.report_late(in_time, None)
    report = reported(cast, late).major_report
    assert rules.report_late(late, report), "submitted after its due day: still late"
    assert AuditEvent.objects.get(action="hazard.report.submit").after["late"] is True


# --- the plan and approve_plan -------------------------------------------------------


def approve(cast, hazard):
    return ledger.perform(actor=cast.enterprise, hazard=hazard, move="approve_plan")


def test_approve_plan_needs_the_submitted_report(cast):
    hazard = major(cast)
    reports.plan_save(actor=cast.enterprise_staff, hazard=hazard, **PLAN)
    message = refused(lambda: approve(cast, hazard))
    assert "report" in message or "报告" in message
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.REPORTED


@pytest.mark.parametrize("part", TreatmentPlan.SIX_PARTS)
def test_approve_plan_names_the_missing_part(cast, part):
    hazard = reported(cast)
    reports.plan_save(actor=cast.enterprise_staff, hazard=hazard, **{**PLAN, part: " "})
    message = refused(lambda: approve(cast, hazard))
    with translation.override("en"):
        label = str(TreatmentPlan._meta.get_field(part).verbose_name)
    assert label in message  # both in English
    assert TreatmentPlan.objects.get().approved_at is None
    assert not hazard.events.filter(move="approve_plan").exists()


def test_the_approved_plan_records_who_and_when_and_no_longer_changes(cast):
    hazard = approved(cast)
    assert hazard.status == Hazard.Status.PLAN_APPROVED
    plan = TreatmentPlan.objects.get()
    assert plan.approved_by == cast.enterprise and plan.approved_at is not None
    assert AuditEvent.objects.filter(action="hazard.approve_plan").count() == 1
    refused(lambda: reports.plan_save(actor=cast.enterprise, hazard=hazard, **PLAN), HazardConflict)
    refused(
        lambda: ledger.perform(actor=cast.enterprise_staff, hazard=hazard, move="approve_plan"),
        HazardForbidden,
    )
