"""seed_demo's demonstration inspections: demo-enterprise's plan against its
standard, a completed principal-led inspection whose 隐患 opened a ledger row, a
draft being recorded; re-running creates nothing."""

from io import StringIO

from django.core.management import call_command

from hazards.models import Hazard, InspectionPlan, InspectionRecord


def test_the_demo_enterprise_has_a_plan_a_completed_and_a_draft_inspection(db):
    call_command("load_standards", stdout=StringIO())
    call_command("seed_demo", enterprises=0, stdout=StringIO())
    plan = InspectionPlan.objects.get(enterprise__account__users__username="demo-enterprise")
    assert plan.checklist == "standard" and plan.standard_version is not None
    done = plan.records.get(status=InspectionRecord.Status.COMPLETED)
    assert done.principal_led
    hazard = done.results.get(outcome="hazard").hazard
    assert hazard.source == Hazard.Source.PRINCIPAL and hazard.criterion is not None
    assert plan.records.get(status=InspectionRecord.Status.DRAFT).results.exclude(outcome="")
    call_command("seed_demo", enterprises=0, stdout=StringIO())
    assert InspectionRecord.objects.count() == 2
