from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("mine/", views.my_enterprise, name="mine"),
    path("new/", views.enterprise_edit, name="new"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/dishonesty/", views.dishonesty_save, name="dishonesty"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/<int:pk>/", views.registration_decide, name="registration_decide"),
    # Import and export: enterprises/import_views.py
]

from enterprises import import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_page, name="import"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/<int:pk>/commit/", import_views.import_job_commit_view, name="import_job_commit"),
    path("export.xlsx", import_views.export, name="export"),
]

from enterprises import views_accidents  # noqa: E402

urlpatterns += [
    path("<int:pk>/accidents/new/", views_accidents.accident_add, name="accident_add"),
    path(
        "<int:pk>/accidents/<int:accident_id>/finding/",
        views_accidents.accident_finding,
        name="accident_finding",
    ),
]
