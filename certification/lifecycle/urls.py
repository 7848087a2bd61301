"""Pages of certification/lifecycle/rules.py: included by certification/urls.py
(under /applications/)."""

from django.urls import path

from certification.lifecycle import views

urlpatterns = [
    path("certificates/", views.certificate_list, name="lifecycle_certificates"),
    path("certificates/warnings/", views.warning_list, name="lifecycle_warnings"),
    path("certificates/<int:pk>/", views.certificate_detail, name="lifecycle_certificate"),
    path(
        "certificates/<int:pk>/change/<slug:action>/", views.certificate_act, name="lifecycle_act"
    ),
    path(
        "certificates/<int:pk>/annual/<int:row_id>/acknowledge/",
        views.annual_acknowledge,
        name="lifecycle_annual_acknowledge",
    ),
]
