from django.urls import path

from reporting.snapshots import views

app_name = "snapshots"

urlpatterns: list = [
    path("trends/", views.trend_page, name="trends"),
    path("trends/export/", views.trend_export, name="trends_export"),
]
