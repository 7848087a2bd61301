from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import permissions, services
from portal.errors import ServiceError
from portal.forms import InviteForm, StaffUpdateForm
from portal.models import User


@login_required
def staff_list(request):
    permissions.require(permissions.can_manage_staff(request.user))
    qs = User.objects.filter(organisation=request.user.organisation).order_by("username")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "portal/staff_list.html", {"page": page})


@login_required
def staff_invite(request):
    permissions.require(permissions.can_manage_staff(request.user))
    form = InviteForm(request.POST or None)
    invitation = None
    if request.method == "POST" and form.is_valid():
        try:
            user, path = services.user_invite(
                actor=request.user, organisation=request.user.organisation, **form.cleaned_data
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            invitation = request.build_absolute_uri(path)
            messages.success(request, _("Invited %(name)s.") % {"name": user.username})
            form = InviteForm()
    return render(request, "portal/staff_invite.html", {"form": form, "invitation": invitation})


@login_required
@require_POST
def staff_update(request, pk):
    permissions.require(permissions.can_manage_staff(request.user))
    # Admins manage their own organisation only: others' staff are not found.
    target = permissions.get_visible_or_404(
        User.objects.filter(organisation=request.user.organisation), request.user, pk=pk
    )
    form = StaffUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("staff")
    action = form.cleaned_data["action"]
    try:
        if action in ("activate", "deactivate"):
            services.user_set_active(actor=request.user, user=target, active=action == "activate")
        else:
            role = User.Role.ADMIN if action == "make_admin" else User.Role.STAFF
            services.user_set_role(actor=request.user, user=target, role=role)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Updated %(name)s.") % {"name": target.username})
    return redirect("staff")
