"""Pages of reporting/standing/: the officials' pages at /standing/ (``urlpatterns``,
namespace "standing") and the public ones at /public/ (``public_urlpatterns``,
namespace "public_standing"), both mounted by portal/urls.py."""

from django.urls import path

from reporting.standing import public_views, views

app_name = "standing"

urlpatterns = [
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/export/", views.warning_export, name="warnings_export"),
    path("tiers/", views.tier_list, name="tiers"),
    path("tiers/export/", views.tier_export, name="tiers_export"),
    path("feed-clients/", views.feed_clients, name="feed_clients"),
    path("feed-clients/<int:pk>/revoke/", views.feed_client_revoke, name="feed_client_revoke"),
]

public_urlpatterns = (
    [
        path("progress/", public_views.progress_page, name="progress"),
        path("warnings/", public_views.warnings_page, name="warnings"),
    ],
    "public_standing",
)
