from django.urls import path

from hazards.supervision import listing_views, views

app_name = "supervision"

urlpatterns = [
    path("", listing_views.listing_list, name="list"),
    path("export/", listing_views.listing_export, name="export"),
    path("receipts/", views.receipt_list, name="receipts"),
    path("receipts/<int:pk>/acknowledge/", views.receipt_acknowledge, name="acknowledge"),
    path("hazards/<int:pk>/report/", views.report_page, name="report"),
    path("hazards/<int:pk>/report/submit/", views.report_submit, name="report_submit"),
    path("hazards/<int:pk>/plan/", views.plan_page, name="plan"),
    path("hazards/<int:pk>/list/", listing_views.listing_new, name="new"),
    path("<int:pk>/", listing_views.listing_detail, name="detail"),
    path("<int:pk>/notice.pdf", listing_views.notice_pdf, name="notice"),
    path("<int:pk>/progress/", listing_views.progress_add, name="progress"),
    path("<int:pk>/evaluations/", listing_views.evaluation_add, name="evaluate"),
    path("<int:pk>/files/<int:file_id>/", listing_views.evaluation_file, name="file"),
    path("<int:pk>/apply/", listing_views.close_apply, name="apply"),
    path("<int:pk>/review/", listing_views.close_review, name="review"),
]
