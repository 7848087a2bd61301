"""The public page of listed supervision, mounted at /public/supervision/."""

from django.urls import path

from hazards.supervision import public_views

app_name = "public_supervision"

urlpatterns = [path("", public_views.public_list, name="list")]
