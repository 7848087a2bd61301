"""A major hazard's report (16号令 第14条) and treatment plan (第15条).

The enterprise drafts the report; its principal (the account's organisation
admin) signs and submits it, which sends it to the district government of the
hazard's region and to the regulators of the enterprise's industry, one
ReportReceipt each; each office acknowledges receipt (签收). The plan's six
parts are editable until the principal approves it through the ledger's
``approve_plan`` move, whose PREPARE step is ``prepare_approve_plan`` here.

Every write locks the hazard row (the report and the plan are one per hazard),
records one audit row and writes nothing when it refuses.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import Hazard, MajorHazardReport, ReportReceipt, Suspension, TreatmentPlan
from hazards.services import Move, _date, _locked, _not_future
from hazards.supervision import rules
from portal import audit
from portal.errors import ServiceError
from portal.models import Organisation, OrganisationKind, User
from portal.notify import message, notify_after_commit

REPORT_TEXTS = ("current_state_and_causes", "harm_and_difficulty", "treatment_outline")
REPORT_FIELDS = (*REPORT_TEXTS, "suspension", "workers_congress_on")
PLAN_PARTS = TreatmentPlan.SIX_PARTS


def _label(model: type[MajorHazardReport] | type[TreatmentPlan], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _major_open(hazard: Hazard) -> None:
    if hazard.grade != Hazard.Grade.MAJOR:
        raise ServiceError(_("Only a major hazard has a report and a treatment plan."))
    if not hazard.is_open:
        raise HazardConflict(_("The hazard is closed; its record no longer changes."))


def _texts(model: Any, data: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    unknown = set(data) - set(names)
    if unknown:
        name = sorted(unknown)[0]
        raise ServiceError(_("Unknown field “%(name)s”.") % {"name": name}, field=name)
    cleaned: dict[str, str] = {}
    for name in names:
        if name not in data:
            continue
        value = str(data[name] or "").strip()
        limit = model._meta.get_field(name).max_length
        if limit and len(value) > limit:
            raise ServiceError(
                _("%(field)s: at most %(limit)s characters.")
                % {"field": _label(model, name), "limit": limit},
                field=name,
            )
        cleaned[name] = value
    return cleaned


def missing(obj: Any, names: tuple[str, ...]) -> list[str]:
    """The labels of the parts left blank, in their order."""
    model = type(obj)
    return [_label(model, name) for name in names if not str(getattr(obj, name) or "").strip()]


# The report -----------------------------------------------------------------


@transaction.atomic
def report_save(*, actor: User, hazard: Hazard, **data: Any) -> MajorHazardReport:
    """Create or edit the report's draft (the enterprise's users); a submitted
    report no longer changes."""
    hazard = _locked(hazard)
    if not rules.is_enterprise_user(actor, hazard):
        raise HazardForbidden(_("Only the enterprise writes its major hazard report."))
    _major_open(hazard)
    report = MajorHazardReport.objects.filter(hazard=hazard).first()
    if report is not None and report.submitted_at is not None:
        raise HazardConflict(
            _("The report was submitted on %(date)s; it no longer changes.")
            % {"date": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d")}
        )
    extra = {key: data.pop(key) for key in ("suspension", "workers_congress_on") if key in data}
    values: dict[str, Any] = _texts(MajorHazardReport, data, REPORT_TEXTS)
    if "suspension" in extra:
        if extra["suspension"] not in Suspension.values:
            raise ServiceError(_("Choose full, partial or no suspension."), field="suspension")
        values["suspension"] = extra["suspension"]
    if "workers_congress_on" in extra:
        day = _date(extra["workers_congress_on"], "workers_congress_on", required=False)
        if day is not None:
            _not_future(day, "workers_congress_on")
            if day < hazard.found_on:
                raise ServiceError(
                    _("The date cannot be before the hazard was found (%(date)s).")
                    % {"date": hazard.found_on.isoformat()},
                    field="workers_congress_on",
                )
        values["workers_congress_on"] = day
    names = list(values)
    if report is None:
        report = MajorHazardReport(hazard=hazard, created_by=actor)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(report, names)
    for name, value in values.items():
        setattr(report, name, value)
    report.save()
    audit.record(
        actor=actor,
        action="hazard.report.save",
        obj=hazard,
        before=before or None,
        after={"report": report.pk, **audit.snapshot(report, names)},
    )
    return report


def recipients(hazard: Hazard) -> list[Organisation]:
    """The district government of the hazard's region and the regulators of its
    industry, active ones."""
    who = Q(kind=OrganisationKind.DISTRICT, region_id=hazard.region_id)
    if hazard.industry_id:
        who |= Q(kind=OrganisationKind.REGULATOR, industries=hazard.industry_id)
    return list(
        Organisation.objects.filter(who, status=Organisation.Status.ACTIVE)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def report_submit(*, actor: User, hazard: Hazard) -> MajorHazardReport:
    """The principal signs and submits the complete report; it goes to the
    district and the regulators (a receipt each)."""
    hazard = _locked(hazard)
    if not rules.is_principal(actor, hazard):
        raise HazardForbidden(
            _("The enterprise's principal (its organisation admin) signs and submits the report.")
        )
    _major_open(hazard)
    report = MajorHazardReport.objects.filter(hazard=hazard).first()
    if report is None:
        raise ServiceError(_("Write the report first."))
    if report.submitted_at is not None:
        raise HazardConflict(_("The report has already been submitted."))
    gaps = missing(report, REPORT_TEXTS)
    if gaps:
        raise ServiceError(
            _("The report is missing: %(parts)s.") % {"parts": _(", ").join(gaps)}, field="report"
        )
    report.signed_by, report.submitted_at = actor, timezone.now()
    report.save(update_fields=["signed_by", "submitted_at"])
    offices = recipients(hazard)
    ReportReceipt.objects.bulk_create(
        [ReportReceipt(report=report, organisation=org) for org in offices]
    )
    audit.record(
        actor=actor,
        action="hazard.report.submit",
        obj=hazard,
        after={
            "report": report.pk,
            "submitted_at": report.submitted_at.isoformat(),
            "sent_to": [org.pk for org in offices],
            "late": rules.report_late(hazard, report),
        },
    )
    text = message(
        gettext_noop("%(enterprise)s reported major hazard %(number)s; please acknowledge."),
        enterprise=hazard.enterprise.name,
        number=hazard.number,
    )
    notify_after_commit([org.pk for org in offices], text)
    return report


@transaction.atomic
def report_acknowledge(*, actor: User, receipt: ReportReceipt) -> ReportReceipt:
    """签收: a user of the office the report was sent to."""
    receipt = ReportReceipt.objects.select_for_update().get(pk=receipt.pk)
    if not rules.receives(actor, receipt):
        raise HazardForbidden(_("The report was not sent to your organisation."))
    if receipt.acknowledged_at is not None:
        raise HazardConflict(
            _("Receipt was already acknowledged on %(date)s.")
            % {"date": timezone.localtime(receipt.acknowledged_at).strftime("%Y-%m-%d %H:%M")}
        )
    receipt.acknowledged_by, receipt.acknowledged_at = actor, timezone.now()
    receipt.save(update_fields=["acknowledged_by", "acknowledged_at"])
    report = MajorHazardReport.objects.get(pk=receipt.report_id)
    audit.record(
        actor=actor,
        action="hazard.report.acknowledge",
        obj=report.hazard,
        after={"report": report.pk, "receipt": receipt.pk},
    )
    return receipt


# The plan -------------------------------------------------------------------


@transaction.atomic
def plan_save(*, actor: User, hazard: Hazard, **data: Any) -> TreatmentPlan:
    """Create or edit the plan's draft (the enterprise's users) until approved."""
    hazard = _locked(hazard)
    if not rules.is_enterprise_user(actor, hazard):
        raise HazardForbidden(_("Only the enterprise writes its treatment plan."))
    _major_open(hazard)
    plan = TreatmentPlan.objects.filter(hazard=hazard).first()
    if plan is not None and plan.approved_at is not None:
        raise HazardConflict(_("The plan has been approved; it no longer changes."))
    values = _texts(TreatmentPlan, data, PLAN_PARTS)
    names = list(values)
    if plan is None:
        plan = TreatmentPlan(hazard=hazard, created_by=actor)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(plan, names)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.save()
    audit.record(
        actor=actor,
        action="hazard.plan.save",
        obj=hazard,
        before=before or None,
        after={"plan": plan.pk, **audit.snapshot(plan, names)},
    )
    return plan


def prepare_approve_plan(move: Move) -> None:
    """The ledger's approve_plan: only once the report is submitted and the plan
    has all six parts; records who approved it and when."""
    hazard = move.hazard
    report = MajorHazardReport.objects.filter(hazard=hazard).first()
    if report is None or report.submitted_at is None:
        raise ServiceError(
            _("The major hazard report must be signed and submitted before the plan is approved.")
        )
    plan = TreatmentPlan.objects.select_for_update().filter(hazard=hazard).first()
    if plan is None:
        raise ServiceError(_("Write the treatment plan (its six parts) first."))
    gaps = missing(plan, PLAN_PARTS)
    if gaps:
        raise ServiceError(
            _("The treatment plan is missing: %(parts)s.") % {"parts": _(", ").join(gaps)},
            field="plan",
        )
    plan.approved_by, plan.approved_at = move.actor, timezone.now()
    plan.save(update_fields=["approved_by", "approved_at", "updated_at"])
    move.details.update(plan=plan.pk, approved_at=plan.approved_at.isoformat())
