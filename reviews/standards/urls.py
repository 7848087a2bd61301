from django.urls import path

from reviews.standards import views

app_name = "standards"

urlpatterns = [
    path("", views.standard_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("upload/confirm/", views.upload_confirm, name="upload_confirm"),
    path("template.xlsx", views.template_download, name="template"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/export.xlsx", views.version_export_xlsx, name="export_xlsx"),
    path("versions/<int:pk>/export.yaml", views.version_export_yaml, name="export_yaml"),
    path("versions/<int:pk>/publish/", views.version_publish, name="publish"),
    path("versions/<int:pk>/retire/", views.version_retire, name="retire"),
]
