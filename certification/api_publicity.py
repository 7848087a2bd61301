"""API of certification/publicity.py, mounted under /api/v1/ by portal/api_urls.py:
``routes`` go to the router, ``urlpatterns`` are added as they are."""

from __future__ import annotations

# (prefix, viewset, basename) for the router.
routes: list = []
urlpatterns: list = []
