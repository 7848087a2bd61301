from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from enterprises import views as enterprise_views
from portal.admin import site as admin_site
from portal.views import accounts, audit_log, notifications, organisations, staff
from reporting import views as reporting_views
from reporting.standing import urls as standing_urls

urlpatterns = [
    path("", reporting_views.home, name="home"),
    path("accounts/login/", accounts.ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", enterprise_views.register, name="register"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/set_password.html", success_url="/accounts/login/"
        ),
        name="password_reset_confirm",
    ),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/new/", organisations.organisation_edit, name="organisation_new"),
    path("organisations/<int:pk>/", organisations.organisation_edit, name="organisation_edit"),
    path("staff/", staff.staff_list, name="staff"),
    path("staff/invite/", staff.staff_invite, name="staff_invite"),
    path("staff/<int:pk>/", staff.staff_update, name="staff_update"),
    path("audit/", audit_log.audit_log, name="audit_log"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notifications_read_all",
    ),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/preference/",
        notifications.notification_preference,
        name="notification_preference",
    ),
    path("enterprises/", include("enterprises.urls")),
    path("applications/", include("certification.urls")),
    path("public/supervision/", include("hazards.supervision.public_urls")),
    path("public/", include(standing_urls.public_urlpatterns)),
    path("public/", include("certification.public.urls")),
    path("verify/", include("certification.certificates.urls_verify")),
    path("assessments/", include("reviews.urls")),
    path("standards/", include("reviews.standards.urls")),
    path("review-units/", include("reviews.bodies.urls")),
    path("hazards/", include("hazards.urls")),
    path("statistics/", include("reporting.statistics.urls")),
    path("targets/", include("reporting.targets.urls")),
    path("snapshots/", include("reporting.snapshots.urls")),
    path("worklists/", include("reporting.worklists.urls")),
    path("standing/", include("reporting.standing.urls")),
    path("dashboards/", include("reporting.dashboards.urls")),
    path("assessment-reports/", include("reporting.assessment.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs for users only (the schema stays public); their start-up script is
    # served from this URL (?script), not inline, for the Content-Security-Policy.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own URLs: its login page is throttled like the portal's.
    path("admin/login/", accounts.ThrottledAdminLoginView.as_view()),
    path("admin/", admin_site.urls),
    # Browsers ask for /favicon.ico whatever the page links.
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg", permanent=True),
    ),
]

# The portal's own error pages (portal/error_views.py); CSRF failures: settings.CSRF_FAILURE_VIEW.
handler400 = "portal.error_views.bad_request"
handler403 = "portal.error_views.permission_denied"
handler404 = "portal.error_views.page_not_found"
handler500 = "portal.error_views.server_error"
