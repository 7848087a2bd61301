from django.urls import path

from reporting.worklists import views

app_name = "worklists"

urlpatterns = [
    path("", views.index, name="index"),
    # Before <kind>/: "escalated" is no worklist's name.
    path("escalated/", views.escalated, name="escalated"),
    path("<slug:kind>/", views.worklist_page, name="list"),
    path("<slug:kind>/export/", views.worklist_export, name="export"),
]
