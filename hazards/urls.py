from django.urls import include, path

from hazards import catalogue_views, views

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_new, name="new"),
    path("export/", views.hazard_export, name="export"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/moves/<str:transition>/", views.hazard_act, name="act"),
    path("<int:pk>/extend/", views.hazard_extend, name="extend"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo_download, name="photo"),
    path("inspections/", include("hazards.inspections.urls")),
    path("supervision/", include("hazards.supervision.urls")),
    path("enforcement/", include("hazards.enforcement.urls")),
    path("import/", include("hazards.importing.urls")),
    path("self-reports/", include("hazards.selfreports.urls")),
    path("oversight/", include("hazards.oversight.urls")),
    path("catalogues/", catalogue_views.catalogue_list, name="catalogues"),
    path(
        "catalogues/versions/<int:pk>/",
        catalogue_views.version_detail,
        name="catalogue_version",
    ),
]
