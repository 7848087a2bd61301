from django.urls import path

from reviews import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/team/", views.assessment_team, name="team"),
    path("<int:pk>/submit/", views.assessment_submit, name="submit"),
    path("<int:pk>/elements/<int:element_id>/rows/", views.element_rows, name="element_rows"),
    path(
        "<int:pk>/elements/<int:element_id>/not-applicable/",
        views.element_not_applicable,
        name="element_na",
    ),
    path("<int:pk>/print/", views.assessment_print, name="print"),
    path("<int:pk>/rows/<int:row_id>/", views.row_save, name="row"),
    path("<int:pk>/rows/<int:row_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
