from django.urls import path

from reviews.bodies import views, views_disqualification

app_name = "review_bodies"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/status/", views.unit_status, name="status"),
    path(
        "<int:pk>/disqualification/",
        views_disqualification.propose,
        name="disqualification_propose",
    ),
    path(
        "disqualifications/",
        views_disqualification.proposal_list,
        name="disqualifications",
    ),
    path(
        "disqualifications/<int:proposal_pk>/decide/",
        views_disqualification.decide,
        name="disqualification_decide",
    ),
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
