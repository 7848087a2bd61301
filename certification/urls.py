from django.urls import path

from certification.applications import views
from certification.certificates import urls as urls_certificates
from certification.lifecycle import urls as urls_lifecycle
from certification.onsite import urls as urls_onsite
from certification.publicity import urls as urls_publicity
from certification.verification import urls as urls_verification

app_name = "certification"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_new, name="new"),
    path("queue/", views.application_queue, name="queue"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/act/<slug:transition>/", views.application_act, name="act"),
    path("<int:pk>/declaration/", views.declaration_save, name="declaration"),
    path("<int:pk>/assign/", views.application_assign, name="assign"),
    path("<int:pk>/sign/", views.declaration_sign, name="sign"),
    path("<int:pk>/materials/", views.material_upload, name="material_upload"),
    path(
        "<int:pk>/materials/<int:material_id>/", views.material_download, name="material_download"
    ),
    *urls_onsite.urlpatterns,
    *urls_verification.urlpatterns,
    *urls_publicity.urlpatterns,
    *urls_certificates.urlpatterns,
    *urls_lifecycle.urlpatterns,
]
