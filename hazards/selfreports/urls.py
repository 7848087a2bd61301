from django.urls import path

from hazards.selfreports import status_views, table_views, views

app_name = "selfreports"

urlpatterns = [
    path("", views.report_list, name="index"),
    path("start/", views.report_start, name="start"),
    path("inbox/", views.report_inbox, name="inbox"),
    path("rule/", views.reporting_rule, name="rule"),
    path("status/", status_views.filing_status, name="status"),
    path("status/export/", status_views.filing_status_export, name="status_export"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/correct/", views.report_correct, name="correct"),
    path("<int:pk>/acknowledge/", views.report_acknowledge, name="acknowledge"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("tables/", table_views.table_list, name="tables"),
    path("tables/<int:pk>/", table_views.table_detail, name="table"),
    path("tables/<int:pk>/xlsx/", table_views.table_xlsx, name="table_xlsx"),
]
