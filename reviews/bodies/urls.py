from django.urls import path

from reviews.bodies import views

app_name = "review_bodies"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/status/", views.unit_status, name="status"),
    path("<int:pk>/reviewers/", views.reviewer_add, name="reviewer_add"),
    path("<int:pk>/reviewers/<int:reviewer_pk>/", views.reviewer_edit, name="reviewer_edit"),
    path(
        "<int:pk>/reviewers/<int:reviewer_pk>/active/",
        views.reviewer_active,
        name="reviewer_active",
    ),
    path("<int:pk>/conflicts/", views.conflict_add, name="conflict_add"),
    path("<int:pk>/conflicts/<int:conflict_pk>/end/", views.conflict_end, name="conflict_end"),
]
