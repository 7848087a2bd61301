"""Public pages (no login): publicity with objections, announcements. Mounted at /public/."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns: list = []
