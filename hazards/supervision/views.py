"""Pages of a major hazard's report and plan, and the reports an office has
received: thin views over hazards/supervision/reports.py.

The hazard is fetched through the user's scope (404 outside it); whoever sees
it reads its report and plan; the enterprise's users edit the drafts, its
principal submits the report, the receiving offices acknowledge it (403 for
anyone else, before the input is looked at).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazards.errors import HazardConflict, HazardForbidden
from hazards.models import (
    Hazard,
    MajorHazardReport,
    ReportReceipt,
    SupervisionListing,
    TreatmentPlan,
)
from hazards.supervision import reports, rules
from hazards.supervision.forms import PlanForm, ReportForm
from hazards.supervision.selectors import receipts_for
from hazards.views import _actor, _get_hazard, can_use_ledger
from portal import permissions
from portal.errors import ServiceError
from portal.models import OrganisationKind, User

PER_PAGE = 50
RECEIVER_KINDS = (OrganisationKind.DISTRICT, OrganisationKind.REGULATOR)


def _major(request: HttpRequest, pk: int) -> Hazard:
    hazard = _get_hazard(request, pk)
    if hazard.grade != Hazard.Grade.MAJOR:
        raise PermissionDenied
    return hazard


def hazard_panel(user: User, hazard: Hazard) -> dict[str, Any] | None:
    """What the hazard's detail page shows of its report, plan and listing."""
    if hazard.grade != Hazard.Grade.MAJOR:
        return None
    report = MajorHazardReport.objects.select_related("signed_by").filter(hazard=hazard).first()
    receipts = (
        list(report.receipts.select_related("organisation", "acknowledged_by"))
        if report is not None and report.submitted_at is not None
        else []
    )
    for receipt in receipts:
        receipt.may_acknowledge = (  # type: ignore[attr-defined]
            receipt.acknowledged_at is None and rules.receives(user, receipt)
        )
    plan = TreatmentPlan.objects.select_related("approved_by").filter(hazard=hazard).first()
    listing = SupervisionListing.objects.select_related("issuer").filter(hazard=hazard).first()
    enterprise = rules.is_enterprise_user(user, hazard)
    return {
        "report": report,
        "receipts": receipts,
        "report_due": rules.report_due(hazard),
        "report_late": rules.report_late(hazard, report),
        "plan": plan,
        "plan_missing": reports.missing(plan, reports.PLAN_PARTS) if plan else [],
        "listing": listing,
        "may_edit_report": enterprise
        and hazard.is_open
        and (report is None or report.submitted_at is None),
        "may_edit_plan": enterprise
        and hazard.is_open
        and (plan is None or plan.approved_at is None),
        "may_list": listing is None and hazard.is_open and rules.may_list(user, hazard),
    }


def _errors(form: Any, error: ServiceError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The report: read by whoever sees the hazard; its draft edited by the
    enterprise's users."""
    hazard = _major(request, pk)
    user = _actor(request)
    report = MajorHazardReport.objects.filter(hazard=hazard).first()
    editable = report is None or report.submitted_at is None
    may_edit = rules.is_enterprise_user(user, hazard) and hazard.is_open and editable
    initial = {name: getattr(report, name) for name in reports.REPORT_FIELDS} if report else {}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        permissions.require(rules.is_enterprise_user(user, hazard))
        if form.is_valid():
            try:
                reports.report_save(actor=user, hazard=hazard, **form.cleaned_data)
            except HazardForbidden:
                raise PermissionDenied from None
            except ServiceError as error:  # HazardConflict included: shown on the form
                _errors(form, error)
            else:
                messages.success(request, _("Report saved."))
                return redirect("hazards:supervision:report", pk=hazard.pk)
    return render(
        request,
        "hazards/supervision/report.html",
        {
            "hazard": hazard,
            "report": report,
            "form": form,
            "may_edit": may_edit,
            "may_submit": rules.is_principal(user, hazard)
            and report is not None
            and report.submitted_at is None,
            "report_due": rules.report_due(hazard),
            "late": rules.report_late(hazard, report),
            "receipts": report.receipts.select_related("organisation", "acknowledged_by")
            if report
            else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = _major(request, pk)
    user = _actor(request)
    permissions.require(rules.is_principal(user, hazard))
    try:
        reports.report_submit(actor=user, hazard=hazard)
    except HazardForbidden:
        raise PermissionDenied from None
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("hazards:supervision:report", pk=hazard.pk)
    messages.success(request, _("Report signed and submitted."))
    return redirect("hazards:detail", pk=hazard.pk)


@login_required
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The treatment plan: read by whoever sees the hazard; edited by the
    enterprise's users until the principal approves it."""
    hazard = _major(request, pk)
    user = _actor(request)
    plan = TreatmentPlan.objects.select_related("approved_by").filter(hazard=hazard).first()
    may_edit = (
        rules.is_enterprise_user(user, hazard)
        and hazard.is_open
        and (plan is None or plan.approved_at is None)
    )
    initial = {name: getattr(plan, name) for name in reports.PLAN_PARTS} if plan else {}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST":
        permissions.require(rules.is_enterprise_user(user, hazard))
        if form.is_valid():
            try:
                reports.plan_save(actor=user, hazard=hazard, **form.cleaned_data)
            except HazardForbidden:
                raise PermissionDenied from None
            except ServiceError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Treatment plan saved."))
                return redirect("hazards:supervision:plan", pk=hazard.pk)
    return render(
        request,
        "hazards/supervision/plan.html",
        {
            "hazard": hazard,
            "plan": plan,
            "form": form,
            "may_edit": may_edit,
            "missing": reports.missing(plan, reports.PLAN_PARTS) if plan else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
def receipt_list(request: HttpRequest) -> HttpResponse:
    """The major hazard reports sent to the user's office (district, regulator)."""
    permissions.require(permissions.acts_for(request.user, *RECEIVER_KINDS))
    page = Paginator(receipts_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/supervision/receipts.html",
        {"page": page, "today": timezone.localdate()},
    )


@login_required
@require_POST
def receipt_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """签收: only the office the report was sent to (others: 404)."""
    permissions.require(can_use_ledger(request.user))
    user = _actor(request)
    receipt = get_object_or_404(
        ReportReceipt.objects.select_related("report"), pk=pk, organisation_id=user.organisation_id
    )
    try:
        reports.report_acknowledge(actor=user, receipt=receipt)
    except HazardForbidden:
        raise PermissionDenied from None
    except HazardConflict as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("Receipt acknowledged."))
    back = request.POST.get("next", "")
    if back == "hazard":
        return redirect("hazards:detail", pk=receipt.report.hazard_id)
    return redirect(reverse("hazards:supervision:receipts"))
