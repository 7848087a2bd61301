"""Inspection plan pages: the list, a new plan (a group first picks its member),
the detail with its inspections, editing and deactivating. Whoever oversees the
enterprise reads; its users and its group write (hazards.inspections.selectors
may_manage). Outside the scope: 404; inside it without the right: 403."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from hazards.errors import HazardConflict, HazardForbidden
from hazards.inspections import plans
from hazards.inspections.forms import PlanForm
from hazards.inspections.selectors import manageable_enterprises, may_manage
from hazards.models import InspectionKind, InspectionPlan
from hazards.views import LEDGER_KINDS
from portal import permissions
from portal.errors import ServiceError
from portal.models import OrganisationKind, User

PER_PAGE = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def can_use(user: Any) -> bool:
    """Who keeps or oversees ledgers sees the inspections in their scope."""
    return permissions.acts_for(user, *LEDGER_KINDS)


def get_plan(request: HttpRequest, pk: int) -> InspectionPlan:
    permissions.require(can_use(request.user))
    return permissions.get_visible_or_404(
        InspectionPlan.objects.select_related(
            "enterprise", "standard_version__standard", "catalogue_version__catalogue", "created_by"
        ),
        request.user,
        pk=pk,
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    permissions.require(can_use(request.user))
    qs = InspectionPlan.objects.visible_to(request.user).select_related("enterprise")
    active = request.GET.get("active", "1")
    if active == "1":
        qs = qs.filter(active=True)
    kind = request.GET.get("kind", "")
    if kind in InspectionKind.values:
        qs = qs.filter(kind=kind)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    qs = qs.annotate(record_count=Count("records")).order_by("-created_at", "-pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    org = _actor(request).organisation
    return render(
        request,
        "hazards/inspections/plan_list.html",
        {
            "page": page,
            "params": params.urlencode(),
            "filters": {"active": active, "kind": kind, "q": q},
            "kinds": InspectionKind.choices,
            "show_enterprise": org is not None and org.kind != OrganisationKind.ENTERPRISE,
            "can_plan": manageable_enterprises(request.user).exists(),
        },
    )


def _save_error(form: PlanForm, error: ServiceError) -> None:
    field = {"criteria": "codes", "catalogue_items": "codes"}.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    permissions.require(can_use(request.user))
    choices = manageable_enterprises(request.user)
    permissions.require(choices.exists())
    chosen = request.POST.get("enterprise") or request.GET.get("enterprise", "")
    enterprise: Enterprise | None
    if choices.count() == 1:
        enterprise = choices.first()
    else:
        enterprise = choices.filter(pk=chosen).first() if chosen.isdigit() else None
    if enterprise is None:
        q = request.GET.get("q", "").strip()[:100]
        found = choices.filter(Q(name__icontains=q) | Q(uscc__icontains=q)) if q else choices
        return render(
            request,
            "hazards/inspections/choose_enterprise.html",
            {"enterprises": found.order_by("name")[:20], "q": q},
        )
    form = PlanForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.plan_create(
                actor=_actor(request), enterprise=enterprise, **form.plan_fields()
            )
        except HazardForbidden as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            _save_error(form, error)
        else:
            messages.success(request, _("Plan “%(title)s” saved.") % {"title": plan.title})
            return redirect("hazards:inspections:plan", pk=plan.pk)
    return render(
        request,
        "hazards/inspections/plan_form.html",
        {"form": form, "enterprise": enterprise, "plan": None},
        status=400 if form.errors else 200,
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    records = plan.records.select_related("leader").order_by("-inspected_on", "-pk")[:20]
    chosen = (
        plan.criteria.order_by("position", "pk")
        if plan.checklist == InspectionPlan.Checklist.STANDARD
        else plan.catalogue_items.order_by("order", "pk")
    )
    return render(
        request,
        "hazards/inspections/plan_detail.html",
        {
            "plan": plan,
            "records": records,
            "chosen": list(chosen.values_list("code", flat=True)),
            "may_manage": may_manage(request.user, plan.enterprise),
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    permissions.require(may_manage(request.user, plan.enterprise))
    form = PlanForm(
        request.POST or None, enterprise=plan.enterprise, initial=PlanForm.initial_for(plan)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            plans.plan_update(actor=_actor(request), plan=plan, **form.plan_fields())
        except HazardForbidden as error:
            raise PermissionDenied(error.message) from None
        except HazardConflict as error:
            form.add_error(None, error.message)
            status = 409
        except ServiceError as error:
            _save_error(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("hazards:inspections:plan", pk=plan.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "hazards/inspections/plan_form.html",
        {"form": form, "enterprise": plan.enterprise, "plan": plan},
        status=status,
    )


@login_required
@require_POST
def plan_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    permissions.require(may_manage(request.user, plan.enterprise))
    try:
        plans.plan_deactivate(actor=_actor(request), plan=plan)
    except HazardForbidden as error:
        raise PermissionDenied(error.message) from None
    except HazardConflict as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("The plan is deactivated; no inspection starts from it."))
    return redirect("hazards:inspections:plan", pk=plan.pk)
