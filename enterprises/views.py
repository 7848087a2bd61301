from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import pages, preconditions, registration_throttle, services
from enterprises.filter_options import districts_and_industries
from enterprises.forms import DishonestyForm, EnterpriseForm, RegistrationForm
from enterprises.models import Enterprise, RegistrationClaim
from enterprises.preconditions import DISHONESTY_FIELDS
from enterprises.registry_html import registry_rows_html
from enterprises.scale import enterprise_scale_warning
from enterprises.selectors import (
    claim_rows,
    claims_visible_to,
    filter_enterprises,
    registry_paginator,
    registry_rows,
)
from enterprises.uscc import outside_beijing_warning
from portal import permissions
from portal.clients import client_ip
from portal.errors import ServiceError
from portal.models import OrganisationKind, Street


def filtered_enterprises(user, params):
    """The registry list as the user filtered it; shared by the page and the export.
    An unknown grade filters nothing (the page says so)."""
    qs = filter_enterprises(
        Enterprise.objects.visible_to(user),
        search=params.get("q", ""),
        **{
            key: params.get(key, "").strip()
            for key in ("district", "street", "industry", "scale", "status")
        },
        ordering=params.get("sort", "name"),
    )
    grade = params.get("grade", "").strip()
    condition = pages.standing().condition(grade) if grade else None
    return qs.filter(condition) if condition is not None else qs


def _streets_offered(user, district: str):
    """The streets of the chosen district, or of the user's own district (a district
    or street office never chooses another)."""
    org = user.organisation
    region = district or (org.region_id if org.kind in _LOCAL_KINDS else "")
    if org.kind == OrganisationKind.STREET and org.street_id:
        return Street.objects.filter(pk=org.street_id)
    return Street.objects.filter(region_id=region) if region else []


_LOCAL_KINDS = (OrganisationKind.DISTRICT, OrganisationKind.STREET)


@login_required
def enterprise_list(request):
    permissions.require(request.user.can_act)
    # The page's ids first (from the indexes alone where they can), then its rows.
    ids = filtered_enterprises(request.user, request.GET).values_list("pk", flat=True)
    page = registry_paginator(ids, search=request.GET.get("q", "")).get_page(
        request.GET.get("page")
    )
    page.object_list = registry_rows(page.object_list)
    standing = pages.standing()
    rows = standing.rows([enterprise.pk for enterprise in page])
    for enterprise in page:
        enterprise.standing = rows.get(enterprise.pk)
    grade = request.GET.get("grade", "").strip()
    if grade and standing.condition(grade) is None:
        messages.warning(request, _("Unknown grade “%(value)s”: not filtered.") % {"value": grade})
    district = request.GET.get("district", "")
    districts, industries = districts_and_industries()
    params = request.GET.copy()
    params.pop("page", None)
    without_sort = params.copy()
    without_sort.pop("sort", None)
    return render(
        request,
        "enterprises/list.html",
        {
            "page": page,
            "rows_html": registry_rows_html(page),
            "params": params.urlencode(),
            "params_without_sort": without_sort.urlencode(),
            "sort_columns": [
                ("name", _("Name")),
                ("uscc", _("Unified social credit code")),
                ("district", _("District")),
                ("employees", _("Employees")),
            ],
            "filters": {
                key: request.GET.get(key, "")
                for key in (
                    "q",
                    "district",
                    "street",
                    "industry",
                    "scale",
                    "status",
                    "grade",
                    "sort",
                )
            },
            "districts": districts,
            "streets": _streets_offered(request.user, district),
            "grades": standing.choices(),
            "industries": industries,
            "scales": Enterprise.Scale.choices,
            "statuses": Enterprise.Status.choices,
            "can_create": permissions.acts_for(
                request.user, OrganisationKind.CITY_OFFICE, OrganisationKind.DISTRICT
            ),
            "can_export": permissions.can_export_enterprises(request.user),
        },
    )


@login_required
def enterprise_detail(request, pk):
    enterprise = permissions.get_visible_or_404(
        Enterprise.objects.select_related("region", "street", "industry", "group", "account"),
        request.user,
        pk=pk,
    )
    from enterprises.accidents import can_record

    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "can_edit": permissions.can_edit_enterprise(request.user, enterprise),
            # Sections of the apps above the registry (certificates), then accidents.
            "sections": pages.detail_sections(request, enterprise),
            "accidents": enterprise.accidents.all(),
            "can_record_accident": can_record(request.user, enterprise),
            "scale_warning": enterprise_scale_warning(enterprise),
            "preconditions": preconditions.checklist(enterprise),
            "dishonesty_form": DishonestyForm(
                initial={
                    "listed": bool(enterprise.dishonesty_listed_on),
                    **{name: getattr(enterprise, name) for name in DISHONESTY_FIELDS},
                }
            ),
        },
    )


@login_required
@require_POST
def dishonesty_save(request, pk):
    """The district or city office records or clears a dishonesty listing."""
    enterprise = permissions.get_visible_or_404(Enterprise.objects, request.user, pk=pk)
    permissions.require(permissions.can_edit_enterprise(request.user, enterprise))
    form = DishonestyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            preconditions.dishonesty_set(
                actor=request.user,
                enterprise=enterprise,
                listed_on=data["dishonesty_listed_on"] if data["listed"] else None,
                source=data["dishonesty_source"],
                reason=data["dishonesty_reason"],
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The dishonesty listing is saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("enterprises:detail", args=[enterprise.pk]) + "#preconditions")


@login_required
def my_enterprise(request):
    enterprise = Enterprise.objects.filter(account_id=request.user.organisation_id).first()
    if enterprise is None or request.user.kind != OrganisationKind.ENTERPRISE:
        raise Http404
    return redirect("enterprises:detail", pk=enterprise.pk)


@login_required
def enterprise_edit(request, pk=None):
    if pk is None:
        permissions.require(
            permissions.acts_for(
                request.user, OrganisationKind.CITY_OFFICE, OrganisationKind.DISTRICT
            )
        )
        instance = Enterprise(region_id=request.user.organisation.region_id)
    else:
        instance = permissions.get_visible_or_404(Enterprise.objects, request.user, pk=pk)
        permissions.require(permissions.can_edit_enterprise(request.user, instance))
    form = EnterpriseForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_save(
                actor=request.user, enterprise=form.save(commit=False)
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Saved “%(name)s”.") % {"name": enterprise.name})
            if form.scale_warning:
                messages.warning(request, form.scale_warning)
            return redirect("enterprises:detail", pk=enterprise.pk)
    warning = form.scale_warning if form.is_bound else None
    if not form.is_bound and instance.pk:
        warning = enterprise_scale_warning(instance)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "object": instance, "scale_warning": warning},
    )


def register(request):
    """Self-registration: a claim that the district verifies. Every accepted
    registration gets the same answer, whatever is known about the USCC."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and not registration_throttle.allow(client_ip(request)):
        refused = _(
            "Too many registrations from your address. Try again in %(minutes)d minutes."
        ) % {"minutes": registration_throttle.window_minutes()}
        return render(
            request,
            "enterprises/register.html",
            {"form": RegistrationForm(), "refused": refused},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.enterprise_register(
                uscc=data["uscc"],
                name=data["name"],
                region=data["region"],
                street=data["street"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                username=data["username"],
                email=data["email"],
                password=data["password"],
                client_ip=client_ip(request),
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            login(
                request,
                claim.account.users.get(),
                backend="portal.auth_backends.PortalModelBackend",
            )
            messages.success(
                request, _("Registration received. Your district government will verify it.")
            )
            warning = outside_beijing_warning(claim.uscc)
            if warning:
                messages.warning(request, warning)
            return redirect("home")
    return render(request, "enterprises/register.html", {"form": form})


@login_required
def registration_list(request):
    """The district's verification queue of registration claims."""
    permissions.require(
        permissions.acts_for(request.user, OrganisationKind.CITY_OFFICE, OrganisationKind.DISTRICT)
    )
    status = request.GET.get("status", "pending")
    qs = (
        claims_visible_to(request.user)
        .select_related("region", "street", "account", "decided_by")
        .prefetch_related("account__users")
    )
    if status in RegistrationClaim.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("created_at", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/registrations.html",
        {
            "page": page,
            "rows": claim_rows(request.user, page.object_list),
            "status": status,
            "status_tabs": [*RegistrationClaim.Status.choices, ("all", _("All"))],
        },
    )


@login_required
@require_POST
def registration_decide(request, pk):
    claim = get_object_or_404(claims_visible_to(request.user), pk=pk)
    permissions.require(permissions.can_verify_registration(request.user, claim))
    try:
        if request.POST.get("decision") == "approve":
            services.registration_approve(actor=request.user, claim=claim)
            messages.success(request, _("Approved “%(name)s”.") % {"name": claim.name})
        else:
            services.registration_reject(
                actor=request.user, claim=claim, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Rejected “%(name)s”.") % {"name": claim.name})
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("enterprises:registrations")
