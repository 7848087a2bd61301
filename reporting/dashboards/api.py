"""REST endpoints of reporting/dashboards/ (mounted by portal/api_urls.py)."""

routes: list = []
