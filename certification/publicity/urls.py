"""Pages of certification/publicity/rules.py: included by certification/urls.py
(under /applications/)."""

from django.urls import path

from certification.publicity import views as views_publicity

urlpatterns = [
    path("publicity/", views_publicity.publicity_page, name="publicity"),
    path(
        "publicity/objections/<int:pk>/resolve/",
        views_publicity.objection_resolve,
        name="objection_resolve",
    ),
    path("announcements/", views_publicity.announcements_page, name="announcements"),
]
