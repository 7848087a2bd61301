"""The portal's own error pages (portal/error_views.py): 404, 403, 400 (and
CSRF failures), 500, in both languages, in the portal's look, with a way back."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from portal.urls import urlpatterns as portal_urls


def _forbidden(request):
    raise PermissionDenied


def _bad(request):
    raise BadRequest("odd input")


def _broken(request):
    raise RuntimeError("a bug")


def _form(request):
    return HttpResponse("ok")


urlpatterns = [
    path("test-errors/forbidden/", _forbidden),
    path("test-errors/bad/", _bad),
    path("test-errors/broken/", _broken),
    path("test-errors/form/", _form),
    *portal_urls,
]
handler400 = "portal.error_views.bad_request"
handler403 = "portal.error_views.permission_denied"
handler404 = "portal.error_views.page_not_found"
handler500 = "portal.error_views.server_error"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls(__name__),
]

ENGLISH = {
    404: "Page not found",
    403: "Not allowed",
    400: "Bad request",
    500: "Something went wrong",
}
URLS = {
    404: "/no-such-page/",
    403: "/test-errors/forbidden/",
    400: "/test-errors/bad/",
    500: "/test-errors/broken/",
}


def visitor(language: str | None = None, **kwargs) -> Client:
    client = Client(**kwargs)
    client.raise_request_exception = False
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def ways_back(html: str) -> list[str]:
    return [key for key in ("back-previous", "back-home", "back-check") if key in html]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("status", [404, 403, 400, 500])
def test_each_error_page_in_english_with_the_ways_back(status):
    response = visitor("en").get(URLS[status], HTTP_REFERER="http://testserver/public/publicity/")

    assert response.status_code == status
    html = response.content.decode()
    assert f'data-status="{status}"' in html
    assert ENGLISH[status] in html
    assert '<html lang="en"' in html
    # The portal's look: its navigation bar and style sheet.
    assert 'class="navbar' in html and "css/portal.css" in html
    assert ways_back(html) == ["back-previous", "back-home", "back-check"]
    assert 'href="http://testserver/public/publicity/"' in html
    assert 'href="/verify/"' in html
    assert "Traceback" not in html and "a bug" not in html


@override_settings(DEBUG=False)
@pytest.mark.parametrize("status", [404, 403, 400, 500])
def test_each_error_page_in_chinese(status):
    """Chinese by default; the English title does not appear once the catalogue is
    merged, and the page is marked Chinese either way."""
    response = visitor().get(URLS[status])

    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="zh-CN"' in html
    assert f'data-status="{status}"' in html
    assert ways_back(html) == ["back-home", "back-check"]


@override_settings(DEBUG=False)
def test_a_referer_from_another_site_is_not_offered_as_the_way_back():
    html = visitor("en").get(URLS[404], HTTP_REFERER="https://evil.example/phish").content
    assert b"evil.example" not in html and b'data-testid="back-previous"' not in html


@override_settings(DEBUG=False)
def test_a_csrf_failure_says_the_form_expired():
    client = visitor("en", enforce_csrf_checks=True)
    response = client.post("/test-errors/form/", {"x": "1"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "The form has expired" in html and "reload the page" in html
    assert ways_back(html) == ["back-home", "back-check"]
    assert settings.CSRF_FAILURE_VIEW == "portal.error_views.csrf_failure"


@override_settings(DEBUG=False)
def test_the_csrf_failure_of_the_real_login_form(db):
    client = visitor("en", enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_signed_in_user_keeps_the_navigation_on_a_404(cast):
    client = visitor("en")
    client.force_login(cast.district)
    html = client.get(URLS[404]).content.decode()
    assert 'data-testid="whoami"' in html and "Page not found" in html


def test_the_portal_urls_name_these_handlers():
    from portal import urls

    assert urls.handler400 == handler400 and urls.handler403 == handler403
    assert urls.handler404 == handler404 and urls.handler500 == handler500
