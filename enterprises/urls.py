from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("mine/", views.my_enterprise, name="mine"),
    path("new/", views.enterprise_edit, name="new"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/<int:pk>/", views.registration_decide, name="registration_decide"),
    # Import and export: enterprises/import_views.py
]
