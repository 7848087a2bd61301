from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from portal.audit import current_ip
from portal.clients import client_ip


class AuditContextMiddleware:
    """Makes the client address available to audit.record for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class PortalLocaleMiddleware(LocaleMiddleware):
    """Pages are Chinese unless the user picks English in the header.

    Browsers on government desktops often send an English Accept-Language;
    the portal still opens in Chinese. The API keeps honouring the header,
    as integrations expect.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class InactiveOrganisationMiddleware:
    """The one check for pages: a user whose organisation may not act (a registration
    awaiting or refused by its district, a suspended organisation...) gets only the
    status of the account, as the home page, and otherwise a 403, whatever a page's
    own checks say. The API refuses such users itself (portal.api.base.CanAct)."""

    # Besides the home page: leaving, choosing a language, setting a password, and
    # registering again after a rejection.
    ALLOWED = {"login", "logout", "set_language", "password_reset_confirm", "register"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or not user.organisation_id
            or user.can_act
            or request.path.startswith("/api/")
        ):
            return None
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            return None  # one gate of its own (portal.admin), which refuses them too
        name = match.view_name if match is not None else ""
        if name == "home":
            from portal.views.accounts import account_status

            return account_status(request)
        if name in self.ALLOWED:
            return None
        raise PermissionDenied(
            _(
                "Your organisation's account is not active; only its status "
                "is available, on the home page."
            )
        )
