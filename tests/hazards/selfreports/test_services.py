"""The form's life: pre-filled draft, changes with a reason, the principal's
signature, lateness, immutability, corrections as versions, the receiver's
acknowledgement or return; one audit row per change, nothing on refusal."""

from __future__ import annotations

import pytest

from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import PeriodKind, SelfReport
from hazards.selfreports import services
from hazards.selfreports.periods import Period
from portal.errors import ServiceError
from portal.models import AuditEvent, Organisation
from tests.hazards.selfreports.world import Q3_2025, D, at, hazard, started, submitted

pytestmark = pytest.mark.usefixtures("english")


def audits(action=""):
    qs = AuditEvent.objects.filter(action__startswith="selfreport.")
    return qs.filter(action=action).count() if action else qs.count()


def test_a_draft_is_prefilled_from_the_ledger(cast):
    hazard(cast.ent, found=D(2025, 8, 1), deadline=D(2025, 8, 9), closed=D(2025, 8, 5), funds="300")
    report = started(cast)
    assert (report.general_found, report.general_rectified, report.funds) == (1, 1, 300)
    assert report.prefilled["general_found"] == 1 and report.prefilled["funds"] == "300.00"
    assert report.due_on == D(2025, 10, 15) and report.status == SelfReport.Status.DRAFT
    assert report.street == cast.chaoyang_street and report.version == 1 and report.is_current
    assert audits("selfreport.start") == 1
    assert started(cast) == report  # the same draft, nothing new
    assert audits() == 1


def test_a_period_not_ended_cannot_be_started(cast):
    with pytest.raises(ServiceError, match="has not ended"):
        started(cast, today=D(2025, 9, 30))
    assert not SelfReport.objects.exists() and audits() == 0


def test_a_monthly_form_needs_the_districts_rule(cast):
    with pytest.raises(ServiceError, match="monthly"):
        started(cast, Period(PeriodKind.MONTH, 2025, 9))
    services.rule_set(actor=cast.district_staff, region=cast.chaoyang, monthly=True)
    assert started(cast, Period(PeriodKind.MONTH, 2025, 9)).due_on == D(2025, 10, 9)


def test_only_the_enterprises_users_start_and_fill_in(cast):
    for outsider in (cast.street, cast.district, cast.other_enterprise):
        with pytest.raises(HazardForbidden):
            services.report_start(actor=outsider, enterprise=cast.ent, period=Q3_2025)
    report = started(cast)
    with pytest.raises(HazardForbidden):
        services.report_save(actor=cast.district, report=report, values={"analysis": "x"})
    assert audits() == 1


def test_a_changed_figure_needs_the_reason(cast):
    hazard(cast.ent, found=D(2025, 8, 1), deadline=D(2025, 8, 9))
    report = started(cast)
    with pytest.raises(ServiceError, match="differs from the ledger") as refused:
        services.report_save(
            actor=cast.enterprise_staff, report=report, values={"general_found": 3}
        )
    assert refused.value.field == "adjustment_reason"
    report.refresh_from_db()
    assert report.general_found == 1 and audits() == 1
    services.report_save(
        actor=cast.enterprise_staff,
        report=report,
        values={"general_found": 3, "general_open": 3, "adjustment_reason": "两项隐患漏登。"},
    )
    report.refresh_from_db()
    assert report.general_found == 3 and services.adjusted(report) == [
        "general_found",
        "general_open",
    ]
    event = AuditEvent.objects.get(action="selfreport.save")
    assert event.before["general_found"] == 1 and event.after["general_found"] == 3


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"general_rectified": 1, "general_rectified_on_time": 2}, "general_rectified_on_time"),
        ({"general_open": 1, "general_overdue": 2}, "general_overdue"),
        ({"major_new": 1, "major_treating": 1, "major_overdue": 2}, "major_overdue"),
        ({"major_new": 1, "major_treating": 0}, "major_treating"),
        ({"suspensions": 1}, "suspensions"),
        ({"general_found": -1}, "general_found"),
        ({"funds": "abc"}, "funds"),
        ({"zero_report": True, "general_found": 1, "general_open": 1}, "zero_report"),
    ],
)
def test_inconsistent_figures_are_refused_with_the_figure_named(cast, values, field):
    report = started(cast)
    values = {**values, "adjustment_reason": "核对后修改。"}
    with pytest.raises(ServiceError) as refused:
        services.report_save(actor=cast.enterprise_staff, report=report, values=values)
    assert refused.value.field == field
    assert audits() == 1


def test_a_zero_report(cast):
    report = submitted(cast, zero_report=True)
    assert report.zero_report and report.status == SelfReport.Status.SUBMITTED


def test_the_principal_signs_a_staff_member_may_not(cast):
    report = started(cast)
    with pytest.raises(HazardForbidden, match="principal"):
        services.report_submit(actor=cast.enterprise_staff, report=report)
    report.refresh_from_db()
    assert report.status == SelfReport.Status.DRAFT and audits() == 1


def test_submission_sets_late_receiver_and_signature(cast):
    with at(D(2025, 10, 15)):
        on_time = submitted(cast)
    assert not on_time.late and on_time.signed_by == cast.enterprise
    assert on_time.receiver == cast.street.organisation
    with at(D(2026, 1, 16)):
        late = submitted(
            cast,
            Period(PeriodKind.QUARTER, 2025, 4),
        )
    assert late.late


def test_the_district_receives_where_the_street_has_no_office(cast):
    Organisation.objects.filter(pk=cast.street.organisation_id).update(status="inactive")
    assert submitted(cast).receiver == cast.district.organisation


def test_a_submitted_form_never_changes(cast):
    report = submitted(cast)
    before = audits()
    with pytest.raises(HazardConflict, match="correction"):
        services.report_save(actor=cast.enterprise, report=report, values={"analysis": "改"})
    with pytest.raises(HazardConflict):
        services.report_submit(actor=cast.enterprise, report=report)
    with pytest.raises(HazardConflict, match="correction"):
        started(cast)
    assert audits() == before


def test_a_correction_is_a_new_version_that_replaces_the_old_when_submitted(cast):
    with at(D(2025, 10, 14)):
        first = submitted(cast)
    with pytest.raises(ServiceError, match="reason"):
        services.report_correct(actor=cast.enterprise_staff, report=first, reason=" ")
    draft = services.report_correct(
        actor=cast.enterprise_staff, report=first, reason="漏报一项隐患。"
    )
    assert (draft.version, draft.supersedes, draft.is_current) == (2, first, False)
    first.refresh_from_db()
    assert first.is_current and first.status == SelfReport.Status.SUBMITTED
    services.report_save(
        actor=cast.enterprise_staff,
        report=draft,
        values={"general_found": 1, "general_open": 1, "adjustment_reason": "漏报一项隐患。"},
    )
    with at(D(2025, 11, 1)):
        services.report_submit(actor=cast.enterprise, report=draft)
    first.refresh_from_db()
    draft.refresh_from_db()
    assert not first.is_current and draft.is_current and draft.general_found == 1
    assert not draft.late  # the period was reported on time
    current = SelfReport.objects.get(enterprise=cast.ent, is_current=True)
    assert current == draft
    with pytest.raises(HazardConflict):
        services.report_correct(actor=cast.enterprise, report=first, reason="再改")


def test_the_receiver_acknowledges(cast):
    report = submitted(cast)
    before = audits()
    for wrong in (cast.other_street, cast.district, cast.enterprise):
        with pytest.raises(HazardForbidden):
            services.report_acknowledge(actor=wrong, report=report)
    assert audits() == before
    services.report_acknowledge(actor=cast.street, report=report)
    report.refresh_from_db()
    assert report.status == SelfReport.Status.ACKNOWLEDGED and report.acknowledged_by == cast.street
    assert audits("selfreport.acknowledge") == 1
    with pytest.raises(HazardConflict):
        services.report_return(actor=cast.street, report=report, reason="晚了")


def test_a_returned_form_is_corrected(cast):
    report = submitted(cast)
    with pytest.raises(ServiceError, match="reason"):
        services.report_return(actor=cast.street, report=report, reason="")
    report.refresh_from_db()
    assert report.status == SelfReport.Status.SUBMITTED
    services.report_return(actor=cast.street, report=report, reason="隐患数与台账不符。")
    report.refresh_from_db()
    assert report.status == SelfReport.Status.RETURNED and report.return_reason
    correction = services.report_correct(
        actor=cast.enterprise, report=report, reason="按退回意见更正。"
    )
    services.report_submit(actor=cast.enterprise, report=correction)
    correction.refresh_from_db()
    assert correction.is_current and correction.status == SelfReport.Status.SUBMITTED
    assert correction.receiver == cast.street.organisation


def test_only_the_district_sets_its_rule_and_each_change_is_audited(cast):
    for wrong in (cast.other_district, cast.street, cast.city):
        with pytest.raises(HazardForbidden):
            services.rule_set(actor=wrong, region=cast.chaoyang, monthly=True)
    services.rule_set(actor=cast.district, region=cast.chaoyang, monthly=True)
    services.rule_set(actor=cast.district, region=cast.chaoyang, monthly=True)  # no change
    services.rule_set(actor=cast.district, region=cast.chaoyang, monthly=False)
    assert audits("selfreport.rule") == 2
