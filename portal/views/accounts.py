from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.utils.translation import gettext as _

from portal import login_throttle
from portal.middleware import client_ip


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
        login_throttle.record_failure(self.request.POST.get("username", ""),
                                      client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        login_throttle.clear(form.get_user().get_username(), client_ip(self.request))
        return super().form_valid(form)
