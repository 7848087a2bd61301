from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from portal.audit import current_ip


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


def client_ip(request) -> str | None:
    # Behind the compose file's gunicorn there is no proxy adding headers;
    # REMOTE_ADDR is the trustworthy source.
    return request.META.get("REMOTE_ADDR") or None


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
