"""Pages of certification/verification: included by certification/urls.py."""

from django.urls import path

from certification.verification import views

urlpatterns = [
    path("verification/", views.verification_list, name="verification"),
    path("verification/new/", views.verification_batch_create, name="verification_batch_create"),
    path("verification/<int:batch_id>/", views.verification_batch, name="verification_batch"),
    path(
        "verification/<int:batch_id>/approve/",
        views.verification_batch_approve,
        name="verification_batch_approve",
    ),
    path(
        "verification/checks/<int:check_id>/record/",
        views.spot_check_record,
        name="spot_check_record",
    ),
]
