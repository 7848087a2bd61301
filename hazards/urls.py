from django.urls import path

from hazards import catalogue_views

app_name = "hazards"

urlpatterns = [
    path("catalogues/", catalogue_views.catalogue_list, name="catalogues"),
    path(
        "catalogues/versions/<int:pk>/",
        catalogue_views.version_detail,
        name="catalogue_version",
    ),
]
