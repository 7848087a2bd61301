"""Pages of certification/verification: included by certification/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
