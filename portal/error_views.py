"""The portal's own error pages (404, 403, 400 with CSRF failures, 500), in the
visitor's language and the portal's look, each with a way back: the home page,
the page the visitor came from (when it is on this site) and the public
certificate check, which works without a login.

The 500 page renders without the context processors: whatever failed (the
database, say) must not fail the error page too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token


def _back(request: HttpRequest) -> str:
    """The referring page when it is on this site and not this very page."""
    referer = request.META.get("HTTP_REFERER", "")
    if (
        referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and referer != request.build_absolute_uri()
    ):
        return referer
    return ""


def _safe_back(request: HttpRequest) -> str:
    try:
        return _back(request)
    except Exception:  # a disallowed Host header raises; the page must still render
        return ""


def _page(request: HttpRequest, status: int, **context) -> HttpResponse:
    return render(
        request,
        f"errors/{status}.html",
        {"status": status, "back": _safe_back(request), **context},
        status=status,
    )


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from an expired or foreign page. Django
    answers 403; the page says what to do (go back, reload, send again)."""
    return _page(request, 403, csrf=True)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    template = loader.get_template("errors/500.html")
    context = {
        "request": request,
        "status": 500,
        "back": _safe_back(request),
        # The language switcher's form still works from the error page.
        "csrf_token": get_token(request),
    }
    body = template.render(context)
    return HttpResponse(body, status=500)
