"""Public pages (no login): publicity with objections, announcements, the
registry of certified enterprises. Mounted at /public/."""

from django.urls import path

from certification.public import registry
from certification.public import views as views_public

app_name = "public"

urlpatterns = [
    path("publicity/", views_public.publicity_list, name="publicity"),
    path("publicity/<int:pk>/", views_public.publicity_detail, name="publicity_detail"),
    path("announcements/", views_public.announcement_list, name="announcements"),
    path("announcements/<int:pk>/", views_public.announcement_detail, name="announcement_detail"),
    path("certified/", registry.certified_list, name="certified"),
]
