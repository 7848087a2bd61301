from django.urls import path

from reporting.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("uncertified/", views.uncertified, name="uncertified"),
    path("uncertified/export/", views.uncertified_export, name="uncertified_export"),
]
