"""Pages of the certificate files and report PDFs (certification/certificates/views.py):
included by certification/urls.py (under /applications/)."""

from django.urls import path

from certification.certificates import views

urlpatterns = [
    path(
        "certificates/<int:pk>/<slug:kind>/",
        views.certificate_download,
        name="certificate_download",
    ),
    path("announcements/<int:pk>/pdfs/", views.announcement_pdfs, name="announcement_pdfs"),
    path(
        "announcements/<int:pk>/pdfs/retry/",
        views.announcement_pdfs_retry,
        name="announcement_pdfs_retry",
    ),
    path("assessments/<int:pk>/pdf/", views.assessment_report_pdf, name="assessment_pdf"),
    path("<int:pk>/review/report/pdf/", views.review_report_pdf, name="review_report_pdf"),
    path("pdfs/<int:job_id>/", views.pdf_job, name="pdf_job"),
    path("pdfs/<int:job_id>/download/", views.pdf_job_download, name="pdf_job_download"),
]
