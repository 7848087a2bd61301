"""Pages of certification/onsite: included by certification/urls.py."""

from django.urls import path

from certification.onsite import views, views_files, views_findings

urlpatterns: list = [
    path("<int:pk>/review/", views.review_page, name="review"),
    path(
        "<int:pk>/review/elements/<int:element_id>/",
        views.review_element,
        name="review_element",
    ),
    path("<int:pk>/review/rows/<int:row_id>/", views.review_row_save, name="review_row"),
    path("<int:pk>/review/confirm/", views.review_confirm, name="review_confirm"),
    path(
        "<int:pk>/review/rows/<int:row_id>/finding/",
        views.review_row_finding,
        name="review_row_finding",
    ),
    path(
        "<int:pk>/review/evidence/<int:evidence_id>/",
        views_files.review_evidence,
        name="review_evidence",
    ),
    path("<int:pk>/review/findings/", views_findings.findings_page, name="review_findings"),
    path(
        "<int:pk>/review/findings/<int:finding_id>/photos/",
        views_findings.finding_photo_add,
        name="review_finding_photos",
    ),
    path(
        "<int:pk>/review/findings/<int:finding_id>/hazard/",
        views_findings.finding_record_hazard,
        name="review_finding_hazard",
    ),
    path(
        "<int:pk>/review/findings/<int:finding_id>/delete/",
        views_findings.finding_delete,
        name="review_finding_delete",
    ),
    path("<int:pk>/review/files/<int:file_id>/", views_files.review_file, name="review_file"),
    path("<int:pk>/review/report/", views.report_page, name="review_report"),
    path("<int:pk>/review/sign/", views.report_sign, name="review_sign"),
    path(
        "<int:pk>/rectification/evidence/",
        views.rectification_evidence,
        name="rectification_evidence",
    ),
]
