from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import permissions, services
from portal.errors import ServiceError
from portal.forms import OrganisationForm
from portal.models import Organisation, OrganisationKind


@login_required
def organisation_list(request):
    permissions.require(permissions.can_manage_organisations(request.user))
    qs = (
        Organisation.objects.visible_to(request.user)
        .select_related("region", "street")
        .annotate(user_count=Count("users"))
        .order_by("kind", "name")
    )
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query))
    kind = request.GET.get("kind", "")
    if kind in OrganisationKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/organisation_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": OrganisationKind.choices,
            "params": urlencode({"q": query, "kind": kind}),
        },
    )


@login_required
def organisation_edit(request, pk=None):
    permissions.require(permissions.can_manage_organisations(request.user))
    instance = None
    if pk is not None:
        instance = permissions.get_visible_or_404(Organisation.objects, request.user, pk=pk)
    form = OrganisationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_save(
                actor=request.user,
                organisation=form.save(commit=False),
                industries=form.cleaned_data["industries"],
                qualifications=form.qualification_pairs(),
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Saved “%(name)s”.") % {"name": org.name})
            return redirect("organisation_edit", pk=org.pk)
    return render(request, "portal/organisation_form.html", {"form": form, "object": instance})
