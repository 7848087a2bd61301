from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import services
from enterprises.forms import EnterpriseForm, RegistrationForm, RejectForm
from enterprises.models import Enterprise
from enterprises.selectors import filter_enterprises
from portal import permissions
from portal.errors import ServiceError
from portal.models import Industry, OrganisationKind, Region, Street


def filtered_enterprises(user, params):
    """The registry list as the user filtered it; shared by the page and the export."""
    return filter_enterprises(
        Enterprise.objects.visible_to(user), search=params.get("q", ""),
        **{key: params.get(key, "").strip()
           for key in ("district", "street", "industry", "scale", "status")},
        ordering=params.get("sort", "name"),
    )


@login_required
def enterprise_list(request):
    permissions.require(request.user.can_act)
    qs = filtered_enterprises(request.user, request.GET).select_related(
        "region", "street", "industry"
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    district = request.GET.get("district", "")
    params = request.GET.copy()
    params.pop("page", None)
    without_sort = params.copy()
    without_sort.pop("sort", None)
    return render(request, "enterprises/list.html", {
        "page": page,
        "params": params.urlencode(),
        "params_without_sort": without_sort.urlencode(),
        "sort_columns": [("name", _("Name")), ("uscc", _("Unified social credit code")),
                         ("district", _("District")), ("employees", _("Employees"))],
        "filters": {key: request.GET.get(key, "") for key in
                    ("q", "district", "street", "industry", "scale", "status", "sort")},
        "districts": Region.objects.all(),
        "streets": Street.objects.filter(region_id=district) if district else [],
        "industries": Industry.objects.all(),
        "scales": Enterprise.Scale.choices,
        "statuses": Enterprise.Status.choices,
        "can_create": permissions.acts_for(request.user, OrganisationKind.CITY_OFFICE,
                                           OrganisationKind.DISTRICT),
        "can_export": permissions.can_export_enterprises(request.user),
    })


@login_required
def enterprise_detail(request, pk):
    enterprise = permissions.get_visible_or_404(
        Enterprise.objects.select_related("region", "street", "industry", "group", "account"),
        request.user, pk=pk,
    )
    from certification.lifecycle.rules import certificates_visible_to
    from enterprises.accidents import can_record

    return render(request, "enterprises/detail.html", {
        "enterprise": enterprise,
        "can_edit": permissions.can_edit_enterprise(request.user, enterprise),
        # Accidents and certificates (issue 5): templates/enterprises/_accidents.html.
        "accidents": enterprise.accidents.all(),
        "can_record_accident": can_record(request.user, enterprise),
        "certificates": certificates_visible_to(request.user).filter(enterprise=enterprise),
    })


@login_required
def my_enterprise(request):
    enterprise = Enterprise.objects.filter(account_id=request.user.organisation_id).first()
    if enterprise is None or request.user.kind != OrganisationKind.ENTERPRISE:
        raise Http404
    return redirect("enterprises:detail", pk=enterprise.pk)


@login_required
def enterprise_edit(request, pk=None):
    if pk is None:
        permissions.require(permissions.acts_for(
            request.user, OrganisationKind.CITY_OFFICE, OrganisationKind.DISTRICT))
        instance = Enterprise(region_id=request.user.organisation.region_id)
    else:
        instance = permissions.get_visible_or_404(Enterprise.objects, request.user, pk=pk)
        permissions.require(permissions.can_edit_enterprise(request.user, instance))
    form = EnterpriseForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_save(actor=request.user,
                                                  enterprise=form.save(commit=False))
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Saved “%(name)s”.") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "object": instance})


def register(request):
    """Self-registration of an enterprise; its district verifies it later."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = services.enterprise_register(
                uscc=data["uscc"], name=data["name"], region=data["region"],
                street=data["street"], contact_name=data["contact_name"],
                contact_phone=data["contact_phone"], username=data["username"],
                email=data["email"], password=data["password"],
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            user = enterprise.account.users.get()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Registration received. %(district)s will verify it.")
                             % {"district": enterprise.region})
            return redirect("home")
    return render(request, "enterprises/register.html", {"form": form})


@login_required
def registration_list(request):
    permissions.require(permissions.acts_for(
        request.user, OrganisationKind.CITY_OFFICE, OrganisationKind.DISTRICT))
    status = request.GET.get("status", "pending")
    qs = (Enterprise.objects.visible_to(request.user)
          .filter(account__isnull=False)
          .select_related("region", "street", "account"))
    if status in ("pending", "active", "rejected"):
        qs = qs.filter(account__status=status)
    qs = qs.order_by("account__created_at", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "enterprises/registrations.html", {
        "page": page, "status": status,
        "status_tabs": [("pending", _("Awaiting verification")), ("active", _("Approved")),
                        ("rejected", _("Rejected")), ("all", _("All"))],
    })


@login_required
@require_POST
def registration_decide(request, pk):
    enterprise = permissions.get_visible_or_404(Enterprise.objects, request.user, pk=pk)
    permissions.require(permissions.can_verify_registration(request.user, enterprise))
    try:
        if request.POST.get("decision") == "approve":
            services.registration_approve(actor=request.user, enterprise=enterprise)
            messages.success(request, _("Approved “%(name)s”.") % {"name": enterprise.name})
        else:
            form = RejectForm(request.POST)
            reason = form.data.get("reason", "")
            services.registration_reject(actor=request.user, enterprise=enterprise,
                                         reason=reason)
            messages.success(request, _("Rejected “%(name)s”.") % {"name": enterprise.name})
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("enterprises:registrations")
