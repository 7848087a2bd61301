from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import login_throttle
from portal.clients import client_ip


class ThrottledLoginView(LoginView):
    """The standard login, refusing a username+address after repeated failures."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_throttle.is_locked(username, client_ip(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed logins. Try again in %(minutes)d minutes.")
                % {"minutes": login_throttle.lock_minutes()},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_throttle.record_failure(
            self.request.POST.get("username", ""), client_ip(self.request)
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        login_throttle.clear(form.get_user().get_username(), client_ip(self.request))
        return super().form_valid(form)


class ThrottledAdminLoginView(ThrottledLoginView):
    """The Django admin's login page (AdminSite.login), counted and refused like
    the portal's: the admin is one more door to the same accounts."""

    template_name = "admin/login.html"
    authentication_form = AdminAuthenticationForm
    redirect_authenticated_user = False

    def dispatch(self, request, *args, **kwargs):
        from portal.admin import site

        self.admin_site = site
        request.current_app = site.name
        if request.method == "GET" and site.has_permission(request):
            return redirect(reverse("admin:index", current_app=site.name))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            self.admin_site.each_context(self.request),
            title=_("Log in"),
            subtitle=None,
            app_path=self.request.get_full_path(),
            username=self.request.user.get_username(),
        )
        if (
            REDIRECT_FIELD_NAME not in self.request.GET
            and REDIRECT_FIELD_NAME not in self.request.POST
        ):
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.admin_site.name)
        return context


@login_required
def account_status(request):
    """The home page of a user whose organisation may not act: the state of its
    registration (or of the organisation) and nothing about any enterprise."""
    org = request.user.organisation
    if org is None or request.user.can_act:
        return redirect("home")
    # The registration claim (enterprises app), when the account registered itself.
    claim = getattr(org, "registration_claim", None)
    return render(request, "accounts/status.html", {"organisation": org, "claim": claim})
