from django.urls import path

from reporting.assessment import views

app_name = "assessment"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path(
        "reports/<int:pk>/evidence/<int:score_id>/",
        views.report_evidence,
        name="report_evidence",
    ),
    path("reports/<int:pk>/comment/", views.report_comment, name="report_comment"),
    path("reports/<int:pk>/manual/", views.report_manual, name="report_manual"),
    path("reports/<int:pk>/finalise/", views.report_finalise, name="report_finalise"),
    path("reports/<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("ranking/", views.ranking, name="ranking"),
    path("bulletins/<int:pk>/", views.bulletin_pdf, name="bulletin"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("public/", views.public_summaries, name="public"),
]
