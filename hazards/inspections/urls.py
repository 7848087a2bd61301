from django.urls import path

from hazards.inspections import plan_views, views

app_name = "inspections"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("export/", views.record_export, name="export"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/deactivate/", plan_views.plan_deactivate, name="plan_deactivate"),
    path("plans/<int:pk>/start/", views.record_new, name="record_new"),
    path("<int:pk>/", views.record_detail, name="record"),
    path("<int:pk>/results/<int:result_id>/", views.result_save, name="result"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo_download, name="photo"),
]
