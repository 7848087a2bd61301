from django.urls import path

from reporting.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.target_list, name="list"),
    path("new/", views.target_new, name="new"),
    path("<int:pk>/", views.target_detail, name="detail"),
    path("<int:pk>/edit/", views.target_edit, name="edit"),
    path("<int:pk>/retire/", views.target_retire, name="retire"),
    path("<int:pk>/export/", views.target_export, name="export"),
]
