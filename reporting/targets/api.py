"""REST endpoints, mounted by portal/api_urls.py from ``routes``: (prefix, viewset, basename)."""

routes: list = []
