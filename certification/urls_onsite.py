"""Pages of certification/onsite: included by certification/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
