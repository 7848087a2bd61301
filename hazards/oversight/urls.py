from django.urls import path

from hazards.oversight import views

app_name = "oversight"

urlpatterns = [
    path("", views.worklist_page, name="worklist"),
]
