from django.urls import path

from hazards.importing import views

app_name = "importing"

urlpatterns = [
    path("", views.ledger_import, name="import"),
    path("template/", views.ledger_template, name="template"),
]
