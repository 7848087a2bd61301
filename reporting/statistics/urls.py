from django.urls import path

from reporting.statistics import views

app_name = "statistics"

urlpatterns = [
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance_export"),
    path("compliance/enterprises/", views.compliance_records, name="compliance_records"),
    path(
        "compliance/enterprises/export/",
        views.compliance_records_export,
        name="compliance_records_export",
    ),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/export/", views.certificates_export, name="certificates_export"),
    path("certificates/enterprises/", views.certificates_records, name="certificates_records"),
    path(
        "certificates/enterprises/export/",
        views.certificates_records_export,
        name="certificates_records_export",
    ),
]
